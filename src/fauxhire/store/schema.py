"""The tables. Every record table has a one-column text ``key`` (the record's natural key, its
parts joined by KEY_SEP) that upserts match on, the same on both backends, and an integer ``id``
that child rows point at; the key's parts are also kept as columns for queries.

Every record row keeps its provenance: source system, file, location in the file, the member
company the file came from, and the ingest run (file_id) and time that wrote it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from fauxhire.store.case_tables import case_entries as case_entries
from fauxhire.store.case_tables import cases as cases
from fauxhire.store.output_tables import api_keys as api_keys
from fauxhire.store.output_tables import assessments as assessments
from fauxhire.store.output_tables import audit_events as audit_events
from fauxhire.store.output_tables import disposition_applications as disposition_applications
from fauxhire.store.output_tables import dispositions as dispositions
from fauxhire.store.output_tables import judgements as judgements
from fauxhire.store.output_tables import link_edges as link_edges
from fauxhire.store.output_tables import link_runs as link_runs
from fauxhire.store.output_tables import (  # the later stages' tables, with the records'
    links as links,
)
from fauxhire.store.output_tables import members as members
from fauxhire.store.output_tables import reports as reports
from fauxhire.store.shared_tables import shared_objects as shared_objects
from fauxhire.store.table_base import KEY_SEP as KEY_SEP
from fauxhire.store.table_base import (
    identity_columns,
    provenance_columns,
)
from fauxhire.store.table_base import join_key as join_key
from fauxhire.store.table_base import metadata as metadata
from fauxhire.store.table_base import split_key as split_key
from fauxhire.store.types import JsonText, UtcDateTime
from fauxhire.store.webhook_tables import (  # the ATS webhooks' tables, on the same metadata
    webhook_deliveries as webhook_deliveries,
)
from fauxhire.store.webhook_tables import webhook_outbox as webhook_outbox
from fauxhire.store.webhook_tables import webhook_secrets as webhook_secrets
from fauxhire.store.webhook_tables import webhook_targets as webhook_targets

ingest_files = Table(
    "ingest_files",
    metadata,
    Column("file_id", Integer, primary_key=True, autoincrement=True),
    Column("format", String(32), nullable=False),
    Column("company_id", Text, nullable=False, default=""),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("display", Text, nullable=False),
    Column("status", String(16), nullable=False),  # started | done | refused
    Column("items_done", Integer, nullable=False, default=0),
    Column("records", Integer, nullable=False, default=0),
    Column("quarantined", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    UniqueConstraint("format", "company_id", "sha256", name="uq_ingest_files_content"),
    # The files ingested (not a screen's records) after a time: an ingest joins what waited,
    # a meeting to an application a screen stored (store/since_assessed.py).
    Index(
        "ix_ingest_files_ingests",
        "started_at",
        sqlite_where=text("format <> 'records'"),
        postgresql_where=text("format <> 'records'"),
    ),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("key", Text, primary_key=True),  # sha256, format, company, location, field
    Column("file_id", Integer, ForeignKey("ingest_files.file_id"), nullable=False),
    Column("format", String(32), nullable=False),
    Column("file", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("field", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("code", String(64), nullable=False),
    Column("excerpt", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

held_records = Table(
    "held_records",
    metadata,
    # The whole later version of a conflicting duplicate, held beside its quarantine entry so
    # an analyst can accept it: the entry's excerpt shows only what differs, cut short.
    Column("quarantine_key", Text, ForeignKey("quarantine.key"), primary_key=True),
    Column("record_table", String(32), nullable=False),
    Column("record_key", Text, nullable=False),
    Column("version", String(32), nullable=False),  # hash of its content and its child rows
    Column("row", JsonText, nullable=False),  # column -> value, as the writer writes it here
    Column("children", JsonText, nullable=False),  # child table -> rows, without the parent id
    Index("ix_held_records_record", "record_table", "record_key"),
)

quarantine_decisions = Table(
    "quarantine_decisions",
    metadata,
    # An analyst's decision on a conflicting duplicate, kept with who, why and when: accepted
    # (the held version replaced the stored one) or kept (the stored one stays).
    Column("quarantine_key", Text, ForeignKey("quarantine.key"), primary_key=True),
    Column("decision", String(16), nullable=False),  # accepted | kept
    Column("analyst", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_at", UtcDateTime, nullable=False),
    # accepted: the version it replaced, so nothing that went in is lost
    Column("replaced_version", String(32)),
    Column("replaced", JsonText),  # {"row": {column: value}, "children": {table: rows}}
)

companies = Table(
    "companies",
    metadata,
    *identity_columns(),
    Column("company_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("domain", Text),
    Column("country", String(2), nullable=False),
    Column("naics", String(6)),
    Column("sector", String(8)),
    Column("tags", JsonText, nullable=False),
    Column("extra", JsonText, nullable=False),
    *provenance_columns(),
)

ip_ranges = Table(
    "ip_ranges",
    metadata,
    *identity_columns(),
    Column("network", Text, nullable=False),
    Column("asn", BigInteger),
    Column("as_org", Text),
    Column("country", String(2)),
    Column("kind", String(16), nullable=False),
    Column("provider", Text),
    Column("extra", JsonText, nullable=False),
    *provenance_columns(),
)

applications = Table(
    "applications",
    metadata,
    *identity_columns(),
    Column("company_id", Text, nullable=False),
    Column("application_id", Text, nullable=False),
    Column("candidate_id", Text, nullable=False),
    Column("applied_at", UtcDateTime, nullable=False),
    Column("job_title", Text, nullable=False),
    Column("stage", Text),
    Column("status", Text),
    Column("interviewed_at", UtcDateTime),
    Column("stage_interview", Boolean, nullable=False),  # the ATS stage or date says interview
    Column("has_meeting", Boolean, nullable=False, default=False),  # a meeting was joined to it
    Column("source", Text),
    Column("referred_by", Text),
    Column("first_name", Text, nullable=False),
    Column("last_name", Text, nullable=False),
    Column("name_display", Text),
    Column("name_key", Text),
    Column("claimed_location", Text),
    Column("resume_text", Text),
    Column("education", JsonText, nullable=False),
    Column("employment", JsonText, nullable=False),
    Column("extra", JsonText, nullable=False),
    *provenance_columns(),
    Index("ix_applications_candidate", "company_id", "candidate_id"),
    # With the key: a name's holders and their keys are read from the index (`link --new`).
    Index("ix_applications_name_key", "name_key", "key"),
)

applicant_values = Table(
    "applicant_values",
    metadata,
    Column("app_ref", Integer, primary_key=True),  # applications.id
    Column("kind", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("display", Text, nullable=False),
    Index("ix_applicant_values_kind_key", "kind", "key"),
    sqlite_with_rowid=False,
)

meeting_participants = Table(
    "meeting_participants",
    metadata,
    *identity_columns(),
    Column("company_id", Text, nullable=False),
    Column("meeting_id", Text, nullable=False),
    Column("participant_key", Text, nullable=False),
    Column("start_time", UtcDateTime),
    Column("topic", Text),
    Column("user_name", Text),
    Column("email_display", Text),
    Column("email_key", Text),
    Column("role", Text),
    Column("ip_address", Text),
    Column("location", Text),
    Column("camera", Text),
    Column("device", Text),
    Column("os", Text),
    Column("pc_name", Text),
    Column("join_time", UtcDateTime),
    Column("leave_time", UtcDateTime),
    Column("extra", JsonText, nullable=False),
    Column("app_key", Text),  # the candidate's application this join was matched to
    Column("match_method", String(16)),  # email | name
    *provenance_columns(),
    Index("ix_meeting_participants_app", "app_key"),
    Index("ix_meeting_participants_ip", "ip_address"),  # search by egress IP (0021)
    Index("ix_meeting_participants_ingested_at", "ingested_at"),
)

signin_events = Table(
    "signin_events",
    metadata,
    *identity_columns(),
    Column("company_id", Text, nullable=False),
    Column("event_id", Text, nullable=False),
    Column("observed_at", UtcDateTime, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("outcome", Text),
    Column("user_display", Text),
    Column("user_key", Text),
    Column("user_display_name", Text),
    Column("ip_address", Text),
    Column("city", Text),
    Column("state", Text),
    Column("country", Text),
    Column("user_agent", Text),
    Column("device", Text),
    Column("asn", BigInteger),
    Column("as_org", Text),
    Column("isp", Text),
    Column("is_proxy", Boolean),
    Column("risk_level", Text),
    Column("risk_reasons", JsonText, nullable=False),
    Column("behaviors", JsonText, nullable=False),
    Column("ip_chain", JsonText, nullable=False),
    Column("extra", JsonText, nullable=False),
    Column("hire_key", Text),  # the hire whose work account this is, joined through hr
    *provenance_columns(),
    Index("ix_signin_events_user", "company_id", "user_key"),
    Index("ix_signin_events_hire", "hire_key"),
    Index("ix_signin_events_ip", "ip_address"),  # search by egress IP (0021)
    Index("ix_signin_events_ingested_at", "ingested_at"),
)

hires = Table(
    "hires",
    metadata,
    *identity_columns(),
    Column("company_id", Text, nullable=False),
    Column("employee_id", Text, nullable=False),
    Column("candidate_id", Text, nullable=False),
    Column("work_email_display", Text),
    Column("work_email_key", Text),
    Column("legal_name_display", Text),
    Column("legal_name_key", Text),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("shipping_address_display", Text),
    Column("shipping_address_key", Text),
    # The address's building (``normalise.address.building``): how many identities' equipment
    # goes to one building tells a mail-receiving service from a home or a farm.
    Column("shipping_building_key", Text),
    Column("payout_method", String(16)),
    Column("payout_account", Text),
    Column("device_id", Text),
    Column("extra", JsonText, nullable=False),
    *provenance_columns(),
    Index("ix_hires_work_email", "company_id", "work_email_key"),
    Index("ix_hires_candidate", "company_id", "candidate_id"),
    # A member's view counts the flagged identities paid or shipped to through the same
    # account or address (services/cross_member.py): found by index, not by a scan of hires.
    Index("ix_hires_payout_account", "payout_account"),
    Index("ix_hires_shipping_address", "shipping_address_key"),
    Index("ix_hires_shipping_building", "shipping_building_key"),
    Index("ix_hires_ingested_at", "ingested_at"),
)

employer_reports = Table(
    "employer_reports",
    metadata,
    *identity_columns(),
    Column("report_id", Text, nullable=False),
    Column("reporting_company_id", Text, nullable=False),
    Column("reported_at", UtcDateTime, nullable=False),
    Column("disposition", String(16), nullable=False),
    Column("confidence", String(8), nullable=False),
    Column("summary", Text),
    Column("candidate_ids", JsonText, nullable=False),
    Column("extra", JsonText, nullable=False),
    *provenance_columns(),
    Index("ix_employer_reports_ingested_at", "ingested_at"),
)

report_subject_values = Table(
    "report_subject_values",
    metadata,
    Column("report_ref", Integer, primary_key=True),  # employer_reports.id
    Column("kind", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("display", Text, nullable=False),
    sqlite_with_rowid=False,
)

report_matches = Table(
    "report_matches",
    metadata,
    Column("report_key", Text, primary_key=True),
    Column("app_key", Text, primary_key=True),
    Column("matched_on", Text, nullable=False),  # candidate_id | email | phone | ... | name
    Index("ix_report_matches_app", "app_key"),
    sqlite_with_rowid=False,
)

indicators = Table(
    "indicators",
    metadata,
    *identity_columns(),
    Column("stix_id", Text, nullable=False),
    Column("name", Text),
    Column("pattern", Text, nullable=False),
    Column("pattern_type", String(32), nullable=False),
    Column("indicator_types", JsonText, nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime),
    Column("confidence", Integer),
    Column("created_by", Text),
    Column("tlp", String(16)),
    Column("description", Text),
    Column("raw", JsonText, nullable=False),
    *provenance_columns(),
    Index("ix_indicators_ingested_at", "ingested_at"),
    Index("ix_indicators_valid_until", "valid_until"),
)

indicator_observables = Table(
    "indicator_observables",
    metadata,
    Column("indicator_ref", Integer, primary_key=True),  # indicators.id
    Column("path", Text, primary_key=True),
    Column("value", Text, primary_key=True),
    Index("ix_indicator_observables_value", "path", "value"),
    sqlite_with_rowid=False,
)

intel_objects = Table(
    "intel_objects",
    metadata,
    *identity_columns(),
    Column("stix_id", Text, nullable=False),
    Column("stix_type", String(64), nullable=False),
    Column("raw", JsonText, nullable=False),
    *provenance_columns(),
)

erasure_tombstones = Table(
    "erasure_tombstones",
    metadata,
    # What an erasure removed, as keyed hashes (domain/erasure.py): ingest skips a record that
    # matches one, so a later file does not bring the person back. Never the values themselves.
    # keyed BLAKE2b-256 of "kind:value" (domain.erasure)
    Column("digest", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # email | phone | application | candidate
    Column("erased_at", UtcDateTime, nullable=False),
)
