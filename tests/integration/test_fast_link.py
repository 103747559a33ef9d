"""The fast link of a screened application (``services.fast_link``) leaves the store as
``increment.link_new`` would.

The session's demo world is run in full without one canonical application in ten; the held
applications then arrive one at a time, each stored in two copies of the store: one linked
by ``link_new``, the other by ``link_screened`` (or by ``link_new`` where it declines). After
each, both stores hold the same links, the same identity edges (evidence byte for byte) and a
last link run with the same mode, spec, model and figures. Where the fast path cannot be
exact (a merge, a judgement) it declines and writes nothing.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from psycopg import sql

from conftest import pg_admin_url
from fauxhire.domain import Application
from fauxhire.ingest.base import IngestContext, SourceFile
from fauxhire.ingest.registry import get_format
from fauxhire.ports import Judgement
from fauxhire.services.fast_link import ScorerCache, link_screened
from fauxhire.services.increment import link_new
from fauxhire.services.link import link_store
from fauxhire.store import SqlStore
from fauxhire.store.judgements import add_judgements
from fauxhire.store.schema import join_key
from support.held_out import held_out_world, run_into

EVERY = 10
HELD = 200  # every EVERY-th canonical application: all of them on the demo world (178)
ON_POSTGRESQL = 60  # of those, about this many, spread, on PostgreSQL (link_new is slower there)
NOW = datetime(2025, 7, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def world(demo_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return held_out_world(demo_world, tmp_path_factory.mktemp("fastlink"), EVERY, HELD)


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(
    request: pytest.FixtureRequest, world: Path, tmp_path: Path
) -> Iterator[tuple[SqlStore, SqlStore]]:
    """Two stores holding the world's full run: one for link_new, one for the fast path."""
    if request.param == "sqlite":
        urls = []
        for name in ("batch", "fast"):
            shutil.copyfile(world / "base.db", tmp_path / f"{name}.db")
            urls.append(f"sqlite:///{tmp_path / f'{name}.db'}")
    else:
        urls = [request.getfixturevalue("pg_url"), request.getfixturevalue("pg_url_2")]
        run_into(world, urls[0])
        _copy_database(urls[0], urls[1])  # the same store to the byte: its links' times too
    batch, fast = SqlStore.open(urls[0]), SqlStore.open(urls[1])
    try:
        yield batch, fast
    finally:
        batch.close()
        fast.close()


def _copy_database(source: str, target: str) -> None:
    """Make PostgreSQL's database ``target`` a copy of ``source`` (no one connected to it)."""
    admin = pg_admin_url()
    assert admin is not None
    names = [sql.Identifier(url.rpartition("/")[2]) for url in (source, target)]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(names[1]))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(names[1], names[0]))


def _held(world: Path) -> list[Application]:
    source = SourceFile(world / "held.jsonl", display="held")
    items = get_format("applications").adapter(source, IngestContext())
    return [item for item in items if isinstance(item, Application)]


def _outputs(store: SqlStore) -> dict[str, Any]:
    """The links, the edges (evidence as stored text) and the last link run, less its
    seconds and its id."""
    with store.engine.connect() as conn:
        links = conn.execute(
            sa.text("SELECT app_key, identity_id, network_id, linked_at FROM links")
        ).all()
        edges = conn.execute(
            sa.text("SELECT stage, a, b, group_id, score, probability, evidence FROM link_edges")
        ).all()
        run = conn.execute(
            sa.text("SELECT mode, spec, model, summary FROM link_runs ORDER BY run_id DESC")
        ).first()
        runs = conn.execute(sa.text("SELECT COUNT(*) FROM link_runs")).scalar_one()
    assert run is not None
    mode, spec, model, summary = (run[0], *(json.loads(text) for text in run[1:]))
    summary.pop("seconds")
    return {
        "links": sorted(links),
        "edges": sorted(edges),
        "run": (mode, spec, model, summary),
        "runs": runs,
    }


def test_each_screen_leaves_the_store_as_link_new_does(
    world: Path,
    two_stores: tuple[SqlStore, SqlStore],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    batch, fast = two_stores
    held = _held(world)
    if batch.dialect == "postgresql":
        held = held[:: len(held) // ON_POSTGRESQL]
    caplog.set_level(logging.DEBUG, logger="fauxhire.services.fast_link")
    scorers = ScorerCache()
    taken: Counter[str] = Counter()
    for i, application in enumerate(held):
        now = NOW + timedelta(minutes=i)
        for store in (batch, fast):
            assert store.write_records([application], now=now) == 1
        link_new(batch, now=now)
        linked = link_screened(fast, scorers, now=now)
        if linked is None:
            link_new(fast, now=now)
            taken["declined"] += 1
        else:
            taken["joined" if linked.joined else "new"] += 1
            assert linked.application == join_key(application.key)
            assert len(linked.edges) == linked.summary.links
        assert _outputs(fast) == _outputs(batch), (i, application.key)
    reasons = Counter(r.getMessage() for r in caplog.records if "declined" in r.getMessage())
    with capsys.disabled():
        print(f"\nfast link on {batch.dialect}: {dict(taken)} of {len(held)}; {dict(reasons)}")
    assert sum(reasons.values()) == taken["declined"]
    assert taken["declined"] <= len(held) // 10  # the fast path took most of them
    assert taken["joined"] > 0 and taken["new"] > 0  # both decisions were made


@pytest.fixture
def store(world: Path, tmp_path: Path) -> Iterator[SqlStore]:
    shutil.copyfile(world / "base.db", tmp_path / "one.db")
    opened = SqlStore.open(f"sqlite:///{tmp_path / 'one.db'}")
    try:
        yield opened
    finally:
        opened.close()


def _namesakes(world: Path, store: SqlStore) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two stored canonical applications of one name in two identities, each with an e-mail
    and a phone."""
    rows = []
    for path in sorted((world / "input" / "applications").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r.get("emails") and r.get("phones")]
    identity = store.links_of_keys([join_key((r["company_id"], r["application_id"])) for r in rows])
    by_name: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for r in rows:
        found = identity.get(join_key((r["company_id"], r["application_id"])))
        if found is not None:
            name = (r["first_name"].lower(), r["last_name"].lower())
            by_name.setdefault(name, {}).setdefault(found, r)
    pairs = [list(ids.values()) for _, ids in sorted(by_name.items()) if len(ids) >= 2]
    assert pairs, "the demo world has namesakes in two identities"
    return pairs[0][0], pairs[0][1]


def _write_payload(store: SqlStore, payload: dict[str, Any]) -> str:
    """Store a canonical application (as the input files hold one); its key."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "one.jsonl"
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
        items = get_format("applications").adapter(SourceFile(path, display="one"), IngestContext())
        (application,) = [item for item in items if isinstance(item, Application)]
    assert store.write_records([application], now=NOW) == 1
    return join_key(application.key)


def test_a_merge_declines_and_writes_nothing(world: Path, store: SqlStore) -> None:
    one, other = _namesakes(world, store)
    # Their name, e-mails and phones, and nothing else to disagree with either of them.
    shared = ("company_id", "applied_at", "job_title", "stage", "first_name", "last_name")
    merging = {
        **{field: one[field] for field in shared},
        "application_id": "merging-1",
        "candidate_id": "merging-1",
        "emails": one["emails"] + other["emails"],
        "phones": one["phones"] + other["phones"],
    }
    _write_payload(store, merging)
    before = _outputs(store)
    assert link_screened(store, ScorerCache(), now=NOW) is None
    assert _outputs(store) == before
    # It was a merge indeed: link_new merges two identities with it.
    assert link_new(store, now=NOW).merged_identities == 1


def test_a_judgement_naming_the_application_declines_and_writes_nothing(
    world: Path, store: SqlStore
) -> None:
    one, _ = _namesakes(world, store)
    key = _write_payload(store, {**one, "application_id": "judged-1"})
    other = join_key((one["company_id"], one["application_id"]))
    before = _outputs(store)
    scorers = ScorerCache()
    add_judgements(store, [Judgement("apart", key, other, "analyst", "not them", NOW)])
    assert link_screened(store, scorers, now=NOW) is None
    assert _outputs(store) == before
    # Without the judgement the same application would have taken the fast path.
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM judgements"))
    linked = link_screened(store, scorers, now=NOW)
    assert linked is not None and linked.joined


def _presented(world: Path, store: SqlStore) -> dict[str, Any]:
    """A stored canonical application presenting a LinkedIn profile, an e-mail and a phone,
    of the identity that presents them least often (its name and home are rare, so they weigh
    most): an identity as a persona presents the one it borrows."""
    rows = []
    for path in sorted((world / "input" / "applications").glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [
        r for r in rows
        if r.get("emails") and r.get("phones") and any("linkedin" in u for u in r.get("urls", []))
    ]  # fmt: skip
    identity = store.links_of_keys([join_key((r["company_id"], r["application_id"])) for r in rows])
    held = Counter(identity.values())
    rows = [r for r in rows if join_key((r["company_id"], r["application_id"])) in identity]
    assert rows, "the demo world has applications presenting a profile"
    return min(rows, key=lambda r: held[identity[join_key((r["company_id"], r["application_id"]))]])


def test_the_person_whose_identity_another_presents_is_never_joined_to_it(
    world: Path, tmp_path: Path
) -> None:
    """The person applies under their own name, home and profile, with their own mailbox and
    number: no link of theirs to the other's applications agrees on anything a person keeps,
    so neither a screen nor link_new joins them (a persona on a borrowed identity is never
    merged with the person, nor the person flagged with it)."""
    stores = []
    for name in ("batch", "fast"):
        shutil.copyfile(world / "base.db", tmp_path / f"{name}.db")
        stores.append(SqlStore.open(f"sqlite:///{tmp_path / f'{name}.db'}"))
    batch, fast = stores
    try:
        presented = _presented(world, batch)
        other = batch.links_of_keys(
            [join_key((presented["company_id"], presented["application_id"]))]
        )
        (other_identity,) = other.values()
        size = batch.identity_sizes([other_identity])[other_identity]
        own = {
            "emails": ["someone.real.1987@example.org"],
            "phones": ["+1 415 555 0199"],
            "urls": [u for u in presented["urls"] if "linkedin" in u],
        }
        kept = (
            "company_id",
            "applied_at",
            "job_title",
            "stage",
            "first_name",
            "last_name",
            "address",
        )
        person = {
            **{f: presented[f] for f in kept},
            **own,
            "application_id": "person-1",
            "candidate_id": "person-1",
        }
        again = {**person, "application_id": "person-2", "candidate_id": "person-2"}
        scorers = ScorerCache()
        for i, payload in enumerate((person, again)):
            now = NOW + timedelta(minutes=i)
            for store in (batch, fast):
                _write_payload(store, payload)
            link_new(batch, now=now)
            if link_screened(fast, scorers, now=now) is None:
                link_new(fast, now=now)
            assert _outputs(fast) == _outputs(batch), payload["application_id"]
        found = batch.links_of_keys(
            [join_key((person["company_id"], a)) for a in ("person-1", "person-2")]
        )
        assert len(set(found.values())) == 1  # the person's two applications are one identity
        assert other_identity not in found.values()
        assert batch.identity_sizes([other_identity])[other_identity] == size
    finally:
        batch.close()
        fast.close()


def test_an_agencys_application_of_the_person_never_merges_them_back_with_the_persona(
    store: SqlStore,
) -> None:
    """A persona applied twice under a person's name, home and profile, with its own mailbox
    and number and no resume; the person applied with theirs, and the full run split the two.
    Then an agency sends the person's resume with none of their contact details: it agrees
    with the person on their resume and with the persona on what it presents. link_new puts
    it with the person, and never merges the person back into the persona."""
    presented = {
        "company_id": "c-00001", "applied_at": "2025-06-01T10:00:00Z", "job_title": "Accountant",
        "stage": "applied", "first_name": "Quintessa", "last_name": "Vollmerhausen",
        "address": "4410 Larkspur Ridge Rd, Boise, ID 83702, US",
        "urls": ["https://www.linkedin.com/in/quintessa-vollmerhausen-4410"],
    }  # fmt: skip
    persona = {**presented, "emails": ["q.vollmer.work@example.net"], "phones": ["+1 208 555 0142"]}
    resume = "Quintessa Vollmerhausen\nReconciled the ledgers of eleven credit unions by hand.\n"
    person = {
        **presented, "emails": ["quintessa.v@example.org"], "phones": ["+1 208 555 0177"],
        "resume_text": resume,
    }  # fmt: skip
    for n, payload in enumerate((persona, persona, person)):
        _write_payload(store, {**payload, "application_id": f"q-{n}", "candidate_id": f"q-{n}"})
    link_store(store, now=NOW)
    keys = [join_key(("c-00001", f"q-{n}")) for n in range(4)]
    split = store.links_of_keys(keys[:3])
    persona_identity, person_identity = split[keys[0]], split[keys[2]]
    assert split[keys[1]] == persona_identity != person_identity
    assert store.borrowed_pairs([persona_identity, person_identity])  # the run split them
    agency = {**presented, "emails": [], "phones": [], "resume_text": resume}
    _write_payload(store, {**agency, "application_id": "q-3", "candidate_id": "q-3"})
    summary = link_new(store, now=NOW + timedelta(minutes=1))
    assert summary.links >= 2  # it is tied to both
    assert summary.merged_identities == 0
    after = store.links_of_keys(keys)
    assert after[keys[3]] == after[keys[2]] == person_identity
    assert after[keys[0]] == after[keys[1]] == persona_identity
