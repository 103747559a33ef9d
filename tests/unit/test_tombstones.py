"""The tombstone filter ingest and screens apply (services/tombstones.py): a record naming an
erased applicant by e-mail, phone, application or candidate is quarantined without showing
anything of it, and a screen's record is found by the same values; an employer report loses
only the erased subject values; others pass untouched."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fauxhire.domain import Provenance
from fauxhire.domain.erasure import tombstone_digest, tombstone_key
from fauxhire.domain.quarantine import Quarantined
from fauxhire.domain.records import EmployerReport, ReportSubject
from fauxhire.domain.values import Value, ValueKind
from fauxhire.services.tombstones import CODE, TombstoneFilter
from fauxhire.store.prepare import Prepared, Preparer
from support.records import application

KEY = b"unit key"
ERASED = frozenset(
    tombstone_digest(tombstone_key(KEY), kind, value)
    for kind, value in (
        ("email", "gone@example.com"),
        ("phone", "+15550100"),
        ("application", "c-9\x1fa-9"),
        ("candidate", "c-1\x1fp-erased"),
    )
)
PREPARER = Preparer("sqlite")
FILTER = TombstoneFilter(KEY, ERASED)


def _checked(record: object) -> Prepared | Quarantined:
    prepared = PREPARER.prepare(record)  # type: ignore[arg-type]
    assert isinstance(prepared, Prepared)
    return FILTER.check(prepared)


def test_an_erased_applicants_records_are_quarantined_showing_nothing() -> None:
    erased = [
        application("a-1", email="gone@example.com"),
        application("a-2", email="other@example.com", phone="+15550100"),
        replace(application("a-9"), company_id="c-9"),
        replace(application("a-3"), candidate_id="p-erased"),
    ]
    for record in erased:
        checked = _checked(record)
        assert isinstance(checked, Quarantined), record.application_id
        assert checked.code == CODE and checked.excerpt == ""
        assert checked.file == "apps.jsonl" and checked.location == "line 1"
        assert FILTER.names_erased(record), record.application_id  # as a screen asks
    kept = application("a-4", email="other@example.com", phone="+15550199")
    assert _checked(kept) == PREPARER.prepare(kept)
    assert not FILTER.names_erased(kept)


def test_a_report_keeps_everything_but_the_erased_values() -> None:
    report = EmployerReport(
        report_id="r-1",
        reporting_company_id="c-2",
        reported_at=datetime(2025, 5, 1, tzinfo=UTC),
        disposition="confirmed_fraud",
        confidence="high",
        subject=ReportSubject(
            names=(Value(ValueKind.NAME, "Alex Example", "alex example"),),
            emails=(
                Value(ValueKind.EMAIL, "gone@example.com", "gone@example.com"),
                Value(ValueKind.EMAIL, "kept@example.com", "kept@example.com"),
            ),
        ),
        summary=None,
        provenance=Provenance("reports", "reports.jsonl", "line 1", None),
    )
    checked = _checked(report)
    assert isinstance(checked, Prepared)
    [(table, rows)] = checked.children
    assert table == "report_subject_values"
    assert sorted(row[2] for row in rows) == ["alex example", "kept@example.com"]
