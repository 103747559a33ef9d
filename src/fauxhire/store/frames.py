"""Whole tables read as polars frames, for the stages that work on every record at once.

Linking compares millions of applications with columnar operations; reading them row by row
into objects would cost more than the linking. One query a frame, through the raw driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from fauxhire.store.columnar import read_columns
from fauxhire.store.store import Store

# The customer's ipintel ranges, as linking and assessment both class egress on them.
_IP_RANGES = (
    "SELECT network, CAST(asn AS TEXT) AS asn, as_org, country, kind, provider FROM ip_ranges"
)
_IP_RANGES_SCHEMA = dict.fromkeys(
    ("network", "asn", "as_org", "country", "kind", "provider"), pl.String
)

QUERIES = {
    "applications": (
        "SELECT id AS rec, key, company_id, application_id, candidate_id, name_key, "
        "name_display, resume_text, education, employment, referred_by FROM applications"
    ),
    "applicant_values": "SELECT app_ref AS rec, kind, key FROM applicant_values",
    "hires": (
        "SELECT key, company_id, candidate_id, payout_method, payout_account, "
        "shipping_address_key FROM hires"
    ),
    "meetings": (
        "SELECT app_key, ip_address, pc_name FROM meeting_participants WHERE app_key IS NOT NULL"
    ),
    "signins": "SELECT hire_key, ip_address, CAST(asn AS TEXT) AS asn, country AS event_country "
    "FROM signin_events WHERE hire_key IS NOT NULL",
    "links": (
        "SELECT a.id AS rec, l.identity_id, l.network_id "
        "FROM links l JOIN applications a ON a.key = l.app_key"
    ),
    "ip_ranges": _IP_RANGES,
}
_SCHEMAS: dict[str, dict[str, Any]] = {
    "applications": {
        "rec": pl.Int64,
        **dict.fromkeys(
            (
                "key",
                "company_id",
                "application_id",
                "candidate_id",
                "name_key",
                "name_display",
                "resume_text",
                "education",
                "employment",
                "referred_by",
            ),
            pl.String,
        ),
    },
    "applicant_values": {"rec": pl.Int64, "kind": pl.String, "key": pl.String},
    "hires": dict.fromkeys(
        (
            "key",
            "company_id",
            "candidate_id",
            "payout_method",
            "payout_account",
            "shipping_address_key",
        ),
        pl.String,
    ),
    "meetings": dict.fromkeys(("app_key", "ip_address", "pc_name"), pl.String),
    "signins": dict.fromkeys(("hire_key", "ip_address", "asn", "event_country"), pl.String),
    "links": {"rec": pl.Int64, "identity_id": pl.String, "network_id": pl.String},
    "ip_ranges": _IP_RANGES_SCHEMA,
}


def read_frame(store: Store, name: str) -> pl.DataFrame:
    """One of the named frames (``applications``, ``applicant_values``, ``hires``,
    ``meetings``, ``signins``, ``links``, ``ip_ranges``), read as columns (``columnar``)."""
    return read_columns(store, QUERIES[name], _SCHEMAS[name], f"read_frame:{name}")


def frame_of(name: str, rows: Sequence[Any]) -> pl.DataFrame:
    """Rows in the columns of the named frame, as a frame of its schema."""
    return pl.DataFrame(rows, schema=_SCHEMAS[name], orient="row")


_S = pl.String
_LINKED_APPS = "JOIN links l ON l.app_key = a.key"
# A hire's applications: the hr row names the candidate within its company.
_HIRED_APPS = (
    "JOIN applications a ON a.company_id = h.company_id AND a.candidate_id = h.candidate_id "
    + _LINKED_APPS
)
_HIRE_COLUMNS = (
    "SELECT l.identity_id, h.key AS source, h.company_id, "
    "h.shipping_address_key AS shipping_key, h.shipping_building_key AS shipping_building, "
    "h.payout_account, h.legal_name_key, a.name_key"
)
# The hires of a few identities (store/scoped_facts.py): from their links, by index. The
# whole store's order above, from every hire, read 68,000 hires at a million applications
# for each screen (0.5 s).
SCOPED_HIRES_FROM = (
    "FROM links l JOIN applications a ON a.key = l.app_key "
    "JOIN hires h ON h.company_id = a.company_id AND h.candidate_id = a.candidate_id "
    "WHERE l.identity_id IN :ids"
)
SCOPED_HIRES = f"{_HIRE_COLUMNS} {SCOPED_HIRES_FROM}"
# Every hire with the links of its applications. CROSS JOIN makes SQLite start from the few
# hires and look their applications up by index; with plain JOINs it scanned every link and
# looked each application up (0.5 s on v3's 91k links for 2.6k hires, 0.1 s this way).
# PostgreSQL plans it as any other join.
_EVERY_HIRE_LINKED = (
    "FROM hires h CROSS JOIN applications a CROSS JOIN links l "
    "WHERE a.company_id = h.company_id AND a.candidate_id = h.candidate_id AND l.app_key = a.key"
)
# What the assessment reads (services/facts.py): the linked records, each row tied to its
# identity. Every column is named as its frame's schema: PostgreSQL's Arrow columns keep the
# query's names. Times are read as text, as SQLite gives them.
FACT_QUERIES: dict[str, tuple[str, dict[str, Any]]] = {
    "applications": (
        "SELECT a.id AS rec, l.identity_id, l.network_id, a.key AS app_key, a.company_id, "
        "CAST(a.applied_at AS TEXT) AS applied_at, a.claimed_location, a.referred_by, "
        f"a.name_key, a.resume_text FROM applications a "
        f"{_LINKED_APPS}",
        {"rec": pl.Int64} | dict.fromkeys(
            ("identity_id", "network_id", "app_key", "company_id", "applied_at",
             "claimed_location", "referred_by", "name_key", "resume_text"), _S),
    ),
    # Contacts are joined to applications in polars: in SQLite the join of three million
    # values through the links' text keys took half a minute.
    "contacts": (
        "SELECT app_ref AS rec, kind, key FROM applicant_values "
        "WHERE kind IN ('email', 'phone', 'address')",
        {"rec": pl.Int64, "kind": _S, "key": _S},
    ),
    "meetings": (
        "SELECT l.identity_id, m.key AS source, m.company_id, m.ip_address AS ip, m.camera, "
        "CAST(COALESCE(m.join_time, m.start_time) AS TEXT) AS at "
        "FROM meeting_participants m JOIN links l ON l.app_key = m.app_key",
        dict.fromkeys(("identity_id", "source", "company_id", "ip", "camera", "at"), _S),
    ),
    "signins": (
        "SELECT l.identity_id, s.key AS source, s.company_id, "
        "CAST(s.observed_at AS TEXT) AS observed_at, s.ip_address AS ip, "
        "s.country AS event_country, CAST(s.asn AS TEXT) AS asn, s.risk_level, "
        "CAST(s.risk_reasons AS TEXT) AS risk_reasons, CAST(s.behaviors AS TEXT) AS behaviors, "
        "CASE WHEN s.is_proxy THEN 'y' ELSE 'n' END AS is_proxy, a.claimed_location "
        f"FROM signin_events s JOIN hires h ON h.key = s.hire_key {_HIRED_APPS}",
        dict.fromkeys(
            ("identity_id", "source", "company_id", "observed_at", "ip", "event_country",
             "asn", "risk_level", "risk_reasons", "behaviors", "is_proxy",
             "claimed_location"), _S),
    ),
    "hires": (
        f"{_HIRE_COLUMNS} {_EVERY_HIRE_LINKED}",
        dict.fromkeys(
            ("identity_id", "source", "company_id", "shipping_key", "shipping_building",
             "payout_account", "legal_name_key", "name_key"), _S),
    ),
    # Who ships to each building a hire's equipment went to: a building many identities use
    # is a mail-receiving service's. The scoped twin keeps the buildings of the scope's hires.
    "buildings": (
        "SELECT DISTINCT h.shipping_building_key AS building, l.identity_id, l.network_id "
        f"{_EVERY_HIRE_LINKED} AND h.shipping_building_key IS NOT NULL",
        dict.fromkeys(("building", "identity_id", "network_id"), _S),
    ),
    "reports": (
        "SELECT l.identity_id, r.key AS source, r.reporting_company_id AS company_id, "
        "r.disposition, r.confidence, m.matched_on FROM report_matches m "
        "JOIN employer_reports r ON r.key = m.report_key "
        "JOIN links l ON l.app_key = m.app_key",
        dict.fromkeys(
            ("identity_id", "source", "company_id", "disposition", "confidence", "matched_on"),
            _S),
    ),
    "observables": (
        "SELECT i.stix_id, CAST(i.valid_until AS TEXT) AS valid_until, "
        "CAST(i.confidence AS TEXT) AS confidence, o.path, o.value "
        "FROM indicator_observables o JOIN indicators i ON i.id = o.indicator_ref",
        dict.fromkeys(("stix_id", "valid_until", "confidence", "path", "value"), _S),
    ),
    "ip_ranges": (_IP_RANGES, _IP_RANGES_SCHEMA),
    "edges": (
        "SELECT a, b, score FROM link_edges WHERE stage = 'network'",
        {"a": _S, "b": _S, "score": pl.Float64},
    ),
    "borrowed": (
        "SELECT a, b FROM link_edges WHERE stage = 'borrowed'",
        {"a": _S, "b": _S},
    ),
}  # fmt: skip


def read_fact_frame(store: Store, name: str) -> pl.DataFrame:
    """One of the frames of ``FACT_QUERIES``, read as columns."""
    query, schema = FACT_QUERIES[name]
    return read_columns(store, query, schema, f"assess:{name}")
