"""ATS webhooks on a real server (test_serve.py's uvicorn process over a copy of a linked
demo store), signed as Greenhouse and Ashby sign them, with the write-back going to a fake of
each vendor's API (tests/support/fake_ats.py: a real HTTP server on loopback that checks the
API key). Secrets and write-back settings are made with the real command line.

A delivery is a new application of a person the store holds: a Greenhouse candidate of the
demo world, or a canonical application turned into an Ashby application, each under a new
application id, so it links to that person's identity and takes its level.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_serve import Server, _fauxhire, serving

from fauxhire.store import SqlStore
from fauxhire.store.schema import join_key
from support.fake_ats import FakeAts, fake_ats  # tests/ is on sys.path (its conftest.py)

API_KEY = "ats-client:ats-key-for-tests"  # as Greenhouse: CLIENT_ID:CLIENT_SECRET
FLAGGED = ("likely", "very likely", "almost certain")
DENIED = {"detail": {"code": "authentication_failed", "message": "invalid or missing signature"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo world, ingested, linked and assessed (its fauxhire.db)."""
    root = tmp_path_factory.mktemp("webhooks")
    made = _fauxhire("demo", "--size", "300", "--seed", "3", "--out", "world", cwd=root)
    assert made.returncode == 0, made.stderr
    return root / "world"


@pytest.fixture
def server(world: Path, tmp_path: Path) -> Iterator[Server]:
    shutil.copyfile(world / "fauxhire.db", tmp_path / "served.db")
    with serving(tmp_path) as served:
        yield served


def _cli(server: Server, *args: str, env: dict[str, str] | None = None) -> str:
    command = [sys.executable, "-m", "fauxhire.cli", "webhooks", *args, "--db", server.db]
    done = subprocess.run(
        command, cwd=server.folder, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _configure(server: Server, member: str, vendor: str, fake: FakeAts) -> str:
    """The member's secret for the vendor (printed once), and its write-back to ``fake``."""
    secret = _cli(server, "add", "--member", member, "--vendor", vendor)
    # Greenhouse's user and tag are its ids (numbers); Ashby's tag is its own id.
    extra = ("--on-behalf-of", "4242", "--tag-id", "17") if vendor == "greenhouse" else (
        "--tag-id", "tag-fraud-review")  # fmt: skip
    _cli(
        server, "write-back", "--member", member, "--vendor", vendor, "--api-base", fake.base,
        "--link-base", "https://hub.example", *extra,
        env={"FAUXHIRE_ATS_API_KEY": API_KEY},
    )  # fmt: skip
    return secret


def _signed(secret: str, body: bytes, vendor: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if vendor == "greenhouse":
        return {"Signature": f"sha256 {digest}", "Greenhouse-Event-ID": "evt-1"}
    return {"Ashby-Signature": f"sha256={digest}"}


def _deliver(
    server: Server, vendor: str, member: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{server.base}/v1/webhooks/{vendor}/{member}",
        data=body,
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _levels(db: str) -> dict[str, str]:
    """Each stored application's identity's level, by application key."""
    store = SqlStore.open(db)
    try:
        levels = {a.subject_id: a.level for a in store.assessments("identity")}
        return {
            join_key((link.company_id, link.application_id)): levels.get(link.identity_id, "")
            for link in store.links()
        }
    finally:
        store.close()


def _greenhouse_event(world: Path, db: str, flagged: bool) -> tuple[str, str, dict[str, Any]]:
    """A new_candidate_application for a Greenhouse candidate of the world whose identity is
    (or is not) flagged: (member, candidate id, event), under a new application id."""
    levels = _levels(db)
    for path in sorted((world / "input" / "greenhouse").glob("c-*.json")):
        member = path.stem
        for candidate in json.loads(path.read_text(encoding="utf-8")):
            app = candidate["applications"][0]
            level = levels.get(join_key((member, str(app["id"]))), "")
            if (level in FLAGGED) == flagged:
                person = {
                    k: v
                    for k, v in candidate.items()
                    if k not in ("applications", "application_ids")
                }
                new = {**app, "id": app["id"] + 90_000_000, "candidate": person}
                new.pop("candidate_id", None)
                event = {"action": "new_candidate_application", "payload": {"application": new}}
                return member, str(candidate["id"]), event
    raise AssertionError("the world has no such Greenhouse candidate")


def _ashby_event(world: Path, db: str, flagged: bool) -> tuple[str, str, dict[str, Any]]:
    """An applicationSubmit for a person of a canonical application whose identity is (or is
    not) flagged, as Ashby would send it, under a new application id."""
    levels = _levels(db)
    source = world / "input" / "applications" / "part-0001.jsonl"
    for line in source.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        level = levels.get(join_key((row["company_id"], row["application_id"])), "")
        if (level in FLAGGED) != flagged or not row["emails"] or not row["phones"]:
            continue
        return row["company_id"], *ashby_event(row)
    raise AssertionError("the world has no such canonical application")


def ashby_event(row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The canonical application ``row`` as Ashby's applicationSubmit of a new application
    (ids prefixed ``ab-``): its candidate's id, and the event."""
    candidate_id = f"ab-{row['candidate_id']}"
    email = {"value": row["emails"][0], "type": "Personal", "isPrimary": True}
    phone = {"value": row["phones"][0], "type": "Mobile", "isPrimary": True}
    stage = {"id": "st-1", "title": "Application Review", "type": "Active"}
    application = {
        "id": f"ab-{row['application_id']}",
        "createdAt": row["applied_at"],
        "status": "Active",
        "candidate": {
            "id": candidate_id,
            "name": f"{row['first_name']} {row['last_name']}",
            "primaryEmailAddress": email,
            "primaryPhoneNumber": phone,
        },
        "job": {"id": "job-1", "title": row["job_title"]},
        "currentInterviewStage": stage,
    }
    return candidate_id, {"action": "applicationSubmit", "data": {"application": application}}


def _store_facts(db: str, member: str) -> dict[str, Any]:
    store = SqlStore.open(db)
    try:
        events = store.audit_events()
        return {
            "outbox": store.outbox(),
            "screens": [e for e in events if e.action == "screen" and e.member == member],
            "events": events,
            "applications": set(store.fact_frame("applications")["app_key"].to_list()),
        }
    finally:
        store.close()


def test_a_greenhouse_delivery_is_screened_written_back_once_and_a_replay_changes_nothing(
    world: Path, server: Server
) -> None:
    member, candidate_id, event = _greenhouse_event(world, server.db, flagged=True)
    with fake_ats(API_KEY) as fake:
        secret = _configure(server, member, "greenhouse", fake)
        body = json.dumps(event).encode()
        status, answer = _deliver(
            server, "greenhouse", member, body, _signed(secret, body, "greenhouse")
        )
        assert status == 200, answer
        application_id = str(event["payload"]["application"]["id"])
        assert answer["status"] == "screened" and answer["application_id"] == application_id
        assert answer["level"] in FLAGGED and answer["write_back"] == "queued"
        assert "human review" in answer["recommendation"]
        note, tag = fake.wait_for(2)
        assert (note.method, note.path) == ("POST", "/v3/notes")
        assert note.headers["Authorization"] == "Bearer token-1"  # from /token, not the key
        text = note.body.pop("body")
        assert note.body == {
            "candidate_id": int(candidate_id), "application_id": int(application_id),
            "note_type": "NOTE", "visibility": "admin_only", "user_id": 4242,
        }  # fmt: skip
        assert text.startswith(f"fauxhire: {answer['level']} — recommendation for human review")
        assert "https://hub.example/v1/identities/" in text
        assert (tag.method, tag.path) == ("POST", "/v3/applied_candidate_tags")
        assert tag.body == {"candidate_id": int(candidate_id), "candidate_tag_id": 17}
        assert fake.tokens == ["token-1"]  # one token for both calls

        again = _deliver(server, "greenhouse", member, body, _signed(secret, body, "greenhouse"))
        assert again[0] == 200 and again[1]["status"] == "duplicate"
        assert again[1]["level"] == answer["level"]
        assert len(fake.wait_for(3, timeout=2)) == 2  # nothing written back a second time
    facts = _store_facts(server.db, member)
    assert join_key((member, application_id)) in facts["applications"]
    assert [e.actor for e in facts["screens"]] == [f"webhook:greenhouse:{member}"]
    assert {e.role for e in facts["screens"]} == {"recruiter"}
    assert [(i.state, i.attempts) for i in facts["outbox"]] == [("sent", 1)]
    written = [e for e in facts["events"] if e.action == "webhook:write-back"]
    assert [e.records for e in written] == [(join_key((member, application_id)),)]
    trail = json.dumps([e._asdict() for e in facts["events"]], default=str)
    assert secret not in trail and API_KEY not in trail


def test_a_bad_or_missing_signature_is_401_and_nothing_is_stored(
    world: Path, server: Server
) -> None:
    member, _, event = _greenhouse_event(world, server.db, flagged=False)
    with fake_ats(API_KEY) as fake:
        secret = _configure(server, member, "greenhouse", fake)
        body = json.dumps(event).encode()
        good = _signed(secret, body, "greenhouse")
        tampered = body.replace(b"new_candidate_application", b"new_candidate_applicatioN")
        attempts = [
            ("greenhouse", member, body, {}),  # no signature
            ("greenhouse", member, body, _signed("not-the-secret", body, "greenhouse")),
            ("greenhouse", member, tampered, good),  # the body changed after signing
            ("greenhouse", member, body, _signed(secret, body, "ashby")),  # Ashby's header
            ("greenhouse", member, body, {"Signature": good["Signature"].replace(" ", "=")}),
            ("greenhouse", "c-unknown", body, good),  # a member without a secret
            ("ashby", member, body, good),  # a vendor the member has no secret for
            ("lever", member, body, good),  # a vendor fauxhire does not take
        ]
        for vendor, who, sent, headers in attempts:
            assert _deliver(server, vendor, who, sent, headers) == (401, DENIED), (
                vendor,
                who,
                headers,
            )
        assert fake.wait_for(1, timeout=1) == []
    facts = _store_facts(server.db, member)
    application_id = str(event["payload"]["application"]["id"])
    assert join_key((member, application_id)) not in facts["applications"]
    assert facts["screens"] == [] and facts["outbox"] == []
    lines = server.log.read_text()
    assert "bad or missing signature" in lines and secret not in lines


def test_an_ashby_delivery_is_acknowledged_while_the_vendor_is_down_and_written_back_later(
    world: Path, server: Server
) -> None:
    member, candidate_id, event = _ashby_event(world, server.db, flagged=True)
    with fake_ats(API_KEY) as fake:
        secret = _configure(server, member, "ashby", fake)
        fake.down = True
        body = json.dumps(event).encode()
        status, answer = _deliver(server, "ashby", member, body, _signed(secret, body, "ashby"))
        assert status == 200, answer
        assert answer["status"] == "screened" and answer["level"] in FLAGGED
        _wait_for_refusals(fake, 1)
        (pending,) = _outbox_once_answered(server, member)
        assert (pending.state, pending.last_error) == ("pending", "ashby answered 503")

        fake.down = False
        _cli(server, "retry", "--member", member)
        note, tag = fake.wait_for(2)
        assert (note.path, note.body["candidateId"]) == ("/candidate.createNote", candidate_id)
        assert note.body["note"].startswith(f"fauxhire: {answer['level']} — recommendation")
        assert (tag.path, tag.body) == (
            "/candidate.addTag", {"candidateId": candidate_id, "tagId": "tag-fraud-review"}
        )  # fmt: skip

        # The next delivery of the member drains what is pending: here, only its own note
        # (an identity not flagged gets no tag).
        _, other_candidate, unflagged = _ashby_event(world, server.db, flagged=False)
        body = json.dumps(unflagged).encode()  # delivered to the same member
        status, answer = _deliver(server, "ashby", member, body, _signed(secret, body, "ashby"))
        assert status == 200 and answer["level"] not in FLAGGED
        requests = fake.wait_for(3)
        assert [(r.path, r.body["candidateId"]) for r in requests[2:]] == [
            ("/candidate.createNote", other_candidate)
        ]
    assert [i.state for i in _store_facts(server.db, member)["outbox"]] == ["sent", "sent"]


def _outbox_once_answered(server: Server, member: str) -> list[Any]:
    """The member's outbox once the write-back worker has recorded the vendor's answer: the
    fake answers before the worker writes that it did (a race the loaded CI machine lost)."""
    deadline = time.monotonic() + 15
    outbox = _store_facts(server.db, member)["outbox"]
    while any(row.last_error is None for row in outbox) and time.monotonic() < deadline:
        time.sleep(0.05)
        outbox = _store_facts(server.db, member)["outbox"]
    return list(outbox)


def _wait_for_refusals(fake: FakeAts, count: int) -> None:
    deadline = time.monotonic() + 15
    while fake.refused < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.refused >= count


def test_a_rotated_secret_is_accepted_for_the_overlap_and_a_removed_webhook_not_at_all(
    server: Server,
) -> None:
    def ping(secret: str, n: int) -> int:
        body = json.dumps({"action": "ping", "payload": {"web_hook_id": n}}).encode()
        status, answer = _deliver(
            server, "greenhouse", "acme", body, _signed(secret, body, "greenhouse")
        )
        assert status != 200 or answer["status"] == "ignored"
        return status

    first = _cli(server, "add", "--member", "acme", "--vendor", "greenhouse")
    assert ping(first, 1) == 200
    second = _cli(server, "rotate", "--member", "acme", "--vendor", "greenhouse")
    assert len({first, second}) == 2
    assert (ping(first, 2), ping(second, 3)) == (200, 200)  # the first, within its 24 hours
    third = _cli(
        server, "rotate", "--member", "acme", "--vendor", "greenhouse", "--overlap-hours", "0"
    )
    assert (ping(second, 4), ping(third, 5), ping(first, 6)) == (401, 200, 200)
    listed = _cli(server, "list")
    assert "whs_" in listed and "current" in listed and "accepted until" in listed
    assert not {first, second, third} & set(listed.split())
    _cli(server, "remove", "--member", "acme", "--vendor", "greenhouse")
    assert (ping(first, 7), ping(third, 8)) == (401, 401)
    store = SqlStore.open(server.db)
    try:
        actions = [e.action for e in store.audit_events() if e.subject == "webhook:greenhouse:acme"]
    finally:
        store.close()
    assert actions == [
        "webhook:secret:add", "webhook:secret:rotate", "webhook:secret:rotate", "webhook:remove"
    ]  # fmt: skip
