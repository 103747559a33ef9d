"""The bad-input corpus (tests/fixtures/bad/README.md): each file gets its documented error,
and nothing else of the batch is lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fauxhire.ingest import get_format
from fauxhire.services import ingest_files, quarantine_entries, store_stats
from fauxhire.store import Store

BAD = Path(__file__).parents[1] / "fixtures" / "bad"
GOOD_COMPANIES = "company_id,name,domain,country,naics,tags\nc-9,Good Co,good.example,US,51,\n"
GOOD_APP = (
    '{"company_id": "c-9", "application_id": "good-1", "candidate_id": "p-good", '
    '"applied_at": "2025-01-02T03:04:05Z", "job_title": "QA Engineer", '
    '"first_name": "Gina", "last_name": "Good"}\n'
)


def clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Case:
    file: str
    format: str
    status: str  # done | refused
    stored: int  # records of this file that go in
    errors: tuple[tuple[str, str, str], ...]  # (code, location prefix, field), in file order
    reason_has: str = ""


CASES = [
    Case(
        "applications_truncated_line.jsonl",
        "applications",
        "done",
        2,
        (("invalid_json", "line 2", ""),),
    ),
    Case(
        "applications_truncated_array.json",
        "applications",
        "refused",
        0,
        (("invalid_json", "line 1 col", ""),),
        "truncated",
    ),
    Case(
        "applications_bad_utf8.jsonl",
        "applications",
        "done",
        2,
        (("invalid_json", "line 2", ""),),
        "UTF-8",
    ),
    Case("applications_bom.jsonl", "applications", "done", 2, ()),
    Case(
        "applications_missing_field.jsonl",
        "applications",
        "done",
        2,
        (("missing", "line 2", "job_title"),),
        "required field is missing",
    ),
    Case(
        "applications_wrong_type.jsonl",
        "applications",
        "done",
        1,
        (("list_type", "line 2", "emails"), ("datetime_from_date_parsing", "line 3", "applied_at")),
    ),
    Case(
        "applications_duplicate_ids.jsonl",
        "applications",
        "done",
        2,
        (("duplicate_id", "line 3", "application_id"),),
        "duplicate id",
    ),
    Case(
        "applications_huge_field.jsonl",
        "applications",
        "done",
        2,
        (("field_too_large", "line 2", "resume_text"),),
        "over the",
    ),
    Case("empty.jsonl", "applications", "refused", 0, (("empty_file", "(file)", ""),), "empty"),
    Case("companies_bom.csv", "companies", "done", 2, ()),
    Case(
        "companies_bad_utf8.csv",
        "companies",
        "done",
        2,
        (("invalid_utf8", "line 3", "name"),),
        "UTF-8",
    ),
    Case(
        "companies_missing_column.csv",
        "companies",
        "refused",
        0,
        (("wrong_format", "line 1", ""),),
        "lacks country",
    ),
    Case(
        "companies_ragged.csv",
        "companies",
        "done",
        2,
        (("bad_csv", "line 3", ""), ("bad_csv", "line 4", "")),
        "columns",
    ),
    Case("companies_extra_column.csv", "companies", "done", 1, ()),
    Case(
        "companies_wrong_type.csv",
        "companies",
        "done",
        1,
        (("value_error", "line 2", "country"), ("value_error", "line 3", "naics")),
    ),
    Case(
        "okta_as_zoom.json",
        "zoom",
        "refused",
        0,
        (("wrong_format", "(file)", ""),),
        "expected Zoom",
    ),
    Case(
        "stix_not_a_bundle.json", "stix", "refused", 0, (("wrong_format", "(file)", ""),), "bundle"
    ),
]


def _good_file(tmp_path: Path, fmt: str) -> Path:
    if fmt == "companies":
        path = tmp_path / "good_companies.csv"
        path.write_text(GOOD_COMPANIES)
    else:
        path = tmp_path / "good_apps.jsonl"
        path.write_text(GOOD_APP)
    return path


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.file)
def test_bad_file_gets_its_error_and_loses_nothing_else(
    open_store: Callable[[str], Store], case: Case, tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    fmt = get_format(case.format)
    good_fmt = "companies" if case.format == "companies" else "applications"
    good = _good_file(tmp_path, good_fmt)
    # The bad file sits between good data: before it in another file, and after it.
    company = "c-1" if fmt.per_company else None
    ingest_files(store, get_format(good_fmt), [good], clock=clock)
    results = ingest_files(store, fmt, [BAD / case.file], clock=clock, company_id=company)
    results += ingest_files(store, get_format(good_fmt), [good], clock=clock)
    bad_result, good_result = results

    assert bad_result.status == case.status, bad_result.error
    assert bad_result.records == case.stored
    assert good_result.status == "skipped"  # the good file went in before, unchanged

    entries = [e for e in quarantine_entries(store) if e["file"].endswith(case.file)]
    got = sorted((e["code"], e["location"], e["field"]) for e in entries)
    assert len(got) == len(case.errors), got
    for (code, location, field), expected in zip(got, sorted(case.errors), strict=True):
        assert code == expected[0]
        assert location.startswith(expected[1])
        assert field == expected[2]
    if case.reason_has:
        text = " ".join(e["reason"] for e in entries) + " " + (bad_result.error or "")
        assert case.reason_has in text

    stats = store_stats(store)
    tables = {
        "companies": "companies",
        "applications": "applications",
        "zoom": "meeting_participants",
        "stix": "indicators",
    }
    good_in_same_table = 1 if case.format == good_fmt else 0
    assert stats[tables[case.format]] == case.stored + good_in_same_table
    assert stats[tables[good_fmt]] >= 1  # the good file of the batch is whole
    assert stats["quarantined"] == len(case.errors)


def test_extra_csv_column_is_kept_as_a_custom_attribute(
    open_store: Callable[[str], Store], tmp_path: Path
) -> None:
    from sqlalchemy import select

    from fauxhire.store import schema

    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    ingest_files(store, get_format("companies"), [BAD / "companies_extra_column.csv"], clock=clock)
    (row,) = store.rows(select(schema.companies.c.company_id, schema.companies.c.extra))
    assert row["extra"] == {"crm_owner": "Dana"}


def test_invalid_stix_object_is_quarantined_and_the_rest_goes_in(
    open_store: Callable[[str], Store], tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    (result,) = ingest_files(
        store, get_format("stix"), [BAD / "stix_invalid_indicator.json"], clock=clock
    )
    entries = quarantine_entries(store)
    assert result.status == "done"
    assert [e["location"][:9] for e in entries] == ["/objects/"]
    stats = store_stats(store)
    assert stats["indicators"] == 2  # the sample has three; one is broken
    assert stats["intel_objects"] > 10


def test_reingesting_the_corpus_changes_nothing(
    open_store: Callable[[str], Store], tmp_path: Path
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    files = sorted(BAD.glob("applications_*"))
    ingest_files(store, get_format("applications"), files, clock=clock)
    before = store_stats(store)
    again = ingest_files(store, get_format("applications"), files, clock=clock)
    assert store_stats(store) == before
    assert {r.status for r in again} <= {"skipped", "refused"}
