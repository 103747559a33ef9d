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
    "signins": "SELECT hire_key, ip_address FROM signin_events WHERE hire_key IS NOT NULL",
    "links": (
        "SELECT a.id AS rec, l.identity_id, l.network_id "
        "FROM links l JOIN applications a ON a.key = l.app_key"
    ),
    "ip_ranges": "SELECT network, kind FROM ip_ranges",
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
    "signins": dict.fromkeys(("hire_key", "ip_address"), pl.String),
    "links": {"rec": pl.Int64, "identity_id": pl.String, "network_id": pl.String},
    "ip_ranges": {"network": pl.String, "kind": pl.String},
}


def read_frame(store: Store, name: str) -> pl.DataFrame:
    """One of the named frames (``applications``, ``applicant_values``, ``hires``,
    ``meetings``, ``signins``, ``links``, ``ip_ranges``), read as columns (``columnar``)."""
    return read_columns(store, QUERIES[name], _SCHEMAS[name], f"read_frame:{name}")


def frame_of(name: str, rows: Sequence[Any]) -> pl.DataFrame:
    """Rows in the columns of the named frame, as a frame of its schema."""
    return pl.DataFrame(rows, schema=_SCHEMAS[name], orient="row")
