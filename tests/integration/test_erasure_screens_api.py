"""POST /v1/screen and the ATS webhooks after an erasure, on a real server (test_serve.py's
uvicorn process over a SQLite store the whole pipeline filled from a generated folder, with
the erasure key set): the applicant is erased through POST /v1/erasures, then a screen of the
same application, or of a new one carrying the erased e-mail, is a 409 ``erased_applicant``
that echoes no value and stores nothing; an unrelated applicant screens as ever; a signed
delivery of the erased applicant is acknowledged to the vendor, stored as nothing but its
refusal, and logged without a value; a delivery made before the erasure is forgotten by it:
its write-back, pending while the vendor was down, is never sent, and the vendor's replay of
it is a duplicate that stores nothing. (The same rules on PostgreSQL, through the services:
test_erasure_screens.py, test_erasure_webhooks.py.)"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_erasure_screens import canonical_rows, erased_and_unrelated
from test_identity_views import _fetch
from test_serve import Server, serving
from test_webhooks import API_KEY, _cli, _configure, _deliver, _signed, ashby_event

from fauxhire.ports.hub import OutboxItem
from fauxhire.services.assess import load_ruleset
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import IngestOptions, Plan, run_pipeline
from fauxhire.store import SqlStore
from fauxhire.store.schema import join_key
from support.clock import Ticks
from support.fake_ats import fake_ats
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


def _outbox(server: Server) -> list[OutboxItem]:
    store = SqlStore.open(server.db)
    try:
        return store.outbox()
    finally:
        store.close()


def _tried(server: Server, count: int) -> list[OutboxItem]:
    """The outbox once ``count`` items are in it, each tried by a drain and failed."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = _outbox(server)
        if len(items) == count and all(i.attempts and i.last_error for i in items):
            return items
        time.sleep(0.1)
    raise AssertionError(f"the write-backs were not all tried: {_outbox(server)}")


def test_a_pending_write_back_of_an_erased_applicant_is_never_sent(
    served: tuple[Server, list[dict[str, Any]]],
) -> None:
    server, rows = served
    gone, other = erased_and_unrelated(rows)
    with fake_ats(API_KEY) as fake:
        fake.down = True
        secrets = {
            m: _configure(server, m, "ashby", fake)
            for m in {r["company_id"] for r in (gone, other)}
        }
        delivered = {}
        for row in (gone, other):
            candidate, event = ashby_event(row)
            body = json.dumps(event).encode()
            member = row["company_id"]
            status, answer = _deliver(
                server, "ashby", member, body, _signed(secrets[member], body, "ashby")
            )
            assert (status, answer["status"], answer["write_back"]) == (200, "screened", "queued")
            delivered[row["application_id"]] = (candidate, body, answer)
        items = _tried(server, 2)
        assert {i.state for i in items} == {"pending"}
        gone_candidate, gone_body, _ = delivered[gone["application_id"]]
        gone_key = join_key((gone["company_id"], f"ab-{gone['application_id']}"))
        [gone_item] = [i for i in items if i.application_key == gone_key]

        erasure = {"email": gone["emails"][:1], "purpose": "request 51", "confirm": True}
        status, raw = _post(server, "/v1/erasures", server.key("--role", "analyst"), erasure)
        assert status == 200, raw
        counts = json.loads(raw)["counts"]
        assert (counts["webhook_deliveries"], counts["webhook_outbox"]) == (1, 1)

        fake.down = False
        _cli(server, "retry")
        other_candidate = delivered[other["application_id"]][0]
        sent = fake.wait_for(1)
        assert len(fake.wait_for(len(sent) + 1, timeout=2)) == len(sent)  # all there is
        assert {r.body["candidateId"] for r in sent} == {other_candidate}

        before = _applications(server.db)
        member = gone["company_id"]
        status, answer = _deliver(
            server, "ashby", member, gone_body, _signed(secrets[member], gone_body, "ashby")
        )
        assert status == 200, answer
        assert (answer["status"], answer["refused"]) == ("duplicate", "erased_applicant")
        assert (answer["application_id"], answer["level"]) == (None, None)
        assert _applications(server.db) == before
        assert len(fake.wait_for(len(sent) + 1, timeout=2)) == len(sent)

    store = SqlStore.open(server.db)
    try:
        kept = store.webhook_delivery(member, "ashby", hashlib.sha256(gone_body).hexdigest())
        outbox = store.outbox()
    finally:
        store.close()
    assert kept is not None and kept.refused == "erased_applicant"
    assert (kept.application_key, kept.identity_id, kept.level) == (None, None, None)
    assert [(i.candidate_ref, i.state) for i in outbox] == [(other_candidate, "sent")]
    assert gone_item.identity_id not in {i.identity_id for i in outbox}
    assert gone_candidate not in {i.candidate_ref for i in outbox}
