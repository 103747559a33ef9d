"""The share keyring (enrich/share_keys.py, `fauxhire keys share`): a key added for an
audience makes its hashes from then on, the one it replaces still matches partners' hashes
for the overlap and then nothing; a partner's key is apart from the community's; no command
or log prints a key but the one `--generate` makes; the file is its owner's alone. On the
demo world's store: hashes shared under the old key are matched by the assessment during the
overlap, and not after it."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fauxhire.bootstrap import configure
from fauxhire.enrich.share_keys import ShareKey, ShareKeyring
from fauxhire.ingest.registry import get_format
from fauxhire.services.assess import assess_store
from fauxhire.services.erasure import Actor
from fauxhire.services.pipeline import IngestOptions, ingest_and_join
from fauxhire.services.share_export import ExportRequest, Sharer, export
from fauxhire.store import SqlStore

NOW = datetime(2026, 12, 1, tzinfo=UTC)
OLD, NEW = b"the community's key of last year", b"the community's key of this year"


def _key(key_id: str, secret: bytes, audience: str = "community") -> ShareKey:
    return ShareKey(key_id=key_id, audience=audience, secret=base64.b64encode(secret).decode(),
                    added_at=NOW)  # fmt: skip


def test_a_replaced_key_matches_for_its_overlap_and_a_partners_key_stays_apart() -> None:
    ring = ShareKeyring().added(_key("ck-1", OLD), timedelta(days=7), NOW)
    ring = ring.added(_key("isac-1", b"a key for the isac partner", "partner:isac"),
                      timedelta(days=7), NOW)  # fmt: skip
    ring = ring.added(_key("ck-2", NEW), timedelta(days=7), NOW + timedelta(days=1))
    assert ring.active().key_id == "ck-2" and ring.active("partner:isac").key_id == "isac-1"
    assert ring.matching(NOW + timedelta(days=2)) == (OLD, b"a key for the isac partner", NEW)
    assert ring.matching(NOW + timedelta(days=9)) == (b"a key for the isac partner", NEW)
    assert ring.keys[0].state(NOW + timedelta(days=9)) == "retired"
    assert "the community" not in repr(ring) + repr(ring.keys[0]) + str(ring.keys)
    with pytest.raises(ValueError, match="exists already"):
        ring.added(_key("ck-2", NEW), timedelta(0), NOW)


def test_the_command_line_adds_and_lists_keys_and_prints_none(tmp_path: Path) -> None:
    ring = tmp_path / "share-keys.json"
    env = {**os.environ, "FAUXHIRE_SHARE_KEYRING": str(ring), "AGREED": OLD.decode()}
    db = f"sqlite:///{tmp_path / 'hub.db'}"

    def fauxhire(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "fauxhire.cli", "keys", "share", *args, "--db", db]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    assert fauxhire("add", "--id", "ck-1", "--secret-env", "AGREED").returncode == 0
    made = fauxhire("add", "--id", "isac-1", "--audience", "partner:isac", "--generate")
    assert made.returncode == 0 and len(made.stdout.strip()) == 44  # the key, once
    listed = fauxhire("list")
    assert listed.returncode == 0 and "ck-1" in listed.stdout and "partner:isac" in listed.stdout
    assert OLD.decode() not in listed.stdout + listed.stderr
    assert made.stdout.strip() not in listed.stdout + listed.stderr
    assert oct(ring.stat().st_mode & 0o777) == "0o600"
    refused = fauxhire("add", "--id", "ck-1", "--secret-env", "AGREED")
    assert refused.returncode != 0 and "exists already" in refused.stderr
    store = SqlStore.open(db)
    try:
        events = [(e.action, e.subject, e.purpose) for e in store.audit_events()]
    finally:
        store.close()
    assert events == [("share-key:add", "share-key:ck-1", "community"),
                      ("share-key:add", "share-key:isac-1", "partner:isac")]  # fmt: skip


def test_hashes_under_a_replaced_key_match_during_the_overlap_only(
    demo_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "hub.db")
    store = SqlStore.open(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        # A partner that has not rotated yet shares its personas under the old key.
        sharer = Sharer("partner", OLD, "ck-1")
        shared = export(store, ExportRequest("pact"), sharer, actor=Actor("ana"), now=NOW).bundle
        (tmp_path / "feed").mkdir()
        bundle = tmp_path / "feed" / "partner.stix.json"
        bundle.write_text(json.dumps(shared), encoding="utf-8")
        ingest_and_join(store, get_format("stix"), [bundle], company_id=None,
                        clock=lambda: NOW, options=IngestOptions(workers=1))  # fmt: skip
        keyed = {}
        for name, keys in (("new only", (NEW,)), ("overlap", (NEW, OLD))):
            assess_store(store, now=NOW, community_key=keys)
            keyed[name] = _matched_by_hash(store)
    finally:
        store.close()
    personas = {o["name"].removeprefix("Applicant persona ") for o in shared["objects"]
                if o["type"] == "threat-actor"}  # fmt: skip
    assert keyed["new only"] == set()
    assert keyed["overlap"] and keyed["overlap"] <= personas

    # The keyring file says which keys match, by the time: the overlap, then not.
    ring = ShareKeyring().added(_key("ck-1", OLD), timedelta(days=7), NOW)
    ring = ring.added(_key("ck-2", NEW), timedelta(days=7), datetime.now(UTC))
    path = tmp_path / "share-keys.json"
    path.write_text(ring.model_dump_json(), encoding="utf-8")
    monkeypatch.setenv("FAUXHIRE_SHARE_KEYRING", str(path))
    monkeypatch.chdir(tmp_path)
    assert configure().community_key == (OLD, NEW)
    assert configure().share_key() == (NEW, "ck-2")
    later = lambda: datetime.now(UTC) + timedelta(days=8)  # noqa: E731
    assert configure(clock=later).community_key == (NEW,)


def _matched_by_hash(store: SqlStore) -> set[str]:
    with store.transaction("test") as conn:
        rows = conn.exec_driver_sql(
            "SELECT subject_id, evidence FROM assessments WHERE subject_kind = 'identity'"
        ).all()
    return {identity for identity, evidence in rows if "(keyed hash)" in str(evidence)}
