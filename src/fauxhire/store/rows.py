"""Domain records to table rows: one parent row a record, plus the rows of its child tables.

Rows are tuples in the table's column order (without the provenance columns, which the writer
appends), because ingest moves millions of them and tuples are what the drivers take fastest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from fauxhire.domain import (
    Application,
    Company,
    EmployerReport,
    Hire,
    IntelObject,
    IpRange,
    MeetingJoin,
    Record,
    SignIn,
    StixIndicator,
    Value,
    ValueKind,
)
from fauxhire.domain.normalise import address
from fauxhire.store import schema
from fauxhire.store.schema import join_key

# A prepared row is the record's own columns, then these; the writer appends file_id and time.
PREPARED_TAIL = ("source_system", "prov_file", "prov_location", "member_id", "content_hash")
WRITE_TAIL = ("file_id", "ingested_at")
PROVENANCE_COLUMNS = PREPARED_TAIL + WRITE_TAIL


@dataclass(frozen=True, slots=True)
class Mapping:
    """How one record type is stored: its table, its own columns, and its child tables."""

    table: Table
    columns: tuple[str, ...]  # the record's own columns, "key" first
    to_row: Callable[[Any], tuple[Any, ...]]
    # Child rows carry the parent's text key first; the writer swaps in the parent's id.
    children: tuple[tuple[Table, Callable[[Any], list[list[Any]]]], ...] = ()


# Plain str per kind: str() of an enum member is slow, and this runs millions of times.
_KIND = {kind: kind.value for kind in ValueKind}


def record_key(record: Record) -> str:
    return join_key(record.key)


def _vals(value: Value | None) -> tuple[str | None, str | None]:
    return (value.display, value.key) if value is not None else (None, None)


def _company(r: Company) -> tuple[Any, ...]:
    return (
        record_key(r),
        r.company_id,
        r.name,
        r.domain,
        r.country,
        r.naics,
        r.sector,
        list(r.tags),
        r.extra,
    )


def _ip_range(r: IpRange) -> tuple[Any, ...]:
    return (record_key(r), r.network, r.asn, r.as_org, r.country, r.kind, r.provider, {})


def _application(r: Application) -> tuple[Any, ...]:
    a = r.applicant
    name_display, name_key = _vals(a.name)
    return (
        record_key(r),
        r.company_id,
        r.application_id,
        r.candidate_id,
        r.applied_at,
        r.job_title,
        r.stage,
        r.status,
        r.interviewed_at,
        r.is_interview,
        False,
        r.source,
        r.referred_by,
        a.first_name,
        a.last_name,
        name_display,
        name_key,
        a.claimed_location,
        a.resume_text,
        list(a.education),
        list(a.employment),
        r.extra,
    )


def _applicant_values(r: Application) -> list[list[Any]]:
    # The name is not among them: it is on the application row (name_key), indexed there.
    key = record_key(r)
    a = r.applicant
    return [
        [key, _KIND[v.kind], v.key, v.display] for v in a.emails + a.phones + a.addresses + a.urls
    ]


def _meeting(r: MeetingJoin) -> tuple[Any, ...]:
    return (
        record_key(r),
        r.company_id,
        r.meeting_id,
        r.participant_key,
        r.start_time,
        r.topic,
        r.user_name,
        *_vals(r.email),
        r.role,
        r.ip_address,
        r.location,
        r.camera,
        r.device,
        r.os,
        r.pc_name,
        r.join_time,
        r.leave_time,
        r.extra,
        None,
        None,
    )


def _signin(r: SignIn) -> tuple[Any, ...]:
    return (
        record_key(r),
        r.company_id,
        r.event_id,
        r.observed_at,
        r.event_type,
        r.outcome,
        *_vals(r.user),
        r.user_display_name,
        r.ip_address,
        r.city,
        r.state,
        r.country,
        r.user_agent,
        r.device,
        r.asn,
        r.as_org,
        r.isp,
        r.is_proxy,
        r.risk_level,
        list(r.risk_reasons),
        r.behaviors,
        list(r.ip_chain),
        r.extra,
        None,
    )


def _hire(r: Hire) -> tuple[Any, ...]:
    return (
        record_key(r),
        r.company_id,
        r.employee_id,
        r.candidate_id,
        *_vals(r.work_email),
        *_vals(r.legal_name),
        r.start_date,
        r.end_date,
        *_vals(r.shipping_address),
        address.building(r.shipping_address.key) if r.shipping_address is not None else None,
        r.payout_method,
        r.payout_account,
        r.device_id,
        r.extra,
    )


def _report(r: EmployerReport) -> tuple[Any, ...]:
    return (
        record_key(r),
        r.report_id,
        r.reporting_company_id,
        r.reported_at,
        r.disposition,
        r.confidence,
        r.summary,
        list(r.subject.candidate_ids),
        r.extra,
    )


def _report_values(r: EmployerReport) -> list[list[Any]]:
    key = record_key(r)
    return [[key, _KIND[v.kind], v.key, v.display] for v in r.subject.values()]


def _indicator(r: StixIndicator) -> tuple[Any, ...]:
    return (
        record_key(r),
        r.stix_id,
        r.name,
        r.pattern,
        r.pattern_type,
        list(r.indicator_types),
        r.valid_from,
        r.valid_until,
        r.confidence,
        r.created_by,
        r.tlp,
        r.description,
        r.raw,
    )


def _observables(r: StixIndicator) -> list[list[Any]]:
    key = record_key(r)
    return [[key, path, value] for path, value in sorted(set(r.observables))]


def _intel(r: IntelObject) -> tuple[Any, ...]:
    return (record_key(r), r.stix_id, r.stix_type, r.raw)


def _own_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.name not in (*PROVENANCE_COLUMNS, "id"))


def _mapping(
    table: Table,
    to_row: Callable[[Any], tuple[Any, ...]],
    *children: tuple[Table, Callable[[Any], list[list[Any]]]],
) -> Mapping:
    return Mapping(table, _own_columns(table), to_row, tuple(children))


MAPPINGS: dict[type, Mapping] = {
    Company: _mapping(schema.companies, _company),
    IpRange: _mapping(schema.ip_ranges, _ip_range),
    Application: _mapping(
        schema.applications, _application, (schema.applicant_values, _applicant_values)
    ),
    MeetingJoin: _mapping(schema.meeting_participants, _meeting),
    SignIn: _mapping(schema.signin_events, _signin),
    Hire: _mapping(schema.hires, _hire),
    EmployerReport: _mapping(
        schema.employer_reports, _report, (schema.report_subject_values, _report_values)
    ),
    StixIndicator: _mapping(
        schema.indicators, _indicator, (schema.indicator_observables, _observables)
    ),
    IntelObject: _mapping(schema.intel_objects, _intel),
}

MAPPINGS_BY_TABLE = {str(m.table.name): m for m in MAPPINGS.values()}

# Columns a later join fills in: an upsert of the record must not wipe them.
JOIN_COLUMNS = frozenset({"has_meeting", "app_key", "match_method", "hire_key"})

# The field that names a record of each table, for messages about its key.
KEY_FIELDS = {
    "companies": "company_id",
    "ip_ranges": "network",
    "applications": "application_id",
    "meeting_participants": "participant_uuid",
    "signin_events": "id",
    "hires": "employee_id",
    "employer_reports": "report_id",
    "indicators": "id",
    "intel_objects": "id",
}
