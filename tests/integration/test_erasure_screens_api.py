"""POST /v1/screen and the ATS webhooks after an erasure, on a real server (test_serve.py's
uvicorn process over a SQLite store the whole pipeline filled from a generated folder, with
the erasure key set): the applicant is erased through POST /v1/erasures, then a screen of the
same application, or of a new one carrying the erased e-mail, is a 409 ``erased_applicant``
that echoes no value and stores nothing; an unrelated applicant screens as ever; a signed
delivery of the erased applicant is acknowledged to the vendor, stored as nothing but its
refusal, and logged without a value. (The same rules on PostgreSQL, through the service:
test_erasure_screens.py.)"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_erasure_screens import canonical_rows, erased_and_unrelated
from test_identity_views import _fetch
from test_serve import Server, serving
from test_webhooks import _cli, _deliver, _signed, ashby_event

from fauxhire.services.assess import load_ruleset
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import IngestOptions, Plan, run_pipeline
from fauxhire.store import SqlStore
from fauxhire.store.schema import join_key
from support.clock import Ticks
from support.folder import write_folder

KEY = "screen erasure api key"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, list[dict[str, Any]]]]:
    """The server on a filled store, and the canonical applications of its input folder."""
    write_folder(tmp_path / "input", seed=11, companies=4, candidates=30)
    store = SqlStore.open(f"sqlite:///{tmp_path / 'served.db'}")
    try:
        ingest = IngestOptions(workers=1, erasure_key=KEY.encode())
        run_pipeline(
            store, tmp_path / "input", Plan(Ticks(), Linker(), load_ruleset, ingest=ingest)
        )
    finally:
        store.close()
    with serving(tmp_path, env={**os.environ, "FAUXHIRE_ERASURE_KEY": KEY}) as server:
        yield server, canonical_rows(tmp_path / "input")


def _post(server: Server, path: str, token: str, body: dict[str, Any]) -> tuple[int, str]:
    status, raw, _ = _fetch(server, path, token, body)
    return status, raw


def _applications(db: str) -> set[str]:
    store = SqlStore.open(db)
    try:
        return set(store.fact_frame("applications")["app_key"].to_list())
    finally:
        store.close()


def test_screens_after_an_erasure(served: tuple[Server, list[dict[str, Any]]]) -> None:
    server, rows = served
    gone, known = erased_and_unrelated(rows)
    analyst, admin = server.key("--role", "analyst"), server.key("--role", "admin")
    recruiter = server.key("--role", "recruiter", "--member", gone["company_id"])
    erasure = {"email": gone["emails"][:1], "purpose": "request 31", "confirm": True}
    assert _post(server, "/v1/erasures", analyst, erasure)[0] == 200

    anew = {**gone, "application_id": "a-after-erasure", "candidate_id": "p-after", "phones": []}
    before = _applications(server.db)
    for token, payload in ((analyst, gone), (recruiter, anew)):
        status, raw = _post(server, "/v1/screen", token, {"application": payload})
        assert status == 409, raw
        answer = json.loads(raw)
        assert answer["code"] == "erased_applicant"
        assert answer["detail"] == {"field": "application"}
        assert "erased on request" in answer["message"] and "not stored" in answer["message"]
        named = (*gone["emails"], gone["first_name"], gone["last_name"], payload["application_id"])
        assert not any(value in raw for value in named)
    other = {**known, "application_id": "a-unrelated-new"}
    status, raw = _post(server, "/v1/screen", recruiter, {"application": other})
    assert status == 200, raw
    assert json.loads(raw)["application"]["application_id"] == "a-unrelated-new"
    after = _applications(server.db)
    assert after - before == {join_key((other["company_id"], "a-unrelated-new"))}

    status, raw, _ = _fetch(server, "/v1/audit?limit=1000", admin)
    events = json.loads(raw)["events"]
    refused = [e for e in events if e["action"] == "screen:refused"]
    assert [e["role"] for e in refused] == ["analyst", "recruiter"]
    assert all(e["subject"].startswith("applications:") for e in refused)
    assert not any(value in raw for value in (*gone["emails"], "a-after-erasure"))


def test_a_delivery_of_an_erased_applicant_is_acknowledged_and_not_stored(
    served: tuple[Server, list[dict[str, Any]]],
) -> None:
    server, rows = served
    gone, _ = erased_and_unrelated(rows)
    member = gone["company_id"]
    erasure = {"email": gone["emails"][:1], "purpose": "request 32", "confirm": True}
    assert _post(server, "/v1/erasures", server.key("--role", "admin"), erasure)[0] == 200
    secret = _cli(server, "add", "--member", member, "--vendor", "ashby")
    _, event = ashby_event(gone)  # a new application id and candidate, the erased e-mail
    body = json.dumps(event).encode()
    before = _applications(server.db)

    for expected in ("refused", "duplicate"):  # the vendor's retry is answered from the record
        status, answer = _deliver(server, "ashby", member, body, _signed(secret, body, "ashby"))
        assert status == 200, answer
        assert (answer["status"], answer["refused"]) == (expected, "erased_applicant")
        assert answer["application_id"] is None and answer["level"] is None

    assert _applications(server.db) == before
    store = SqlStore.open(server.db)
    try:
        recorded = store.webhook_delivery(member, "ashby", hashlib.sha256(body).hexdigest())
        assert store.outbox() == []
        screens = [e for e in store.audit_events() if e.action == "screen"]
    finally:
        store.close()
    assert recorded is not None and recorded.refused == "erased_applicant"
    assert (recorded.application_key, recorded.identity_id, recorded.level) == (None, None, None)
    assert screens == []
    lines = [line for line in server.log_lines() if "erased on request" in line["message"]]
    assert len(lines) == 1 and lines[0]["level"] == "info", lines
    log = server.log.read_text()
    assert not any(value in log for value in (*gone["emails"], gone["last_name"], "ab-a-"))


def test_an_error_that_names_a_field_says_which(
    served: tuple[Server, list[dict[str, Any]]],
) -> None:
    """Every error of the tree answers its code and message, and the field it names (if any)
    as ``detail.field``: a client need not parse the message."""
    server, rows = served
    analyst = server.key("--role", "analyst")
    bad_email = {"email": ["not an e-mail"], "purpose": "request 33"}
    status, raw = _post(server, "/v1/erasures", analyst, bad_email)  # a ConfigError
    assert status == 400, raw
    assert json.loads(raw)["detail"] == {"field": "email"}
    _, known = erased_and_unrelated(rows)
    changed = {**known, "job_title": known["job_title"] + " (changed)"}
    status, raw = _post(server, "/v1/screen", analyst, {"application": changed})
    assert (status, json.loads(raw)["code"]) == (409, "conflict"), raw
    assert json.loads(raw)["detail"] == {"field": "application_id"}
    status, answer = server.get("/v1/identities/i-999999", analyst)  # names no field
    assert (status, answer["code"]) == (404, "not_found")
    assert set(answer) == {"code", "message"}
