"""Microsoft Entra (Graph signIn) -> SignIns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import SignIn
from fauxhire.errors import WrongFormatError
from fauxhire.ingest import entra
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def page() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((SAMPLES / "entra_signin_logs.json").read_bytes())
    return data


def sign_in(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = page()["value"][0]
    event.update(changes)
    return event


def write(tmp_path: Path, data: Any) -> SourceFile:
    path = tmp_path / "c-1.json"
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "entra/c-1.json", "c-1")


def run(source: SourceFile) -> tuple[list[SignIn], list[Quarantined]]:
    items = list(entra.iter_records(source, IngestContext()))
    signins = [i for i in items if isinstance(i, SignIn)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(signins) + len(bad) == len(items)
    return signins, bad


def test_sample_page(tmp_path: Path) -> None:
    [event], bad = run(write(tmp_path, page()))
    assert bad == []
    assert event.key == ("entra", "c-1", "66ea54eb-0000-4ee5-be62-000000000001")
    assert event.observed_at == datetime(2025, 4, 7, 13, 5, 12, tzinfo=UTC)
    assert event.event_type == "signIn"
    assert event.outcome == "success"
    assert event.user is not None
    assert event.user.key == "alex.example@employer.example"
    assert event.user_display_name == "Alex Example"
    assert event.ip_address == "203.0.113.77"
    assert (event.city, event.state, event.country) == ("Ashburn", "Virginia", "US")
    assert event.device == "Windows10 / Chrome 123.0.0"
    assert event.risk_level == "medium"
    assert event.risk_reasons == ("unfamiliarFeatures",)
    assert (event.asn, event.as_org, event.isp, event.is_proxy) == (None, None, None, None)
    assert (event.behaviors, event.ip_chain) == ({}, ())
    assert event.provenance.location == "/value/0"
    assert event.extra["appDisplayName"] == "Office 365 Exchange Online"
    assert event.extra["deviceDetail"]["isManaged"] is False
    assert event.extra["location"]["geoCoordinates"]["latitude"] == 39.0437


def test_failure_code_beta_fields_and_plain_array(tmp_path: Path) -> None:
    failed = sign_in(
        id="e-2",
        status={"errorCode": 50126, "failureReason": "Invalid username or password."},
        autonomousSystemNumber=64500,
        userAgent="Mozilla/5.0 (X11; Linux x86_64)",
        riskEventTypes_v2=[],
        riskEventTypes=["anonymizedIPAddress"],
    )
    no_status = sign_in(id="e-3", status=None)
    [a, b], _ = run(write(tmp_path, [failed, no_status]))
    assert a.outcome == "failure:50126"
    assert a.extra["failureReason"] == "Invalid username or password."
    assert a.asn == 64500
    assert a.user_agent == "Mozilla/5.0 (X11; Linux x86_64)"
    assert a.risk_reasons == ("anonymizedIPAddress",)
    assert a.provenance.location == "/0"
    assert b.outcome is None


def test_bad_records_are_quarantined_and_the_rest_go_in(tmp_path: Path) -> None:
    no_id = sign_in()
    del no_id["id"]
    bad_time = sign_in(id="e-2", createdDateTime="yesterday")
    bad_code = sign_in(id="e-3", status={"errorCode": "fifty"})
    good = sign_in(id="e-4")
    signins, bad = run(write(tmp_path, {"value": [no_id, bad_time, bad_code, good]}))
    assert [s.event_id for s in signins] == ["e-4"]
    assert [(q.location, q.field) for q in bad] == [
        ("/value/0", "id"),
        ("/value/1", "createdDateTime"),
        ("/value/2", "status.errorCode"),
    ]


def test_zoom_file_given_as_entra_is_refused(tmp_path: Path) -> None:
    zoom = orjson.loads((SAMPLES / "zoom_dashboard_meeting_participants.json").read_bytes())
    with pytest.raises(WrongFormatError, match=r"expected Microsoft Entra .* looks like Zoom"):
        run(write(tmp_path, zoom))
