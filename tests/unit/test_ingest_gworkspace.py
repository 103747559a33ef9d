"""Google Workspace login audit activities -> SignIns: the format added by the registry's
recipe (one module, one registry entry, this test), read as the Reports API writes it, and
joined to hires in a real input folder as Okta's sign-ins are."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from fauxhire.domain import SignIn
from fauxhire.errors import WrongFormatError
from fauxhire.ingest import FORMATS, gworkspace, sniff
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile
from fauxhire.services import resolve_joins, run_folder
from fauxhire.store import Store
from fauxhire.store import schema as s

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"
SAMPLE = SAMPLES / "gworkspace_login_activities.json"
HIRE_EMAIL = "alex.example@employer.example"


def page() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(SAMPLE.read_bytes())
    return data


def write(tmp_path: Path, data: Any, *, lines: bool = False) -> SourceFile:
    path = tmp_path / "c-1.json"
    if lines:
        path.write_bytes(b"\n".join(orjson.dumps(item) for item in data))
    else:
        path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "gworkspace/c-1.json", "c-1")


def run(source: SourceFile) -> tuple[list[SignIn], list[Quarantined]]:
    items = list(gworkspace.iter_records(source, IngestContext()))
    signins = [i for i in items if isinstance(i, SignIn)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(signins) + len(bad) == len(items)
    return signins, bad


def test_the_sample_page_gives_one_sign_in_per_activity(tmp_path: Path) -> None:
    signins, bad = run(write(tmp_path, page()))
    assert bad == []
    success, failure, verification, suspicious, warning = signins
    event_id = "2025-04-07T13:02:44.118000+00:00/-6254301815236510281"
    assert success.key == ("gworkspace", "c-1", event_id)
    assert success.observed_at == datetime(2025, 4, 7, 13, 2, 44, 118000, tzinfo=UTC)
    assert (success.event_type, success.outcome) == ("login_success", "success")
    assert success.user is not None and success.user.key == HIRE_EMAIL
    assert success.ip_address == "198.51.100.23"
    # Google names no place or network unless networkInfo is there: unknown, not guessed.
    assert (success.country, success.state, success.asn) == (None, None, None)
    assert success.risk_reasons == ()
    assert success.extra["parameters"]["login_challenge_method"] == [
        "password",
        "google_authenticator",
    ]
    assert success.extra["actor"] == {"callerType": "USER", "profileId": "100000000000000000001"}
    assert success.extra["events"] == [{"type": "login"}]
    assert success.provenance.location == "/items/0"

    assert failure.outcome == "failure:login_failure_invalid_password"
    assert (verification.event_type, verification.outcome) == ("login_verification", "challenge")
    assert verification.extra["parameters"]["is_second_factor"] is True

    assert (suspicious.outcome, suspicious.risk_reasons) == ("success", ("is_suspicious",))
    assert (suspicious.country, suspicious.state, suspicious.asn) == ("NL", "NL-NH", 64501)
    assert (warning.event_type, warning.outcome) == ("suspicious_login", "blocked")
    assert warning.risk_reasons == ("suspicious_login",)
    assert warning.extra["parameters"]["login_timestamp"] == "1744165029871000"


def test_a_parameter_of_another_value_kind_is_kept(tmp_path: Path) -> None:
    activity = page()["items"][0]
    activity["events"][0]["parameters"].append({"name": "codes", "multiIntValue": ["7", "9"]})
    (signin,), _ = run(write(tmp_path, [activity]))
    assert signin.extra["parameters"]["codes"] == ["7", "9"]


def test_keys_tell_apart_activities_of_one_time(tmp_path: Path) -> None:
    """uniqueQualifier separates activities of one time only, so the key holds both."""
    items = page()["items"][:2]
    items[1]["id"]["time"] = items[0]["id"]["time"]
    signins, _ = run(write(tmp_path, items))
    assert len({s.key for s in signins}) == 2


def test_an_account_warning_names_its_user_by_parameter(tmp_path: Path) -> None:
    warning = page()["items"][4]
    del warning["actor"]
    (signin,), _ = run(write(tmp_path, [warning]))
    assert signin.user is not None and signin.user.key == HIRE_EMAIL


def test_json_lines_and_a_bare_array(tmp_path: Path) -> None:
    signins, _ = run(write(tmp_path, page()["items"], lines=True))
    assert [s.provenance.location for s in signins][:2] == ["line 1", "line 2"]
    signins, _ = run(write(tmp_path, page()["items"]))
    assert signins[0].provenance.location == "/0"


def test_a_page_with_no_activities_gives_nothing(tmp_path: Path) -> None:
    """Google leaves ``items`` out of an empty page: it is not a bad record."""
    empty = {"kind": "admin#reports#activities", "etag": '"e"'}
    assert run(write(tmp_path, empty)) == ([], [])


def test_bad_activities_are_quarantined_and_the_rest_go_in(tmp_path: Path) -> None:
    no_time, bad_time, no_events, bad_flag = (page()["items"][0] for _ in range(4))
    del no_time["id"]["time"]
    bad_time["id"]["time"] = "yesterday morning"
    no_events["events"] = []
    bad_flag["events"][0]["parameters"][2]["boolValue"] = "perhaps"
    good = page()["items"][1]
    signins, bad = run(write(tmp_path, {"items": [no_time, bad_time, no_events, bad_flag, good]}))
    assert [s.outcome for s in signins] == ["failure:login_failure_invalid_password"]
    assert [(q.location, q.field) for q in bad] == [
        ("/items/0", "id.time"),
        ("/items/1", "id.time"),
        ("/items/2", "events"),
        ("/items/3", "events.0.parameters.2.boolValue"),
    ]


def test_another_format_is_refused_and_this_one_is_told_apart(tmp_path: Path) -> None:
    okta = orjson.loads((SAMPLES / "okta_system_log_events.json").read_bytes())
    with pytest.raises(WrongFormatError, match=r"expected Google Workspace .* looks like Okta"):
        run(write(tmp_path, okta))
    assert sniff.detect(page()) == "gworkspace"
    assert {sniff.detect(item) for item in page()["items"]} == {"gworkspace"}
    assert FORMATS["gworkspace"].adapter is gworkspace.iter_records
    assert FORMATS["gworkspace"].name == gworkspace.SOURCE_SYSTEM


def test_an_input_folder_joins_its_sign_ins_to_the_hire_as_okta_does(
    tmp_path: Path, open_store: Callable[[str], Store]
) -> None:
    folder = tmp_path / "in"
    for place, sample in (
        ("gworkspace/c-1.json", SAMPLE),
        ("okta/c-1.json", SAMPLES / "okta_system_log_events.json"),
    ):
        (folder / place).parent.mkdir(parents=True)
        shutil.copyfile(sample, folder / place)
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\nc-1,Employer,employer.example,US,541511,\n"
    )
    (folder / "hr").mkdir()
    (folder / "hr" / "c-1.csv").write_text(
        f"candidate_id,employee_id,work_email\ncand-1,emp-1,{HIRE_EMAIL.upper()}\n"
    )
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    results = run_folder(store, folder, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC), workers=1)
    by_file = {r.file: (r.format, r.status, r.records, r.quarantined) for r in results}
    assert by_file["gworkspace/c-1.json"] == ("gworkspace", "done", 5, 0)
    resolve_joins(store)

    hires: dict[str, set[str | None]] = {}
    for row in store.rows(select(s.signin_events)):
        hires.setdefault(row["source_system"], set()).add(row["hire_key"])
    assert hires["gworkspace"] == hires["okta"]
    assert None not in hires["gworkspace"] and len(hires["gworkspace"]) == 1
