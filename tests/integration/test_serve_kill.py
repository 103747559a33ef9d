"""SIGKILL of `fauxhire serve` in the middle of screens, 50 times (issue 17, "Done when"): no
request is both acknowledged and lost, and none is stored twice; on SQLite and PostgreSQL.

A small demo world's canonical applications are split: most are run in full (`fauxhire run`)
into the store, one in ``EVERY`` is held back and screened through the API by a client that
also sends replays of some it screened before. A killer SIGKILLs the server a seeded random 0
to 300 ms after a request goes out and starts it again on the same store (support/kill.py);
the client sends again every request that died unanswered. Afterwards, on the store the kills
left behind: every acknowledged application is stored once and linked once, with its screen
on the audit trail; the chain verifies; SQLite's integrity check passes; `fauxhire link --new`
finds nothing left to link; a later screen of each gives the identity it was acknowledged in
(or the one that absorbed it); and no identity number was given twice.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from fauxhire.store import SqlStore
from fauxhire.store.schema import join_key
from fauxhire_lab.world.generate import generate
from fauxhire_lab.world.spec import spec_for
from support.kill import Answer, Call, ForkingService, KillRun, Service, run_under_kills

KILLS = 50
SEED = 17
HELD = 50  # applications held back from the full run and screened under kills
EVERY = 20
REPLAY_EVERY = 4  # after every 4th screen, a replay of one screened before


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """input/: a small world without its held-back applications, which are in held.jsonl."""
    root = tmp_path_factory.mktemp("kill")
    generate(spec_for(300, seed=3), root / "input", root / "truth")
    source = root / "input" / "applications" / "part-0001.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    held = set(range(7, len(lines), EVERY)[:HELD])  # spread: the file is not shuffled
    assert len(held) == HELD
    source.write_text("".join(x for i, x in enumerate(lines) if i not in held), encoding="utf-8")
    (root / "held.jsonl").write_text("".join(lines[i] for i in sorted(held)), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sqlite_base(world: Path) -> Path:
    """The world run in full into a SQLite store, once for the module."""
    _fauxhire("run", str(world / "input"), "--db", f"sqlite:///{world / 'base.db'}", cwd=world)
    return world / "base.db"


@contextmanager
def _opened(db: str) -> Iterator[SqlStore]:
    store = SqlStore.open(db)
    try:
        yield store
    finally:
        store.close()


def _fauxhire(*args: str, cwd: Path) -> str:
    command = [sys.executable, "-m", "fauxhire.cli", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def leftover() -> Iterator[list[Service]]:
    """The services a test started: none is left running, whatever happened."""
    started: list[Service] = []
    yield started
    for service in started:
        service.close()


def test_sigkill_during_screens_on_sqlite(
    world: Path, sqlite_base: Path, tmp_path: Path, leftover: list[Service]
) -> None:
    shutil.copyfile(sqlite_base, tmp_path / "served.db")
    db = f"sqlite:///{tmp_path / 'served.db'}"
    screened = _screen_under_kills(world, db, tmp_path, leftover)
    with _opened(db) as store, store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
    _check_survivors(db, tmp_path, screened, leftover)


def test_sigkill_during_screens_on_postgresql(
    world: Path, pg_url: str, tmp_path: Path, leftover: list[Service]
) -> None:
    _fauxhire("run", str(world / "input"), "--db", pg_url, cwd=tmp_path)
    screened = _screen_under_kills(world, pg_url, tmp_path, leftover)
    _check_survivors(pg_url, tmp_path, screened, leftover)
    with _opened(pg_url) as store, store.engine.connect() as conn:
        # No session of a killed server is left holding a transaction (a stuck store).
        held = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert held == 0


@dataclass(frozen=True)
class Screened:
    """What the screens under kills left: the run, each application's acknowledging answer
    (its last, for the replayed), and the identity ids the store held before."""

    run: KillRun
    answers: dict[str, Answer]
    before: set[str]


def _screen_under_kills(world: Path, db: str, folder: Path, leftover: list[Service]) -> Screened:
    token = _fauxhire("keys", "create", "--name", "kill", "--role", "analyst", "--db", db,
                      cwd=folder).strip()  # fmt: skip
    before = set(_links(db).values())
    service = ForkingService(folder, db)
    leftover.append(service)
    service.start()
    with _opened(db) as store, store.engine.connect() as conn:

        def probe(call: Call) -> str:
            return _how_far(conn, call.label)

        run = run_under_kills(service, [_calls(world, token)], kills=KILLS, seed=SEED, probe=probe)
    print(f"kills {run.kills}, died under {run.died_under}, {dict(run.phases)}, {run.seconds}s")
    assert run.kills == KILLS, "the calls ran out before the kills"
    assert run.phases.keys() - {"between requests"}, run.phases  # some landed inside a screen
    refused = [(a.call.label, a.status, a.body) for a in run.answers if a.status != 200]
    assert not refused
    assert service.stop() == 0
    answers = {a.call.label: a for a in run.answers}
    assert len(answers) == HELD
    return Screened(run, answers, before)


def _calls(world: Path, token: str) -> list[Call]:
    held = [json.loads(line) for line in (world / "held.jsonl").read_text().splitlines()]
    calls: list[Call] = []
    for n, payload in enumerate(held, start=1):
        calls.append(_screen(payload, token))
        if n % REPLAY_EVERY == 0:
            calls.append(_screen(held[n // 2], token))  # one screened before, sent again
    return calls


def _screen(payload: dict[str, Any], token: str) -> Call:
    key = join_key((payload["company_id"], payload["application_id"]))
    return Call(key, "/v1/screen", {"application": payload, "purpose": "kill test"}, token)


def _how_far(conn: Any, key: str) -> str:
    """How far the store got with the screen of ``key`` when the server died."""
    found = {"k": key}
    with conn.begin():  # a snapshot of now, not held open while the server runs
        stored = conn.execute(text("SELECT count(*) FROM applications WHERE key = :k"), found)
        linked = conn.execute(text("SELECT count(*) FROM links WHERE app_key = :k"), found)
        if not stored.scalar():
            return "before it was stored"
        return "after it was linked" if linked.scalar() else "stored, not linked"


def _check_survivors(db: str, folder: Path, screened: Screened, leftover: list[Service]) -> None:
    keys = sorted(screened.answers)
    with _opened(db) as store, store.engine.connect() as conn:
        stored = _counts(conn, "SELECT key, count(*) FROM applications GROUP BY key", keys)
        linked = _counts(conn, "SELECT app_key, count(*) FROM links GROUP BY app_key", keys)
        audited = [e.records for e in store.audit_events() if e.action == "screen"]
        last = store.latest_link_run()
        assert last is not None
        assert store.applications_after(int(last.summary["max_rec"])).height == 0
    assert stored == dict.fromkeys(keys, 1)  # acknowledged and stored, once
    assert linked == dict.fromkeys(keys, 1)  # and linked, once
    assert {key for (key,) in audited} >= set(keys)  # and its screen is on the trail
    assert _fauxhire("audit", "verify", "--db", db, cwd=folder).startswith("OK: ")
    before = _links(db)
    _fauxhire("link", "--new", "--db", db, cwd=folder)
    assert _links(db) == before  # nothing was left unlinked
    _check_identity_numbers(db, screened)
    _check_screens_again(db, folder, screened.answers, leftover)


def _counts(conn: Any, query: str, keys: list[str]) -> dict[str, int]:
    counts = dict(conn.execute(text(query)).all())
    return {key: int(counts.get(key, 0)) for key in keys}


def _links(db: str) -> dict[str, str]:
    with _opened(db) as store, store.engine.connect() as conn:
        return dict(conn.execute(text("SELECT app_key, identity_id FROM links")).all())


def _check_identity_numbers(db: str, screened: Screened) -> None:
    """No identity number given twice: an identity a screen answered as new was no other
    application's before it, and every identity the screens touched is held together by its
    own links (a number given twice would join two applications that no link ties)."""
    held_by: dict[str, set[str]] = {identity: {"before"} for identity in screened.before}
    for answer in screened.run.answers:
        identity = answer.body["identity"]["identity_id"]
        if answer.body["linked"]["status"] == "new":
            others = held_by.get(identity, set()) - {answer.call.label}
            assert not others, f"{identity} was given to {answer.call.label} and {others}"
        held_by.setdefault(identity, set()).add(answer.call.label)
    links = _links(db)
    touched = {links[key] for key in screened.answers}
    with _opened(db) as store:
        last = store.latest_link_run()
        assert last is not None
        numbers = {int(identity.removeprefix("i-")) for identity in links.values()}
        assert max(numbers) <= int(last.summary["last_identity"])
        for identity in touched:
            members = {key for key, held in links.items() if held == identity}
            edges = [(e.a, e.b) for e in store.edges("identity", identity)]
            assert _connected(members, edges), (identity, members, edges)


def _connected(members: set[str], edges: list[tuple[str, str]]) -> bool:
    reached, frontier = set(), [next(iter(members))]
    while frontier:
        node = frontier.pop()
        if node not in reached:
            reached.add(node)
            frontier += [b if a == node else a for a, b in edges if node in (a, b)]
    return reached == members


def _check_screens_again(
    db: str, folder: Path, answers: dict[str, Answer], leftover: list[Service]
) -> None:
    """Each acknowledged application screened again, with no kill: the identity it was
    acknowledged in, or, if that one was merged away since, the one now holding every
    application the acknowledgement listed."""
    service = Service(folder, db)
    leftover.append(service)
    service.start()
    again = {key: service.post(answer.call) for key, answer in answers.items()}
    assert service.stop() == 0
    links = _links(db)
    for key, answer in answers.items():
        status, body = again[key]
        assert status == 200, body
        acked, now = answer.body["identity"], body["identity"]
        if acked["identity_id"] == now["identity_id"]:
            continue
        assert acked["identity_id"] not in links.values(), (key, acked, now)  # merged away
        listed = [join_key((a["company_id"], a["application_id"])) for a in acked["applications"]]
        assert {links[k] for k in listed} == {now["identity_id"]}, (key, listed)
