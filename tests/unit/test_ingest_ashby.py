"""Ashby candidate.info / application.info responses -> Applications."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import Application, ValueKind
from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest import ashby
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"
SAMPLE = SAMPLES / "ashby_candidate_info.json"


def application(**changes: Any) -> dict[str, Any]:
    """An application.info result, as Ashby's API reference shows one."""
    data: dict[str, Any] = {
        "id": "9d8e7f60-5555-4e6f-a071-000000000005",
        "createdAt": "2025-03-03T14:02:11.120Z",
        "updatedAt": "2025-03-10T09:15:40.000Z",
        "status": "Active",
        "candidate": {
            "id": "f3c1a8a0-4444-4d5e-8f60-000000000004",
            "name": "Alex Example",
            "primaryEmailAddress": {"value": "alex.example.dev@example.com", "type": "Personal"},
            "primaryPhoneNumber": {"value": "(512) 555-0147", "type": "Mobile"},
        },
        "currentInterviewStage": {"id": "s-2", "title": "Technical Interview", "type": "Active"},
        "source": {"id": "src-0001", "title": "Applied"},
        "archiveReason": None,
        "job": {"id": "j-1", "title": "Senior Backend Engineer"},
    }
    data.update(changes)
    return data


def write(tmp_path: Path, data: Any) -> SourceFile:
    path = tmp_path / "c-5.json"
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "ashby/c-5.json", "c-5")


def run(source: SourceFile) -> tuple[list[Application], list[Quarantined]]:
    items = list(ashby.iter_records(source, IngestContext(company_countries={"c-5": "US"})))
    apps = [i for i in items if isinstance(i, Application)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(apps) + len(bad) == len(items)
    return apps, bad


def test_sample_candidate_info_as_is() -> None:
    [app], bad = run(SourceFile(SAMPLE, "ashby/c-5.json", "c-5"))
    assert bad == []
    assert (app.application_id, app.candidate_id) == (
        "9d8e7f60-5555-4e6f-a071-000000000005",
        "f3c1a8a0-4444-4d5e-8f60-000000000004",
    )
    assert app.provenance.location == "/results"
    assert app.provenance.source_system == "ashby"
    person = app.applicant
    assert (person.first_name, person.last_name) == ("Alex", "Example")
    assert [e.key for e in person.emails] == ["alex.example.dev@example.com"]
    assert [p.key for p in person.phones] == ["+15125550147"]
    assert {u.kind for u in person.urls} == {ValueKind.LINKEDIN, ValueKind.GITHUB}
    # The candidate names no job and no application date: said so, not invented.
    assert app.job_title == ashby.UNKNOWN_JOB
    assert app.applied_at == datetime(2025, 3, 3, 14, 2, 10, 990000, tzinfo=UTC)
    assert app.extra["applied_at_from"] == "candidate.createdAt"
    assert app.is_interview is False
    assert app.source == "Applied"
    assert app.extra["resume_file_handle"]["name"] == "Resume_Example_Dev.pdf"
    assert app.extra["position"] == "Senior Software Engineer"


def test_application_info(tmp_path: Path) -> None:
    [app], bad = run(write(tmp_path, {"success": True, "results": application()}))
    assert bad == []
    assert app.job_title == "Senior Backend Engineer"
    assert (app.stage, app.status, app.is_interview) == ("Technical Interview", "Active", True)
    assert app.applied_at == datetime(2025, 3, 3, 14, 2, 11, 120000, tzinfo=UTC)
    assert app.candidate_id == "f3c1a8a0-4444-4d5e-8f60-000000000004"
    assert [p.key for p in app.applicant.phones] == ["+15125550147"]  # read in the company's US


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ({"title": "Recruiter Screen", "type": "PreInterviewScreen"}, False),
        ({"title": "Lead", "type": "Lead"}, False),
        ({"title": "Onsite", "interviewStageGroup": {"type": "PreApplication"}}, False),
        ({"title": "Application Review", "type": "Active"}, False),  # configured non-interview
        ({"title": "Onsite", "type": "Active"}, True),
        (None, False),
    ],
)
def test_interview_by_stage_type(tmp_path: Path, stage: Any, expected: bool) -> None:
    [app], _ = run(write(tmp_path, application(currentInterviewStage=stage)))
    assert app.is_interview is expected


def test_list_response_quarantines_a_bad_record_alone(tmp_path: Path) -> None:
    wrong_types = application(id="a-2", createdAt="yesterday", candidate="Alex")
    page = {
        "success": True,
        "results": [application(id="a-1"), wrong_types, application(id="a-3")],
        "moreDataAvailable": False,
    }
    apps, bad = run(write(tmp_path, page))
    assert [a.application_id for a in apps] == ["a-1", "a-3"]
    [q] = bad
    assert q.location == "/results/1"
    assert q.field in {"createdAt", "candidate"}
    assert "more problems" in q.reason


def test_failed_response_is_refused_with_ashbys_errors(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"success: false.*invalid_input") as info:
        run(write(tmp_path, {"success": False, "errors": ["invalid_input"]}))
    assert info.value.code == "vendor_error"


def test_greenhouse_file_given_as_ashby_is_refused(tmp_path: Path) -> None:
    candidate = orjson.loads((SAMPLES / "greenhouse_harvest_v1_candidate.json").read_bytes())
    with pytest.raises(WrongFormatError, match="looks like Greenhouse"):
        run(write(tmp_path, candidate))
