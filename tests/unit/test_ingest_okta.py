"""Okta System Log events -> SignIns, including Okta's risk and behaviors strings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import SignIn
from fauxhire.errors import WrongFormatError
from fauxhire.ingest import okta
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def events() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = orjson.loads(
        (SAMPLES / "okta_system_log_events.json").read_bytes()
    )
    return data


def write(tmp_path: Path, data: Any, *, lines: bool = False) -> SourceFile:
    path = tmp_path / "c-1.json"
    if lines:
        path.write_bytes(b"\n".join(orjson.dumps(e) for e in data))
    else:
        path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "okta/c-1.json", "c-1")


def run(source: SourceFile) -> tuple[list[SignIn], list[Quarantined]]:
    items = list(okta.iter_records(source, IngestContext()))
    signins = [i for i in items if isinstance(i, SignIn)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(signins) + len(bad) == len(items)
    return signins, bad


def test_sample_events(tmp_path: Path) -> None:
    (login, policy), bad = run(write(tmp_path, events()))
    assert bad == []
    assert login.key == ("okta", "c-1", "3f0c8a52-1111-11f0-9a5b-000000000001")
    assert login.observed_at == datetime(2025, 4, 7, 13, 2, 44, 118000, tzinfo=UTC)
    assert login.event_type == "user.session.start"
    assert login.outcome == "success"
    assert login.user is not None
    assert login.user.key == "alex.example@employer.example"
    assert login.user_display_name == "Alex Example"
    assert login.ip_address == "198.51.100.23"
    assert (login.city, login.state, login.country) == ("Dallas", "Texas", "US")
    assert login.user_agent is not None
    assert login.user_agent.startswith("Mozilla/5.0 (Windows NT 10.0")
    assert login.device == "Computer"
    assert (login.asn, login.as_org, login.isp, login.is_proxy) == (
        64500,
        "example vpn hosting llc",
        "example hosting",
        True,
    )
    assert login.risk_level == "medium"
    assert login.risk_reasons == ("Anomalous Device", "Anomalous Location")
    assert login.behaviors["New Geo-Location"] == "POSITIVE"
    assert login.behaviors["Velocity"] == "NEGATIVE"
    assert len(login.behaviors) == 7
    assert login.ip_chain == ("198.51.100.23",)
    assert login.provenance.location == "/0"
    assert login.extra["securityContext"] == {"domain": "vpn-provider.example"}
    assert login.extra["debugData"]["requestId"] == "req-0001"
    assert login.extra["displayMessage"] == "User login to Okta"
    # The policy event has no debugContext: no risk, no behaviors, and no error.
    assert policy.outcome == "challenge"
    assert (policy.risk_level, policy.risk_reasons, policy.behaviors) == (None, (), {})


def test_json_lines(tmp_path: Path) -> None:
    signins, _ = run(write(tmp_path, events(), lines=True))
    assert [s.provenance.location for s in signins] == ["line 1", "line 2"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "{level=HIGH, reasons=Anomalous Device}",
            {"level": "HIGH", "reasons": "Anomalous Device"},
        ),
        ("{reasons=A, B, C, level=LOW}", {"reasons": "A, B, C", "level": "LOW"}),
        ("{}", {}),
        ("", {}),
        ("not a map at all", {}),
        ("{level=}", {"level": ""}),
        ("{=x, level=LOW", {"level": "LOW"}),
        (None, {}),
        (42, {}),
        ({"level": "HIGH"}, {"level": "HIGH"}),
    ],
)
def test_parse_pairs_never_fails(raw: Any, expected: dict[str, str]) -> None:
    assert okta.parse_pairs(raw) == expected


def test_unreadable_risk_string_does_not_fail_the_event(tmp_path: Path) -> None:
    data = events()
    data[0]["debugContext"]["debugData"]["risk"] = "garbage]]"
    data[0]["debugContext"]["debugData"]["behaviors"] = ["not", "a", "string"]
    (login, _), bad = run(write(tmp_path, data))
    assert bad == []
    assert (login.risk_level, login.risk_reasons, login.behaviors) == (None, (), {})
    assert login.extra["debugData"]["risk"] == "garbage]]"  # the original is kept


def test_bad_events_are_quarantined_and_the_rest_go_in(tmp_path: Path) -> None:
    no_uuid, bad_time, bad_asn = events()[0], events()[0], events()[0]
    del no_uuid["uuid"]
    bad_time["published"] = "last tuesday"
    bad_asn["securityContext"]["asNumber"] = "AS-sixty-four"
    signins, bad = run(write(tmp_path, [no_uuid, bad_time, bad_asn, events()[1]]))
    assert [s.event_type for s in signins] == ["policy.evaluate_sign_on"]
    assert [(q.location, q.field) for q in bad] == [
        ("/0", "uuid"),
        ("/1", "published"),
        ("/2", "securityContext.asNumber"),
    ]


def test_entra_file_given_as_okta_is_refused(tmp_path: Path) -> None:
    entra = orjson.loads((SAMPLES / "entra_signin_logs.json").read_bytes())
    with pytest.raises(WrongFormatError, match=r"expected Okta .* looks like Microsoft Entra"):
        run(write(tmp_path, entra))
