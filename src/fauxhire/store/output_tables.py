"""The tables the later stages write: identity resolution, judgements and dispositions, the
assessment, the report. Evaluation reads them, whatever stage filled them, so their shape is
settled here; schema.py re-exports them with the record tables."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from fauxhire.store.table_base import metadata
from fauxhire.store.types import JsonText, UtcDateTime

# The id of a table that grows with every screen and read (migration 0019): 64 bits on
# PostgreSQL, and SQLite's INTEGER PRIMARY KEY (its rowid, 64 bits already) there.
WIDE_ID = BigInteger().with_variant(Integer(), "sqlite")

links = Table(
    "links",
    metadata,
    Column("app_key", Text, primary_key=True),  # applications.key
    Column("identity_id", Text, nullable=False),
    Column("network_id", Text),  # NULL: the identity belongs to no network
    Column("linked_at", UtcDateTime, nullable=False),
    Index("ix_links_identity", "identity_id"),
    Index("ix_links_network", "network_id"),
)

link_edges = Table(
    "link_edges",
    metadata,
    # The links that hold each identity and network together, with their evidence: for an
    # identity, a spanning tree of its strongest application pairs (n - 1 edges, not n^2); for a
    # network, every identity pair whose shared infrastructure passed the threshold.
    Column("stage", String(16), primary_key=True),  # identity | network
    Column("a", Text, primary_key=True),  # identity: applications.key; network: identity id
    Column("b", Text, primary_key=True),
    Column("group_id", Text, nullable=False),  # the identity or network the edge holds together
    Column("score", Float, nullable=False),  # identity: match weight (log2 odds); network: sum
    Column("probability", Float),  # identity only
    Column("evidence", JsonText, nullable=False),
    Index("ix_link_edges_group", "stage", "group_id"),
)

link_runs = Table(
    "link_runs",
    metadata,
    Column("run_id", WIDE_ID, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("mode", String(16), nullable=False),  # full | incremental
    Column("spec", JsonText, nullable=False),  # spec names and versions
    Column("model", JsonText, nullable=False),  # the estimated m, u and match share
    Column("summary", JsonText, nullable=False),  # counts: pairs, links, identities, networks
)

judgements = Table(
    "judgements",
    metadata,
    # An analyst's word, kept with who and when; every later run respects it.
    Column("judgement_id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # together | apart | network_apart
    Column("a", Text, nullable=False),  # applications.key (network_apart: one of each identity)
    Column("b", Text, nullable=False),
    Column("analyst", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("kind", "a", "b", name="uq_judgements_pair"),
)

dispositions = Table(
    "dispositions",
    metadata,
    # An analyst's finding on an identity, kept with who, why and when. It is held by the
    # identity's applications (disposition_applications), not its id: ids move on a relink.
    Column("disposition_id", Integer, primary_key=True, autoincrement=True),
    Column("disposition", String(16), nullable=False),  # confirmed | cleared
    Column("subject_id", Text, nullable=False),  # the identity id when disposed: display only
    Column("analyst", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # A screen asks which dispositions came after an assessment (store/since_assessed.py).
    Index("ix_dispositions_created_at", "created_at"),
)

disposition_applications = Table(
    "disposition_applications",
    metadata,
    # Every application of the identity when it was disposed: whichever identity holds any of
    # them after a relink carries the disposition.
    Column(
        "disposition_id",
        Integer,
        ForeignKey("dispositions.disposition_id"),
        primary_key=True,
    ),
    Column("app_key", Text, primary_key=True),  # applications.key
    Index("ix_disposition_applications_app", "app_key"),
    sqlite_with_rowid=False,
)

assessments = Table(
    "assessments",
    metadata,
    Column("subject_kind", String(16), primary_key=True),  # identity | network
    Column("subject_id", Text, primary_key=True),
    Column("network_id", Text),  # for an identity: its network, as in links
    Column("probability", Float, nullable=False),
    Column("level", String(32), nullable=False),  # docs/formats.md section 11
    Column("evidence", JsonText, nullable=False),  # [{"indicator", "weight", "detail", "sources"}]
    Column("ruleset_version", Text),
    Column("ruleset_hash", Text),
    Column("assessed_at", UtcDateTime, nullable=False),
    # The report reads the few identities at `likely` or higher out of millions: by index,
    # not by a scan of every identity's evidence (1.3 s a scan at a million).
    Index("ix_assessments_level", "subject_kind", "level"),
    # The review queue's page of one level, the latest assessed first (migration 0020).
    Index("ix_assessments_queue", "subject_kind", "level", "assessed_at", "subject_id"),
)

reports = Table(
    "reports",
    metadata,
    Column("report_id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("options", JsonText, nullable=False),  # period, minimum level, filters, anonymised
    Column("figures", JsonText, nullable=False),  # report.json, docs/formats.md section 11
)

audit_events = Table(
    "audit_events",
    metadata,
    # Who read or changed what about whom, why and when: appended, never updated. Issue 17
    # appends one for every read of personal data; `fauxhire show` of an identity does now.
    Column("event_id", WIDE_ID, primary_key=True, autoincrement=True),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("role", String(32)),  # NULL: a command line's event, or one from before 0009
    Column("member", Text),
    Column("records", JsonText, nullable=False, server_default="[]"),  # record ids, JSON list
    Column("request_id", String(64)),
    # The hash chain (domain.audit_chain): the previous event's hash, and this one's.
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_subject", "subject"),
)

api_keys = Table(
    "api_keys",
    metadata,
    # The API's keys: the secret is shown once at creation and only its hash is kept. Rows are
    # revoked, never deleted, so a key id in the audit trail always names a key.
    Column("key_id", String(32), primary_key=True),
    Column("secret_hash", String(64), nullable=False),  # hex sha256 of the secret
    Column("name", Text, nullable=False),
    Column("role", String(32), nullable=False),
    Column("member", Text),  # the member company of a member role; NULL for hub roles
    Column("scopes", JsonText, nullable=False),  # a JSON list of scope names
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),  # NULL: never expires
    Column("revoked_at", UtcDateTime),  # NULL: not revoked
    Column("created_by", Text, nullable=False),
)

members = Table(
    "members",
    metadata,
    # The hub's member companies (issue 17): the id is the company_id their records carry. A
    # member is anonymous to the others unless it opted in to be named (``named``): then its
    # display name may appear in another member's view, its company id never.
    Column("member_id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("named", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
