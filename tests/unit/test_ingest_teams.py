"""Microsoft Teams call records -> MeetingJoins, one per participant's session."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import MeetingJoin
from fauxhire.errors import WrongFormatError
from fauxhire.ingest import teams
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"
SAMPLE = SAMPLES / "teams_callrecord_session.json"


def record() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(SAMPLE.read_bytes())
    return data


def write(tmp_path: Path, data: Any) -> SourceFile:
    path = tmp_path / "c-3.json"
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "teams/c-3.json", "c-3")


def run(source: SourceFile) -> tuple[list[MeetingJoin], list[Quarantined]]:
    items = list(teams.iter_records(source, IngestContext()))
    joins = [i for i in items if isinstance(i, MeetingJoin)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(joins) + len(bad) == len(items)
    return joins, bad


def test_sample_call_record_as_is() -> None:
    joins, bad = run(SourceFile(SAMPLE, "teams/c-3.json", "c-3"))
    assert bad == []
    guest, organizer = joins
    assert guest.key == (
        "c-3",
        "e523d2ed-0000-4d53-a3f0-000000000001",
        f"{guest.meeting_id}/caller",
    )
    assert guest.provenance.location == "/sessions/0"
    assert guest.provenance.source_system == "teams"
    assert guest.user_name == "Alex Example"  # without the " (Guest)" Teams adds
    assert guest.role == "attendee"
    assert guest.ip_address == "198.51.100.23"  # the reflexive (public) address
    assert guest.extra["internal_ip_addresses"] == ["192.168.1.44"]
    assert guest.extra["relay_ip_addresses"] == ["192.0.2.50"]
    assert guest.camera == "OBS Virtual Camera"
    assert (guest.device, guest.pc_name) == ("windows", "DESKTOP-EX4MPL3")
    assert guest.extra["user_agent"].startswith("Teams/24004")
    assert guest.join_time == datetime(2025, 3, 12, 16, 1, 12, tzinfo=UTC)
    assert guest.leave_time == datetime(2025, 3, 12, 16, 58, 39, tzinfo=UTC)
    assert guest.start_time == datetime(2025, 3, 12, 16, 0, tzinfo=UTC)
    assert guest.topic is None
    # The organizer has no session in the trimmed record: listed, without network facts.
    assert (organizer.user_name, organizer.role, organizer.ip_address) == (
        "Ivan Interviewer",
        "host",
        None,
    )
    assert organizer.provenance.location == "/participants/0"


def test_peer_to_peer_gives_both_sides_and_new_identity_field(tmp_path: Path) -> None:
    data = record()
    session = data["sessions"][0]
    session["callee"] = {
        "@odata.type": "#microsoft.graph.callRecords.participantEndpoint",
        "name": "IVAN-MBP",
        "userAgent": {"platform": "macOS", "productFamily": "teams"},
        "associatedIdentity": {
            "id": "821809f5-0000-4a26-86b4-000000000001",
            "displayName": "Ivan Interviewer",
            "userPrincipalName": "ivan@employer.example",
        },
    }
    media = session["segments"][0]["media"][0]
    media["calleeNetwork"] = {
        "ipAddress": "9.9.9.9"
    }  # a public address (9.9.9.9: documentation ranges are not global), no reflexive one
    media["calleeDevice"] = {"captureDeviceName": "FaceTime HD Camera"}
    joins, bad = run(write(tmp_path, {"@odata.context": "x", "value": [data]}))
    assert bad == []
    caller, callee = joins
    assert caller.provenance.location == "/value/0/sessions/0"
    assert (callee.user_name, callee.role, callee.ip_address, callee.camera) == (
        "Ivan Interviewer",
        "host",
        "9.9.9.9",
        "FaceTime HD Camera",
    )
    assert callee.email is not None and callee.email.key == "ivan@employer.example"
    assert callee.participant_key.endswith("/callee")


def test_private_address_alone_is_no_ip(tmp_path: Path) -> None:
    data = record()
    network = data["sessions"][0]["segments"][0]["media"][0]["callerNetwork"]
    del network["reflexiveIPAddress"]
    [guest, _], _ = run(write(tmp_path, data))
    assert guest.ip_address is None
    assert guest.extra["internal_ip_addresses"] == ["192.168.1.44"]


def test_bad_session_is_quarantined_alone(tmp_path: Path) -> None:
    data = record()
    good = copy.deepcopy(data["sessions"][0])
    good["id"] = "s-2"
    data["sessions"][0]["startDateTime"] = "not a time"
    data["sessions"].append(good)
    joins, bad = run(write(tmp_path, data))
    assert [(q.location, q.field) for q in bad] == [("/sessions/0", "startDateTime")]
    assert [j.participant_key for j in joins if j.join_time] == ["s-2/caller"]


def test_record_without_id_is_quarantined(tmp_path: Path) -> None:
    data = record()
    del data["id"]
    joins, bad = run(write(tmp_path, [data, record()]))
    assert [(q.location, q.field) for q in bad] == [("/0", "id")]
    assert len(joins) == 2


def test_zoom_file_given_as_teams_is_refused(tmp_path: Path) -> None:
    page = orjson.loads((SAMPLES / "zoom_dashboard_meeting_participants.json").read_bytes())
    with pytest.raises(WrongFormatError, match=r"looks like Zoom meeting participants \(zoom\)"):
        run(write(tmp_path, page))
