"""Lever opportunities -> Applications."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import Application, ValueKind
from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest import lever
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def page() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((SAMPLES / "lever_opportunities_list.json").read_bytes())
    return data


def opportunity(**changes: Any) -> dict[str, Any]:
    opp: dict[str, Any] = page()["data"][0]
    opp.update(changes)
    return opp


def write(tmp_path: Path, data: Any, company: str | None = "c-7") -> SourceFile:
    path = tmp_path / "c-7.json"
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "lever/c-7.json", company)


def run(source: SourceFile) -> tuple[list[Application], list[Quarantined]]:
    items = list(lever.iter_records(source, IngestContext()))
    apps = [i for i in items if isinstance(i, Application)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(apps) + len(bad) == len(items)
    return apps, bad


def test_sample_page(tmp_path: Path) -> None:
    [app], bad = run(write(tmp_path, page()))
    assert bad == []
    assert app.company_id == "c-7"
    assert app.application_id == "0b1f4c1e-1111-4a2b-9c3d-000000000001"
    assert app.candidate_id == "6a5c9d2e-2222-4b3c-8d4e-000000000002"  # the contact
    # createdAt is epoch milliseconds.
    assert app.applied_at == datetime(2025, 3, 3, 14, 2, 11, tzinfo=UTC)
    assert app.provenance.location == "/data/0"
    assert (app.applicant.first_name, app.applicant.last_name) == ("Alex", "Example")
    assert app.applicant.name is not None
    assert [e.key for e in app.applicant.emails] == ["alex.example.dev@example.com"]
    assert [p.key for p in app.applicant.phones] == ["+15125550147"]
    assert {u.kind for u in app.applicant.urls} == {ValueKind.GITHUB, ValueKind.LINKEDIN}
    assert app.applicant.claimed_location == "Austin, TX"
    assert app.stage == "lead-responded"
    assert app.is_interview is False
    assert app.source == "Job site"
    assert app.referred_by is None
    assert app.status == "active"
    assert app.job_title == lever.UNKNOWN_POSTING
    assert app.extra["job_title_from"] == "unknown"
    assert app.extra["application_ids"] == ["a1b2c3d4-3333-4c4d-9e5f-000000000003"]
    assert app.extra["headline"] == "Example Software LLC, Acme Cloud"


def test_plain_array_and_json_lines(tmp_path: Path) -> None:
    second = opportunity(id="opp-2", contact="contact-2")
    [a, b], _ = run(write(tmp_path, [opportunity(), second]))
    assert [a.provenance.location, b.provenance.location] == ["/0", "/1"]
    path = tmp_path / "c-7.json"
    path.write_bytes(orjson.dumps(opportunity()) + b"\n" + orjson.dumps(second) + b"\n")
    apps, _ = run(SourceFile(path, "lever/c-7.json", "c-7"))
    assert [x.provenance.location for x in apps] == ["line 1", "line 2"]


@pytest.mark.parametrize(
    ("applications", "title", "source"),
    [
        (
            [{"id": "a-1", "posting": {"id": "p-1", "text": "Backend Engineer"}}],
            "Backend Engineer",
            None,
        ),
        ([{"id": "a-1", "posting": "p-0001"}], "posting:p-0001", "posting-id"),
        ([{"id": "a-1", "posting": {"id": "p-2"}}], "posting:p-2", "posting-id"),
        (["a-1"], lever.UNKNOWN_POSTING, "unknown"),
    ],
)
def test_job_title_from_the_posting(
    tmp_path: Path, applications: list[Any], title: str, source: str | None
) -> None:
    [app], _ = run(write(tmp_path, [opportunity(applications=applications)]))
    assert app.job_title == title
    assert app.extra.get("job_title_from") == source


@pytest.mark.parametrize(
    ("stage", "shown", "interview"),
    [
        ("lead-new", "lead-new", False),
        ("applicant-new", "applicant-new", False),
        ("offer", "offer", True),
        ({"id": "9f1c-custom", "text": "Technical Interview"}, "Technical Interview", True),
        ({"id": "9f1c-custom", "text": "Application Review"}, "Application Review", False),
        (None, None, False),
    ],
)
def test_interview_stages(tmp_path: Path, stage: Any, shown: str | None, interview: bool) -> None:
    [app], _ = run(write(tmp_path, [opportunity(stage=stage)]))
    assert app.stage == shown
    assert app.is_interview is interview


def test_referral_uses_sourced_by(tmp_path: Path) -> None:
    referred = opportunity(origin="referred", sourcedBy={"id": "u-9", "name": "Rita Referrer"})
    by_id = opportunity(id="o-2", origin="referred", sourcedBy="u-9")
    applied = opportunity(id="o-3", origin="applied", sourcedBy="u-9")
    apps, _ = run(write(tmp_path, [referred, by_id, applied]))
    assert [a.referred_by for a in apps] == ["Rita Referrer", "u-9", None]


def test_names_split_on_the_last_space(tmp_path: Path) -> None:
    apps, _ = run(
        write(tmp_path, [opportunity(name="Mary  Ann Smith"), opportunity(id="o-2", name="Cher")])
    )
    assert [(a.applicant.first_name, a.applicant.last_name) for a in apps] == [
        ("Mary Ann", "Smith"),
        ("Cher", ""),
    ]


def test_archived_status(tmp_path: Path) -> None:
    gone = opportunity(archived={"reason": "r-1", "archivedAt": 1741598140000})
    [app], _ = run(write(tmp_path, [gone]))
    assert app.status == "archived"


def test_bad_records_are_quarantined_and_the_rest_go_in(tmp_path: Path) -> None:
    no_contact = opportunity(id="o-1")
    del no_contact["contact"]
    bad_time = opportunity(id="o-2", createdAt="soon")
    bad_emails = opportunity(id="o-3", emails="alex@example.com")
    good = opportunity(id="o-4")
    apps, bad = run(write(tmp_path, {"data": [no_contact, bad_time, bad_emails, good]}))
    assert [a.application_id for a in apps] == ["o-4"]
    assert [(q.location, q.field) for q in bad] == [
        ("/data/0", "contact"),
        ("/data/1", "createdAt"),
        ("/data/2", "emails"),
    ]
    assert bad[0].reason == "required field is missing"


def test_invalid_email_is_kept_in_extra(tmp_path: Path) -> None:
    [app], _ = run(write(tmp_path, [opportunity(emails=["not an email", "ok@example.com"])]))
    assert [e.key for e in app.applicant.emails] == ["ok@example.com"]
    assert app.extra["invalid_values"][0]["raw"] == "not an email"


def test_company_is_required(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="company"):
        run(write(tmp_path, page(), company=None))


def test_greenhouse_file_given_as_lever_is_refused(tmp_path: Path) -> None:
    candidate = orjson.loads((SAMPLES / "greenhouse_harvest_v1_candidate.json").read_bytes())
    with pytest.raises(WrongFormatError) as info:
        run(write(tmp_path, [candidate]))
    assert "expected Lever opportunities" in str(info.value)
    assert "Greenhouse Harvest candidates or applications (greenhouse)" in str(info.value)


def test_single_application_sample_as_is() -> None:
    path = SAMPLES / "lever_application.json"
    [app], bad = run(SourceFile(path, "lever/c-7.json", "c-7"))
    assert bad == []
    # Stored as its opportunity's application, so the two never count one candidacy twice.
    assert app.application_id == "0b1f4c1e-1111-4a2b-9c3d-000000000001"
    assert app.candidate_id == "0b1f4c1e-1111-4a2b-9c3d-000000000001"
    assert app.provenance.location == "/data"
    assert app.job_title == "posting:p-0001"
    assert app.applied_at == datetime(2025, 3, 3, 14, 2, 11, tzinfo=UTC)
    assert (app.applicant.first_name, app.applicant.last_name) == ("Alex", "Example")
    assert [e.key for e in app.applicant.emails] == ["alex.example.dev@example.com"]
    assert [p.key for p in app.applicant.phones] == ["+15125550147"]
    assert app.is_interview is False
    assert app.extra["application_ids"] == ["a1b2c3d4-3333-4c4d-9e5f-000000000003"]
    assert app.extra["comments"] == "Available immediately, fully remote."


def test_single_opportunity_response(tmp_path: Path) -> None:
    [app], bad = run(write(tmp_path, {"data": opportunity()}))
    assert bad == []
    assert app.candidate_id == "6a5c9d2e-2222-4b3c-8d4e-000000000002"
    assert app.provenance.location == "/data"


def test_single_record_of_nulls_is_quarantined(tmp_path: Path) -> None:
    nulls = dict.fromkeys(opportunity(), None)
    for data in ({"data": nulls}, {"data": None}):
        apps, bad = run(write(tmp_path, data))
        assert apps == []
        [q] = bad
        assert q.field in {"id", "contact", "createdAt"}
