"""Zoom meetings -> MeetingJoins; and format sniffing (an Okta file given as Zoom is refused)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import MeetingJoin
from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest import sniff, zoom
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


def meeting(**changes: Any) -> dict[str, Any]:
    """The dashboard sample's participants, wrapped into a meeting as zoom/<company>.json has it."""
    dashboard = sample("zoom_dashboard_meeting_participants.json")
    data = {
        "meeting_id": 85012345678,
        "topic": "Technical interview: Senior Backend Engineer",
        "start_time": "2025-03-12T16:00:00Z",
        "participants": dashboard["participants"],
    }
    data.update(changes)
    return data


def write(tmp_path: Path, data: Any, company: str | None = "c-1") -> SourceFile:
    path = tmp_path / "c-1.json"
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "zoom/c-1.json", company)


def run(source: SourceFile) -> tuple[list[MeetingJoin], list[Quarantined]]:
    items = list(zoom.iter_records(source, IngestContext()))
    joins = [i for i in items if isinstance(i, MeetingJoin)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(joins) + len(bad) == len(items)
    return joins, bad


def test_sample_participants_become_joins(tmp_path: Path) -> None:
    joins, bad = run(write(tmp_path, [meeting()]))
    assert bad == []
    host, candidate = joins
    assert host.role == "host"  # hosts are stored too; role tells them apart
    assert host.email is not None
    assert host.email.key == "ivan@employer.example"
    assert candidate.key == ("c-1", "85012345678", "A1B2C3D4-0000-0000-0000-000000000002")
    assert candidate.provenance.location == "/0/participants/1"
    assert candidate.user_name == "Alex Example"
    assert candidate.email is None  # Zoom blanks it for external participants
    assert candidate.ip_address == "198.51.100.23"
    assert candidate.location == "Dallas (US)"
    assert candidate.camera == "OBS Virtual Camera"
    assert candidate.pc_name == "DESKTOP-EX4MPL3"
    assert (candidate.device, candidate.os) == ("Windows", "Windows")
    assert candidate.join_time == datetime(2025, 3, 12, 16, 1, 12, tzinfo=UTC)
    assert candidate.leave_time == datetime(2025, 3, 12, 16, 58, 39, tzinfo=UTC)
    assert candidate.start_time == datetime(2025, 3, 12, 16, 0, tzinfo=UTC)
    assert candidate.topic == "Technical interview: Senior Backend Engineer"
    assert candidate.extra["internal_ip_addresses"] == ["192.168.1.44"]
    assert "invalid_values" not in candidate.extra


def test_blank_participant_uuid_gets_a_stable_stand_in(tmp_path: Path) -> None:
    data = meeting()
    for participant in data["participants"]:
        participant["participant_uuid"] = ""
    first, _ = run(write(tmp_path, [data]))
    again, _ = run(write(tmp_path, [data]))
    keys = [j.participant_key for j in first]
    assert keys == [j.participant_key for j in again]
    assert all(k.startswith("sha1:") for k in keys)
    assert len(set(keys)) == 2


def test_bad_participants_and_meetings_are_quarantined(tmp_path: Path) -> None:
    data = meeting()
    data["participants"][0]["join_time"] = "not a time"
    no_id = meeting()
    del no_id["meeting_id"]
    joins, bad = run(write(tmp_path, [data, no_id, meeting(meeting_id="m-3")]))
    assert [(j.meeting_id, j.provenance.location) for j in joins] == [
        ("85012345678", "/0/participants/1"),
        ("m-3", "/2/participants/0"),
        ("m-3", "/2/participants/1"),
    ]
    assert [(q.location, q.field) for q in bad] == [
        ("/0/participants/0", "join_time"),
        ("/1", "meeting_id"),
    ]


def test_invalid_ip_is_kept_in_extra(tmp_path: Path) -> None:
    data = meeting()
    data["participants"][1]["ip_address"] = "999.1.1.1"
    joins, _ = run(write(tmp_path, [data]))
    assert joins[1].ip_address is None
    assert joins[1].extra["invalid_values"][0]["raw"] == "999.1.1.1"


def test_company_is_required(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="company"):
        run(write(tmp_path, [meeting()], company=None))


def test_okta_file_given_as_zoom_is_refused(tmp_path: Path) -> None:
    okta = sample("okta_system_log_events.json")
    with pytest.raises(WrongFormatError) as info:
        run(write(tmp_path, okta))
    assert str(info.value) == (
        "zoom/c-1.json: expected Zoom meetings ([{meeting_id, topic, start_time, participants}], "
        "docs/formats.md section 6) or a Zoom participant page (report/ or metrics/meetings/"
        "{meetingId}/participants), but this looks like Okta System Log events (okta)"
    )
    assert info.value.code == "wrong_format"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("okta_system_log_events.json", "okta"),
        ("entra_signin_logs.json", "entra"),
        ("greenhouse_harvest_v1_candidate.json", "greenhouse"),
        ("greenhouse_harvest_v1_application.json", "greenhouse"),
        ("lever_opportunities_list.json", "lever"),
        ("lever_application.json", "lever"),  # {"data": {...}}: a single-record response
        ("ashby_candidate_info.json", "ashby"),
        ("teams_callrecord_session.json", "teams"),
        ("zoom_dashboard_meeting_participants.json", "zoom"),
        ("stix21_bundle_it_worker_network.json", "stix"),
        ("pii_hmac_test_vectors.json", None),
    ],
)
def test_detect_the_shared_samples(name: str, expected: str | None) -> None:
    data = sample(name)
    first = data[0] if isinstance(data, list) else data
    assert sniff.detect(first) == expected


def test_detect_canonical_and_nonsense() -> None:
    canonical = {"company_id": "c", "application_id": "a", "candidate_id": "p", "job_title": "x"}
    assert sniff.detect(canonical) == "applications"
    assert sniff.detect({"hello": "world"}) is None
    assert sniff.detect(["not", "an", "object"]) is None


def test_require_lets_an_unrecognised_record_through_but_not_a_non_object(tmp_path: Path) -> None:
    source = SourceFile(tmp_path / "x.json", "x.json", "c-1")
    sniff.require({"meeting_idd": 1}, "zoom", source, "Zoom meetings")  # a typo: quarantine later
    with pytest.raises(
        WrongFormatError, match="expected Zoom meetings, but this looks like a JSON str"
    ):
        sniff.require("meeting", "zoom", source, "Zoom meetings")


def page_file(tmp_path: Path, name: str, data: Any, company: str | None = "c-1") -> SourceFile:
    folder = tmp_path / "zoom" / "c-1"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, f"zoom/c-1/{name}", company)


def test_api_page_as_is_names_its_meeting_by_file_name(tmp_path: Path) -> None:
    sample_page = SAMPLES / "zoom_dashboard_meeting_participants.json"
    folder = tmp_path / "zoom" / "c-1"
    folder.mkdir(parents=True)
    path = folder / "meeting-85012345678.page-1.json"
    path.write_bytes(sample_page.read_bytes())
    joins, bad = run(SourceFile(path, "zoom/c-1/meeting-85012345678.page-1.json", "c-1"))
    assert bad == []
    assert [j.meeting_id for j in joins] == ["85012345678", "85012345678"]
    assert [j.provenance.location for j in joins] == ["/participants/0", "/participants/1"]
    assert joins[1].ip_address == "198.51.100.23"
    assert joins[1].topic is None  # a bare page has none
    # The page's own fields are not the meeting's: not stored on every participant.
    assert "meeting" not in joins[1].extra


def test_report_page_with_the_meetings_own_fields(tmp_path: Path) -> None:
    report = {
        "id": 85012345678,
        "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
        "topic": "Technical interview: Senior Backend Engineer",
        "start_time": "2025-03-12T16:00:00Z",
        "page_size": 30,
        "total_records": 3,
        "next_page_token": "Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3",
        "participants": [
            {
                "id": "",
                "user_id": "16779264",
                "name": "Alex Example",
                "user_email": "alex.example.dev@example.com",
                "join_time": "2025-03-12T16:01:12Z",
                "leave_time": "2025-03-12T16:58:39Z",
                "duration": 3447,
                "status": "in_meeting",
            }
        ],
    }
    [join], bad = run(page_file(tmp_path, "c-1.json", report))
    assert bad == []
    assert (join.meeting_id, join.topic) == ("85012345678", report["topic"])
    assert join.user_name == "Alex Example"
    assert join.email is not None and join.email.key == "alex.example.dev@example.com"
    assert join.participant_key.startswith("sha1:")
    assert join.extra["meeting"] == {"uuid": "aDYlohsHRtCd4ii1uC2+hA=="}  # no page cursor


def test_api_page_naming_no_meeting_is_refused_with_what_to_do(tmp_path: Path) -> None:
    page = sample("zoom_dashboard_meeting_participants.json")
    with pytest.raises(IngestError) as info:
        run(page_file(tmp_path, "c-1.json", page))
    message = str(info.value)
    assert "looks like a Zoom API participant page" in message
    assert "meeting-<meetingId>.json" in message
    assert '"meeting_id"' in message
    assert info.value.code == "meeting_unnamed"


def test_meeting_file_without_a_company_is_refused(tmp_path: Path) -> None:
    page = sample("zoom_dashboard_meeting_participants.json")
    source = page_file(tmp_path, "meeting-1.json", page, company="meeting-1")  # its own stem
    with pytest.raises(IngestError, match=r"names its meeting but not the employer"):
        run(source)


def test_file_name_and_content_naming_two_meetings_is_quarantined(tmp_path: Path) -> None:
    joins, bad = run(page_file(tmp_path, "meeting-1.json", [meeting(meeting_id=2)]))
    assert joins == []
    [q] = bad
    assert (q.location, q.field, q.code) == ("/0", "meeting_id", "meeting_mismatch")


@pytest.mark.parametrize(
    "token",
    [
        "\x1b]0;pwned\x07\x1b[2J" * 50,
        {"$where": "sleep(1000)"},
        12345,
        None,
    ],
)
def test_a_hostile_page_token_is_read_past(tmp_path: Path, token: Any) -> None:
    page = sample("zoom_dashboard_meeting_participants.json")
    page["next_page_token"] = token
    page["total_records"] = 999
    joins, bad = run(page_file(tmp_path, "meeting-7.json", page))
    assert (len(joins), bad) == (2, [])
    assert all("next_page_token" not in str(j.extra) for j in joins)
