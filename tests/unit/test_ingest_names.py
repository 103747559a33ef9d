"""A name with no letters or digits ("-", "🙂", "—") is valid input: the record goes in with
the name as written and no matching key, the reject noted in ``extra``. It once raised
ValueError out of the canonical and hr adapters and stopped the whole ingest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fauxhire.domain import Application, Hire
from fauxhire.ingest import canonical, greenhouse, hr
from fauxhire.ingest.base import IngestContext, SourceFile
from fauxhire_lab.world.formats import HR_HEADER

NAMELESS = [("-", "-"), ("🙂", "🙂"), ("—", "."), ("🚀", "·")]


@pytest.mark.parametrize(("first", "last"), NAMELESS)
def test_a_canonical_application_without_a_usable_name_goes_in(
    tmp_path: Path, first: str, last: str
) -> None:
    row = {
        "company_id": "c-1", "application_id": "a-1", "candidate_id": "p-1",
        "applied_at": "2025-01-01T00:00:00Z", "job_title": "Data Engineer",
        "first_name": first, "last_name": last, "emails": ["a@example.com"],
    }  # fmt: skip
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    items = list(canonical.iter_records(SourceFile(path, "a.jsonl", None), IngestContext()))
    [app] = [i for i in items if isinstance(i, Application)]
    assert (app.applicant.first_name, app.applicant.last_name) == (first, last)
    assert app.applicant.name is None
    assert app.extra["invalid_values"][0]["kind"] == "name"
    assert [e.key for e in app.applicant.emails] == ["a@example.com"]


def test_a_greenhouse_candidate_without_a_usable_name_goes_in(tmp_path: Path) -> None:
    candidate = {
        "id": 1, "first_name": "🙂", "last_name": "-",
        "email_addresses": [{"value": "a@example.com", "type": "personal"}],
        "applications": [{"id": 2, "applied_at": "2025-01-01T00:00:00Z",
                          "jobs": [{"id": 1, "name": "Data Engineer"}]}],
    }  # fmt: skip
    path = tmp_path / "c-1.json"
    path.write_text(json.dumps([candidate]), encoding="utf-8")
    source = SourceFile(path, "greenhouse/c-1.json", "c-1")
    [app] = list(greenhouse.iter_records(source, IngestContext()))
    assert isinstance(app, Application) and app.applicant.name is None
    assert app.extra["invalid_values"] == [
        {"kind": "name", "raw": "🙂 -", "reason": "a name needs letters or digits"}
    ]


def test_a_hire_whose_legal_name_has_no_letters_goes_in(tmp_path: Path) -> None:
    path = tmp_path / "c-1.csv"
    row = ["p-1", "E-1", "e1@example.com", "🙂", "2025-02-01", "", "", "bank", "acct", "L-1"]
    path.write_text(",".join(HR_HEADER) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    [hire] = list(hr.iter_records(SourceFile(path, "hr/c-1.csv", "c-1"), IngestContext()))
    assert isinstance(hire, Hire) and hire.legal_name is None
    assert hire.extra["invalid_values"][0]["raw"] == "🙂"
