"""What the campaign report reads: the applications of the identities assessed at given levels,
the company directory, and the assessments, as columns.

The report describes a few thousand identities even in a store of millions of applications,
so the applications are reached from the assessments through the links' identity index and
the applications' key, never by a scan of every application.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import polars as pl

from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.store.columnar import read_columns
from fauxhire.store.store import Store

REPORTED_APPLICATIONS: Final = {
    "identity_id": pl.String,
    "company_id": pl.String,
    "applied_on": pl.String,  # YYYY-MM-DD, UTC
    "interview": pl.Int64,  # 1: the ATS stage or date says interview, or a meeting joined
    "job_title": pl.String,
    "name": pl.String,  # NULL unless names were asked for
}
DIRECTORY: Final = {
    "company_id": pl.String,
    "company_name": pl.String,
    "country": pl.String,
    "naics": pl.String,
    "tags": pl.String,  # JSON list
}
ASSESSED: Final = {
    "subject_id": pl.String,
    "network_id": pl.String,
    "probability": pl.Float64,
    "level": pl.String,
    "evidence": pl.String,  # JSON list
    "ruleset_version": pl.String,
    "ruleset_hash": pl.String,
}


def read_reported_applications(
    store: Store, levels: Sequence[str], *, with_names: bool
) -> pl.DataFrame:
    """Every application of the identities assessed at one of ``levels``. The applied name is
    read only ``with_names``: an anonymised report never touches it."""
    day = (
        "to_char(a.applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        if store.dialect == "postgresql"
        else "substr(a.applied_at, 1, 10)"  # stored as UTC text, 'YYYY-MM-DD HH:MM:SS'
    )
    name = "a.name_display" if with_names else "CAST(NULL AS TEXT)"
    query = (
        f"SELECT l.identity_id AS identity_id, a.company_id AS company_id, {day} AS applied_on, "
        "CASE WHEN a.stage_interview OR a.has_meeting THEN 1 ELSE 0 END AS interview, "
        f"a.job_title AS job_title, {name} AS name "
        "FROM assessments s JOIN links l ON l.identity_id = s.subject_id "
        "JOIN applications a ON a.key = l.app_key "
        f"WHERE s.subject_kind = 'identity' AND s.level IN ({_terms(levels)})"
    )
    return read_columns(store, query, REPORTED_APPLICATIONS, "read_reported_applications")


def read_directory(store: Store) -> pl.DataFrame:
    """Every company of the directory (companies.csv)."""
    query = (
        "SELECT company_id, name AS company_name, country, naics, CAST(tags AS TEXT) AS tags "
        "FROM companies"
    )
    return read_columns(store, query, DIRECTORY, "read_directory")


def read_assessed(store: Store, kind: str, levels: Sequence[str] | None = None) -> pl.DataFrame:
    """The assessments of identities or networks (``kind``), of ``levels`` only if given."""
    if kind not in ("identity", "network"):
        raise ValueError(f"no such subject kind: {kind!r}")
    where = f" AND level IN ({_terms(levels)})" if levels is not None else ""
    query = (
        "SELECT subject_id, network_id, probability, level, CAST(evidence AS TEXT) AS evidence, "
        "ruleset_version, ruleset_hash "
        f"FROM assessments WHERE subject_kind = '{kind}'{where}"
    )
    return read_columns(store, query, ASSESSED, f"read_assessed:{kind}")


def _terms(levels: Sequence[str]) -> str:
    """The levels as SQL literals. Only the estimative terms are admitted, so none can carry
    SQL of its own."""
    unknown = [level for level in levels if level not in ESTIMATIVE_TERMS]
    if unknown or not levels:
        raise ValueError(f"not estimative terms: {unknown or 'none given'}")
    return ", ".join(f"'{level}'" for level in levels)
