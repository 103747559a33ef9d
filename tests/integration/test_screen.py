"""POST /v1/screen on a real server (test_serve.py's: uvicorn in its own process).

The session's demo world's canonical applications are split: most are run in full
(`fauxhire run`), one in ten is held back and screened one by one through the API, as an ATS
would while the candidates are being hired. Afterwards a full `fauxhire link` plus `fauxhire
assess` on the same store must agree with what the screens answered (issue 17: at least
99.5 %), and the screens' identities with the full run's. Also: a member screens only its own
company's candidates and learns nothing of other members, a bad field is a 422 naming it, a
replay stores nothing twice, a changed replay is a 409, every screen is on the audit trail,
screens sent at once are batched, and the server refreshes the whole store on its schedule.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from test_serve import Server, _fauxhire, serving

from fauxhire.store import SqlStore
from fauxhire.store.schema import join_key
from fauxhire_lab.evaluation.metrics import pairwise_scores
from support.held_out import held_out_world

HELD = 150  # the applications screened after the full run: every EVERY-th
EVERY = 10
FLAGGED = ("likely", "very likely", "almost certain")


@pytest.fixture(scope="module")
def world(demo_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A linked and assessed store (base.db) of the session's demo world without ``HELD``
    of its canonical applications, one in ``EVERY``, which are in held.jsonl."""
    return held_out_world(demo_world, tmp_path_factory.mktemp("screen"), EVERY, HELD)


@pytest.fixture
def server(world: Path, tmp_path: Path) -> Iterator[Server]:
    shutil.copyfile(world / "base.db", tmp_path / "served.db")
    with serving(tmp_path) as served:
        yield served


def _held(world: Path) -> list[dict[str, Any]]:
    lines = (world / "held.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _post(server: Server, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return server.post("/v1/screen", body, token, timeout=60)


def test_screens_agree_with_a_full_link_and_assess(world: Path, server: Server) -> None:
    analyst = server.key("--role", "analyst")
    screened: dict[str, tuple[str, str]] = {}
    for payload in _held(world):
        status, body = _post(server, analyst, {"application": payload, "purpose": "hiring"})
        assert status == 200, body
        assert "human review" in body["recommendation"]
        key = join_key((payload["company_id"], payload["application_id"]))
        screened[key] = (body["identity"]["identity_id"], body["identity"]["verdict"]["level"])
    levels = {level for _, level in screened.values()}
    assert levels & set(FLAGGED) and levels - set(FLAGGED)  # both kinds were screened
    server.process.terminate()
    server.process.wait(timeout=30)
    screened_links = _links(server.db)  # as the screens left them
    db = ["--db", server.db]
    for step in (("link", *db), ("assess", *db)):
        assert _fauxhire(*step, cwd=server.folder).returncode == 0
    full_links = _links(server.db)
    store = SqlStore.open(server.db)
    try:
        identity_of = store.links_of_keys(list(screened))
        full = {a.subject_id: a.level for a in store.assessments("identity")}
    finally:
        store.close()
    agree = sum(full[identity_of[key]] == level for key, (_, level) in screened.items())
    assert agree / len(screened) >= 0.995, (agree, len(screened))
    # The identities the screens built are the full run's, pair for pair, over the store.
    items = screened_links.join(full_links, on="app_key", suffix="_full").select(
        pl.col("identity_id").alias("predicted"), pl.col("identity_id_full").alias("truth")
    )
    assert items.height == full_links.height
    assert pairwise_scores(items).f1 >= 0.99


def _links(db: str) -> pl.DataFrame:
    store = SqlStore.open(db)
    try:
        return store.fact_frame("applications").select("app_key", "identity_id")
    finally:
        store.close()


def test_a_member_screens_its_own_candidates_and_learns_no_other_member(
    world: Path, server: Server
) -> None:
    payload = _held(world)[0]
    company = payload["company_id"]
    recruiter = server.key("--role", "recruiter", "--member", company)
    other = server.key("--role", "recruiter", "--member", "c-elsewhere")
    assert _post(server, other, {"application": payload})[0] == 403
    assert _post(server, recruiter, {"application": payload, "company_id": "c-x"})[0] == 403
    status, body = _post(server, recruiter, {"application": payload})
    assert status == 200, body
    assert body["identity"]["role"] == "recruiter"
    assert set(body["identity"]["elsewhere"]) >= {"companies", "applications"}
    for item in body["identity"]["verdict"]["evidence"]:
        assert set(item) == {"indicator", "title", "weight"}  # no sentence, no sources
    for link in body["linked"]["links"]:
        assert link["other"].startswith(f"{company}/") or "another member" in link["other"]
    text = json.dumps(body)
    for key in _other_companies(server.db, company):
        assert key not in text
    assert _post(server, server.key("--role", "partner"), {"application": payload})[0] == 403
    assert _post(server, server.key("--role", "admin"), {"application": payload})[0] == 403


def _other_companies(db: str, company: str) -> set[str]:
    """Every other company's id the store holds applications of."""
    store = SqlStore.open(db)
    try:
        frame = store.fact_frame("applications")
    finally:
        store.close()
    return set(frame.filter(pl.col("company_id") != company)["company_id"].to_list())


def test_bad_fields_replays_and_changes(world: Path, server: Server) -> None:
    analyst = server.key("--role", "analyst")
    payload = _held(world)[1]
    broken = {**payload, "applied_at": "not a time"}
    status, body = _post(server, analyst, {"application": broken})
    assert status == 422
    assert body["detail"][0]["loc"][:3] == ["body", "application", "applied_at"]
    assert "not a time" not in json.dumps(body)
    assert _post(server, analyst, {"application": payload, "format": "lever"})[0] == 422
    huge = _post(server, analyst, {"application": {**payload, "x": 2**70}})  # found by schemathesis
    assert (huge[0], huge[1]["detail"][0]["loc"]) == (422, ["body", "application"])
    first = _post(server, analyst, {"application": payload})
    again = _post(server, analyst, {"application": payload})
    assert first[0] == again[0] == 200
    assert first[1]["identity"]["identity_id"] == again[1]["identity"]["identity_id"]
    changed = {**payload, "job_title": payload["job_title"] + " (changed)"}
    assert _post(server, analyst, {"application": changed})[0] == 409
    store = SqlStore.open(server.db)
    try:
        key = join_key((payload["company_id"], payload["application_id"]))
        applications = store.fact_frame("applications")
        assert applications.filter(pl.col("app_key") == key).height == 1  # once, linked once
        events = [e for e in store.audit_events() if e.action == "screen"]
    finally:
        store.close()
    assert [e.records for e in events] == [(key,), (key,)]  # the two screens, not the refused
    assert {e.purpose for e in events} == {"screening"}


def test_a_store_never_linked_cannot_screen_yet(tmp_path: Path, world: Path) -> None:
    with serving(tmp_path) as server:
        analyst = server.key("--role", "analyst")
        status, body = _post(server, analyst, {"application": _held(world)[0]})
    assert status == 503
    assert body["code"] == "not_ready"


def test_screens_sent_at_once_are_batched_and_each_answered(world: Path, server: Server) -> None:
    analyst = server.key("--role", "analyst")
    held = _held(world)[:40]
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda p: _post(server, analyst, {"application": p}), held))
    assert [status for status, _ in answers] == [200] * len(held)
    for payload, (_, body) in zip(held, answers, strict=True):
        assert body["application"] == {
            "company_id": payload["company_id"], "application_id": payload["application_id"]
        }  # fmt: skip
    batches = [line["batch"] for line in server.log_lines() if line.get("message") == "screened"]
    assert sum(batches) == len(held)
    assert max(batches) > 1  # twenty waiting at once were not screened one by one


def test_the_server_refreshes_the_whole_store_on_its_schedule(world: Path, tmp_path: Path) -> None:
    shutil.copyfile(world / "base.db", tmp_path / "served.db")
    with serving(tmp_path, options=("--refresh-every", "1")) as server:
        analyst = server.key("--role", "analyst")
        for payload in _held(world)[:3]:
            assert _post(server, analyst, {"application": payload})[0] == 200
        # A refresh that ends now took the lock after the screens: it linked them in full.
        before = _refreshes(server)
        deadline = time.monotonic() + 300  # a loaded machine links slowly
        while _refreshes(server) == before:
            assert time.monotonic() < deadline, server.log.read_text()
            time.sleep(0.5)
        assert _post(server, analyst, {"application": _held(world)[3]})[0] == 200
    database = sqlite3.connect(tmp_path / "served.db")
    try:
        modes = [m for (m,) in database.execute("SELECT mode FROM link_runs ORDER BY run_id")]
    finally:
        database.close()
    # The demo's full run, the screens' increments, then a full run of the refresh.
    assert modes[0] == "full"
    last_full = len(modes) - 1 - modes[::-1].index("full")
    assert "incremental" in modes[1:last_full]


def _refreshes(server: Server) -> int:
    return sum(line.get("message") == "refreshed" for line in server.log_lines())
