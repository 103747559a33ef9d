"""`fauxhire share pull` (services/share_pull.py) from a real hub: hub A serves a copy of the
demo world with its export published; hub B, another copy, pulls A's collection with a
partner key, keeps it in its inbox and ingests it, and a second pull finds nothing new. After
B's assessment, A's keyed hashes find at B exactly the personas A shared, each with a
partner match, and no one else. Indicators of a non-applicant cluster are left out, with the
reason logged."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_serve import serving
from test_taxii import KEY, _publish, _scoped_partner

from fauxhire.enrich.keyed import keyed_hash
from fauxhire.services.share_pull import kept_for_evidence
from fauxhire.services.taxii import BY_TLP
from fauxhire.store import SqlStore


def _fauxhire(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "fauxhire.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_hub_b_pulls_hub_as_collection_and_it_becomes_evidence(
    demo_world: Path, tmp_path: Path
) -> None:
    for hub in ("a", "b"):
        shutil.copyfile(demo_world / "fauxhire.db", tmp_path / f"{hub}.db")
    a_db, b_db = (f"sqlite:///{tmp_path / f'{hub}.db'}" for hub in ("a", "b"))
    env = {**os.environ, "FAUXHIRE_COMMUNITY_KEY": KEY}
    _publish(a_db, env, "amber")
    (tmp_path / "a").mkdir()
    with serving(tmp_path / "a", env, db=a_db) as hub_a:
        token = _scoped_partner(hub_a)
        feed = {"name": "hub-a", "token_env": "HUB_A_TOKEN",
                "url": f"{hub_a.base}/taxii2/api/collections/{BY_TLP['amber'].id}/"}  # fmt: skip
        b_env = env | {
            "FAUXHIRE_SHARE_FEEDS": json.dumps([feed]), "HUB_A_TOKEN": token,
            "FAUXHIRE_SHARE_INBOX": str(tmp_path / "inbox"),
        }  # fmt: skip
        first = _fauxhire("share", "pull", "--db", b_db, env=b_env)
        assert first.returncode == 0, first.stderr
        files = list((tmp_path / "inbox" / "hub-a").glob("*.stix.json"))
        assert len(files) == 1 and "hub-a:" in first.stderr
        again = _fauxhire("share", "pull", "--db", b_db, env=b_env)
        assert again.returncode == 0 and "nothing new" in again.stderr, again.stderr
        assert len(list((tmp_path / "inbox" / "hub-a").glob("*.stix.json"))) == 1
    assert token not in first.stderr + again.stderr

    pulled = json.loads(files[0].read_text(encoding="utf-8"))["objects"]
    digests = {re.search(r"hmac_sha256 = '([0-9a-f]{64})'", o["pattern"])[1]  # type: ignore[index]
               for o in pulled if o["type"] == "indicator"}  # fmt: skip
    indicated = {r["target_ref"] for r in pulled if r["type"] == "relationship"
                 and r["relationship_type"] == "indicates"}  # fmt: skip
    flagged_at_a = {o["name"].removeprefix("Applicant persona ") for o in pulled
                    if o["type"] == "threat-actor" and o["id"] in indicated}  # fmt: skip
    assessed = _fauxhire("assess", "--db", b_db, env=b_env)
    assert assessed.returncode == 0, assessed.stderr
    # B holds the same people: A's hashes find at B exactly the personas A shared, no one else.
    found = _holders_of(b_db, digests)
    assert found == flagged_at_a and found
    assert found <= _with_partner_match(b_db)
    store = SqlStore.open(b_db)
    try:
        events = [e for e in store.audit_events() if e.action == "share:pull"]
    finally:
        store.close()
    assert [e.subject for e in events] == ["feed:hub-a", "feed:hub-a"]
    assert events[0].records[0] == f"count:objects={len(pulled)}"


def _holders_of(db: str, digests: set[str]) -> set[str]:
    """The identities holding an e-mail, phone or GitHub handle whose keyed hash is given."""
    rows = _query(db, """
        SELECT l.identity_id, v.kind, v.key FROM applicant_values v
        JOIN applications a ON a.id = v.app_ref JOIN links l ON l.app_key = a.key
        WHERE v.kind IN ('email', 'phone', 'github')""")  # fmt: skip
    return {
        identity for identity, kind, key in rows if keyed_hash(KEY.encode(), kind, key) in digests
    }


def _with_partner_match(db: str) -> set[str]:
    rows = _query(
        db, "SELECT subject_id, evidence FROM assessments WHERE subject_kind = 'identity'"
    )
    return {identity for identity, evidence in rows if '"partner-intel-match"' in evidence}


def _query(db: str, sql: str) -> list[Any]:
    store = SqlStore.open(db)
    try:
        with store.transaction("test") as conn:
            return list(conn.exec_driver_sql(sql).all())
    finally:
        store.close()


def _cluster(kind: str, name: str, *aliases: str) -> dict[str, Any]:
    return {"type": kind, "id": f"{kind}--{abs(hash(name)) % 10**12:012d}", "name": name,
            "aliases": list(aliases)}  # fmt: skip


def test_indicators_of_non_applicant_clusters_are_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    merged = _cluster("intrusion-set", "Contagious Interview", "Famous Chollima", "UNC5267")
    workers = _cluster("intrusion-set", "Famous Chollima")
    malware = _cluster("malware", "BeaverTail")
    objects = [merged, workers, malware]
    for n, target in enumerate((merged, workers, malware, workers)):
        indicator = {"type": "indicator", "id": f"indicator--{n}"}
        indicates = {"type": "relationship", "id": f"relationship--{n}",
                     "relationship_type": "indicates", "source_ref": indicator["id"],
                     "target_ref": target["id"]}  # fmt: skip
        objects += [indicator, indicates]
    with caplog.at_level(logging.WARNING):
        kept, left_out = kept_for_evidence(objects, "isac")
    assert left_out == 2
    assert {o["id"] for o in kept if o["type"] == "indicator"} == {"indicator--1", "indicator--3"}
    assert any("Contagious Interview" in r.getMessage() for r in caplog.records)
    assert any("BeaverTail" in r.getMessage() for r in caplog.records)
