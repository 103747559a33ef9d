"""Screens honour erasures (services/screen.py, services/tombstones.py), on a generated input
folder run through the whole pipeline, on SQLite and on PostgreSQL: after one applicant is
erased, a screen of the same application, or of a new application carrying the erased
e-mail, stores nothing (no application, no link, no assessment) and is refused with
``erased_applicant`` and an audit event that names no value; an unrelated applicant screened
in the same batch is stored and linked as ever. (The API's answer to it and the webhooks':
test_erasure_screens_api.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fauxhire.domain.erasure import parse_selector
from fauxhire.errors import ConfigError, IngestError
from fauxhire.ingest.base import IngestContext
from fauxhire.services.assess import load_ruleset
from fauxhire.services.erasure import Actor, erase_applicant
from fauxhire.services.keys import Principal
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import IngestOptions, Plan, run_pipeline
from fauxhire.services.screen import Candidate, Screener, ScreenResult, prepare, screen_batch
from fauxhire.store import SqlStore
from fauxhire.store.schema import join_key
from support.clock import Ticks
from support.folder import write_folder

KEY = b"screen erasure test key"
ANALYST = Principal("k-analyst", "analyst", None, ())


@dataclass
class Erased:
    store: SqlStore
    clock: Ticks
    gone: dict[str, Any]  # the erased applicant's canonical application, as its file holds it
    other: dict[str, Any]  # an unrelated applicant's


def canonical_rows(folder: Path) -> list[dict[str, Any]]:
    """The canonical applications of a generated input folder, file by file in name order."""
    return [
        json.loads(line)
        for path in sorted((folder / "applications").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def erased_and_unrelated(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first application with an e-mail (whose applicant is erased), and the last one
    that shares no e-mail or phone with it."""
    gone = next(row for row in rows if row["emails"])
    mine = {e.lower() for e in gone["emails"]}
    other = next(
        row
        for row in reversed(rows)
        if not mine & {e.lower() for e in row["emails"]}
        and row["phones"][-1][-4:] != gone["phones"][-1][-4:]
    )
    return gone, other


@contextmanager
def filled(db_url: str, folder: Path, key: bytes) -> Iterator[tuple[SqlStore, Ticks]]:
    """A store the whole pipeline filled from a generated input folder, ingested with the
    erasure key, and its clock; closed afterwards."""
    write_folder(folder, seed=11, companies=4, candidates=30)
    clock = Ticks()
    store = SqlStore.open(db_url)
    try:
        ingest = IngestOptions(workers=1, erasure_key=key)
        run_pipeline(store, folder, Plan(clock, Linker(), load_ruleset, ingest=ingest))
        yield store, clock
    finally:
        store.close()


@pytest.fixture
def erased(db_url: str, tmp_path: Path) -> Iterator[Erased]:
    folder = tmp_path / "input"
    with filled(db_url, folder, KEY) as (store, clock):
        gone, other = erased_and_unrelated(canonical_rows(folder))
        erase_applicant(
            store, parse_selector("email", gone["emails"][:1]), actor=Actor("dpo@hub"),
            purpose="request 12", key=KEY, now=clock(), confirm=True,
        )  # fmt: skip
        yield Erased(store, clock, gone, other)


def _screen(
    world: Erased, *payloads: dict[str, Any], key: bytes | None = KEY
) -> list[ScreenResult | Exception]:
    store = world.store
    context = IngestContext(company_countries=store.company_countries())
    screenings = [
        prepare(Candidate("canonical", payload, None), ANALYST, context=context)
        for payload in payloads
    ]
    screener = Screener(ruleset=load_ruleset(), erasure_key=key)
    return list(screen_batch(store, screenings, screener, now=world.clock()))


def _key(payload: dict[str, Any]) -> str:
    return join_key((payload["company_id"], payload["application_id"]))


def test_a_screen_of_an_erased_applicant_stores_nothing_and_others_screen(erased: Erased) -> None:
    gone, known = erased.gone, erased.other
    # A new application of the erased person: another id and candidate, the e-mail only.
    anew = {**gone, "application_id": "a-after-erasure", "candidate_id": "p-after", "phones": []}
    other = {**known, "application_id": "a-unrelated-new"}  # a new one of someone else
    store = erased.store
    before = set(store.fact_frame("applications")["app_key"].to_list())
    same, new, unrelated = _screen(erased, gone, anew, other)

    for refused in (same, new):
        assert isinstance(refused, IngestError) and refused.code == "erased_applicant"
        assert "erased on request" in refused.message
        text = json.dumps(refused.to_dict())
        assert not any(value in text for value in (*gone["emails"], gone["application_id"]))
    assert isinstance(unrelated, ScreenResult), unrelated
    assert unrelated.application["application_id"] == other["application_id"]

    held = set(store.fact_frame("applications")["app_key"].to_list())
    assert held - before == {_key(other)}  # the one stored by the three screens
    linked = store.links_of_keys([_key(gone), _key(anew), _key(other), _key(known)])
    assert set(linked) == {_key(other), _key(known)}  # the two refused: to nothing
    assert linked[_key(other)] == linked[_key(known)]  # joined its person, as ever
    for email in gone["emails"]:
        assert store.applications_selected("email", [email.lower()]) == []

    events = store.audit_events()
    refusals = [e for e in events if e.action == "screen:refused"]
    assert len(refusals) == 2
    assert {e.actor for e in refusals} == {ANALYST.key_id}
    assert all(e.subject == e.records[0] for e in refusals)
    erasure = next(e for e in events if e.action == "erase")
    # The same application is named as the erasure named it, so the two can be matched.
    assert refusals[0].records[0] in erasure.records
    assert refusals[1].records[0] not in erasure.records
    trail = json.dumps([e._asdict() for e in events], default=str)
    named = (*gone["emails"], json.dumps(_key(gone))[1:-1], "a-after-erasure")
    assert not any(value in trail for value in named)
    assert [e.records for e in events if e.action == "screen"] == [(_key(other),)]


def test_a_store_with_tombstones_screens_nothing_without_the_key(erased: Erased) -> None:
    before = set(erased.store.fact_frame("applications")["app_key"].to_list())
    unrelated = {**erased.other, "application_id": "a-unrelated-new"}
    with pytest.raises(ConfigError) as refused:
        _screen(erased, unrelated, key=None)
    assert refused.value.detail["field"] == "erasure_key"
    assert set(erased.store.fact_frame("applications")["app_key"].to_list()) == before
