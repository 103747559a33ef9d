"""A long-running process follows its share keyring as it changes (``MatchingKeys`` in
enrich/share_keys.py, which ``fauxhire serve``'s screens and refreshes use): a key added
while it runs matches partners' hashes from the next screen, a replaced key stops matching
when its overlap ends, and a file that cannot be read leaves the keys read before in use.
On the demo world's store, with a partner's bundle hashed under a key the hub adds only after
its first screen."""

from __future__ import annotations

import json
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_share_keys import NEW, OLD, _key
from test_share_keys import _matched_by_hash as matched_by_hash

from fauxhire.enrich.share_keys import (
    MatchingKeys,
    ShareKeyring,
    save_share_keyring,
)
from fauxhire.ingest.base import IngestContext
from fauxhire.ingest.registry import get_format
from fauxhire.services.assess import load_ruleset
from fauxhire.services.erasure import Actor
from fauxhire.services.keys import Principal
from fauxhire.services.pipeline import IngestOptions, ingest_and_join
from fauxhire.services.screen import Candidate, Screener, ScreenResult, prepare, screen_batch
from fauxhire.services.share_export import ExportRequest, Sharer, export
from fauxhire.store import SqlStore

ANALYST = Principal("k-analyst", "analyst", None, ())


def test_keys_follow_the_file_and_the_clock(tmp_path: Path) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    path = tmp_path / "share-keys.json"
    keys = MatchingKeys(path=path)
    assert keys.at(now) is None  # named, not made yet
    ring = ShareKeyring().added(_key("ck-1", OLD), timedelta(days=7), now)
    save_share_keyring(path, ring)
    assert keys.at(now) == (OLD,)
    save_share_keyring(path, ring.added(_key("ck-2", NEW), timedelta(days=7), now))
    assert keys.at(now) == (OLD, NEW)  # the replaced key, within its overlap
    assert keys.at(now + timedelta(days=8)) == (NEW,)  # and after it
    assert MatchingKeys(ring).at(now) == (OLD,)  # no file: the keys given, for good


def test_a_file_that_cannot_be_read_leaves_the_keys_read_before(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    path = tmp_path / "share-keys.json"
    save_share_keyring(path, ShareKeyring().added(_key("ck-1", OLD), timedelta(0), now))
    keys = MatchingKeys(path=path)
    assert keys.at(now) == (OLD,)
    path.write_text('{"version": 1, "keys": [{"key_id": "ck-2", "secret": "c2hvcnQ="}]}')
    with caplog.at_level(logging.ERROR, logger="fauxhire.enrich.share_keys"):
        assert keys.at(now) == (OLD,)
        assert keys.at(now) == (OLD,)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and str(path) in errors[0], errors  # once, naming the file
    assert "c2hvcnQ=" not in errors[0]  # never what the file holds
    path.unlink()
    assert keys.at(now) is None  # removed: no key, as a service started without it


def test_a_key_added_while_screening_matches_from_the_next_screen(
    demo_world: Path, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "hub.db")
    store = SqlStore.open(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        persona = _partner_shares_under_new_key(store, tmp_path, now)
        path = tmp_path / "share-keys.json"
        ring = ShareKeyring().added(_key("ck-1", OLD), timedelta(days=7), now)
        save_share_keyring(path, ring)
        screener = Screener(ruleset=load_ruleset(), keys=MatchingKeys(path=path))
        payload = _application_of(demo_world, store, persona)

        before = _screen(store, screener, {**payload, "application_id": "again-1"}, now)
        assert before.identity.identity_id == persona
        assert not _matched_by_hash(store, persona)

        # The hub adds the key its partner rotated to, while the service runs.
        later = now + timedelta(minutes=1)
        save_share_keyring(path, ring.added(_key("ck-2", NEW), timedelta(days=7), later))
        after = _screen(store, screener, {**payload, "application_id": "again-2"}, later)
        assert after.identity.identity_id == persona
        assert _matched_by_hash(store, persona)
    finally:
        store.close()


def _partner_shares_under_new_key(store: SqlStore, folder: Path, now: datetime) -> str:
    """A partner's bundle of the store's personas, hashed under NEW, ingested; one persona
    with an e-mail that it names."""
    shared = export(store, ExportRequest("pact"), Sharer("partner", NEW, "ck-2"),
                    actor=Actor("ana"), now=now).bundle  # fmt: skip
    (folder / "feed").mkdir()
    bundle = folder / "feed" / "partner.stix.json"
    bundle.write_text(json.dumps(shared), encoding="utf-8")
    ingest_and_join(store, get_format("stix"), [bundle], company_id=None,
                    clock=lambda: now, options=IngestOptions(workers=1))  # fmt: skip
    names = sorted(o["name"].removeprefix("Applicant persona ") for o in shared["objects"]
                   if o["type"] == "threat-actor")  # fmt: skip
    assert names, "the demo world shares no persona"
    return names[0]


def _application_of(world: Path, store: SqlStore, identity: str) -> dict[str, Any]:
    """One of the identity's canonical applications that gives an e-mail."""
    held = {(a.company_id, a.application_id) for a in store.identity_applications(identity)}
    for path in sorted((world / "input" / "applications").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if (row["company_id"], row["application_id"]) in held and row["emails"]:
                return dict(row)
    raise AssertionError(f"no canonical application of {identity} with an e-mail")


def _screen(
    store: SqlStore, screener: Screener, payload: dict[str, Any], now: datetime
) -> ScreenResult:
    context = IngestContext(company_countries=store.company_countries())
    one = prepare(Candidate("canonical", payload, None), ANALYST, context=context)
    (result,) = screen_batch(store, [one], screener, now=now)
    assert isinstance(result, ScreenResult), result
    return result


def _matched_by_hash(store: SqlStore, identity: str) -> bool:
    return identity in matched_by_hash(store)
