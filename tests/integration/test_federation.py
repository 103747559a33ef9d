"""Federation (issue 19, item 5): the demo world split by company between two hubs, each a
real `fauxhire serve` on loopback with its own members' data, sharing one community key. Each
publishes its export, and pulls the other's collection through TAXII with a partner key.

What crossed is what the pulls kept (each hub's inbox): it holds no byte of the sending hub's
personal data, and every keyed hash in it is of a value only personas hold at the sender (no
legitimate applicant is disclosed, even hashed). With those hashes each hub finds, among its
own applicants, the personas that applied at both: precision 1.0 (only personas, only ones the
other hub shared) and recall at least 0.95 of the personas with a contact value at both hubs.
Then A rotates its key and publishes again: B, still on the old key, pulls hashes it cannot
match. A third hub without the key pulls too, and can match nothing."""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from test_serve import serving
from test_taxii import KEY, _publish, _scoped_partner

from fauxhire.enrich.keyed import keyed_hash
from fauxhire.enrich.pii import Sealer
from fauxhire.enrich.share_keys import ShareKey, ShareKeyring
from fauxhire.services.taxii import BY_TLP
from fauxhire.store import SqlStore
from support.personal_data import personal_values

KINDS = ("email", "phone", "github")
NEW_KEY = b"the community key after rotation"


def _fauxhire(*args: str, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "fauxhire.cli", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr


def _split(demo_world: Path, folder: Path, keep: set[str], env: dict[str, str]) -> str:
    """A hub: the demo world's store without the other hub's companies, linked and assessed."""
    folder.mkdir()
    shutil.copyfile(demo_world / "fauxhire.db", folder / "hub.db")
    url = f"sqlite:///{folder / 'hub.db'}"
    store = SqlStore.open(url)
    try:
        with store.transaction("test") as conn:
            others = [key for key, company in conn.exec_driver_sql(
                "SELECT key, company_id FROM applications") if company not in keep]  # fmt: skip
        store.erase_records(others, thorough=False, refused="held by the other hub")
    finally:
        store.close()
    _fauxhire("link", "--db", url, env=env)
    _fauxhire("assess", "--db", url, env=env)
    _publish(url, env, "amber")
    return url


def _values(url: str, sealer: Sealer) -> dict[tuple[str, str], set[str]]:
    """Each (kind, normalised value) the hub holds, with the applications holding it."""
    store = SqlStore.open(url, sealer=sealer)
    try:
        with store.transaction("test") as conn:
            rows = conn.exec_driver_sql(
                "SELECT v.kind, v.key, a.company_id, a.application_id FROM applicant_values v "
                "JOIN applications a ON a.id = v.app_ref WHERE v.kind IN ('email','phone','github')"
            ).all()
    finally:
        store.close()
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, key, company, application in rows:
        held[(kind, key)].add(f"{company}/{application}")
    return held


def _truth(demo_world: Path) -> dict[str, tuple[str, str]]:
    """Application (company/id) -> (true identity, population)."""
    with (demo_world / "truth" / "applications.csv").open(encoding="utf-8") as fh:
        return {f"{r['company_id']}/{r['application_id']}": (r["identity_id"], r["population"])
                for r in csv.DictReader(fh)}  # fmt: skip


def _crossed(inbox: Path) -> tuple[str, set[str]]:
    """Everything a hub pulled, as text, and the keyed hashes in it."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(inbox.rglob("*.stix.json")))
    return text, set(re.findall(r"hmac_sha256 = '([0-9a-f]{64})'", text))


def test_two_hubs_find_the_personas_that_applied_at_both_and_nothing_else(
    demo_world: Path, tmp_path: Path, pii_sealer: Sealer
) -> None:
    env = {**os.environ, "FAUXHIRE_COMMUNITY_KEY": KEY}
    companies = sorted({app.split("/")[0] for app in _truth(demo_world)})
    halves = {"a": set(companies[0::2]), "b": set(companies[1::2])}
    urls = {hub: _split(demo_world, tmp_path / hub, keep, env) for hub, keep in halves.items()}
    with (
        serving(tmp_path / "a", env, db=urls["a"]) as a,
        serving(tmp_path / "b", env, db=urls["b"]) as b,
    ):
        served = {"a": a, "b": b}
        pullers: dict[str, dict[str, str]] = {}
        for hub, other in (("a", "b"), ("b", "a"), ("c", "a")):
            collection = f"/taxii2/api/collections/{BY_TLP['amber'].id}/"
            feed = {"name": f"hub-{other}", "token_env": "FEED_TOKEN",
                    "url": served[other].base + collection}  # fmt: skip
            puller = env | {
                "FAUXHIRE_SHARE_FEEDS": json.dumps([feed]),
                "FEED_TOKEN": _scoped_partner(served[other]),
                "FAUXHIRE_SHARE_INBOX": str(tmp_path / hub / "inbox"),
            }  # fmt: skip
            if hub == "c":  # a hub that holds no key: it pulls, and can match nothing
                (tmp_path / "c").mkdir()
                shutil.copyfile(tmp_path / "b" / "hub.db", tmp_path / "c" / "hub.db")
                puller.pop("FAUXHIRE_COMMUNITY_KEY")
                _fauxhire("share", "pull", "--db", f"sqlite:///{tmp_path / 'c' / 'hub.db'}",
                          env=puller)  # fmt: skip
                continue
            _fauxhire("share", "pull", "--db", urls[hub], env=puller)
            pullers[hub] = puller

        # A rotates its community key (the old one matching a week more) and publishes again;
        # B, which has not rotated yet, pulls the new hashes and can match none of them.
        rotated = _rotated_keyring(tmp_path / "a" / "share-keys.json")
        _publish(urls["a"], env | {"FAUXHIRE_SHARE_KEYRING": str(rotated)}, "amber")
        _fauxhire("share", "pull", "--db", urls["b"], env=pullers["b"])

    truth = _truth(demo_world)
    held = {hub: _values(url, pii_sealer) for hub, url in urls.items()}
    digest = {hub: {keyed_hash(KEY.encode(), *value): value for value in values}
              for hub, values in held.items()}  # fmt: skip
    found: set[str] = set()
    for hub, sender in (("a", "b"), ("b", "a")):
        text, hashes = _crossed(tmp_path / hub / "inbox")
        assert hashes, f"hub {hub} received hashes"
        # Nothing of the sender's applicants in the clear, and no legitimate one even hashed.
        store = SqlStore.open(urls[sender], sealer=pii_sealer)
        try:
            needles = personal_values(store)
        finally:
            store.close()
        assert [n for n in needles if n in text.lower()] == []
        under = {keyed_hash(key, *v): v for key in (KEY.encode(), NEW_KEY) for v in held[sender]}
        disclosed = {app for h in hashes for app in held[sender][under[h]]}
        assert {truth[app][1] for app in disclosed} == {"dprk"}, "only personas, even hashed"
        # What the receiver finds among its own applicants: personas the sender shared.
        matched = {app for h in hashes if h in digest[hub] for app in held[hub][digest[hub][h]]}
        assert {truth[app][1] for app in matched} <= {"dprk"}
        assert {truth[app][0] for app in matched} <= {truth[app][0] for app in disclosed}
        found |= {truth[app][0] for app in matched}

    both = _personas_with_a_value_at_both(held, truth)
    assert both, "the split leaves personas with a contact value at both hubs"
    recall = len(found & both) / len(both)
    assert recall >= 0.95, (recall, sorted(both - found))

    # After A's rotation: B's second pull holds hashes under A's new key, which B cannot match.
    pulls = sorted((tmp_path / "b" / "inbox" / "hub-a").glob("*.stix.json"))
    assert len(pulls) == 2
    after_rotation = set(re.findall(r"hmac_sha256 = '([0-9a-f]{64})'", pulls[1].read_text()))
    assert after_rotation and "key_id = 'ck-2'" in pulls[1].read_text()
    assert not after_rotation & set(digest["b"]), "B, on the old key, matches none"

    # Hub C pulled A's hashes but holds no key: its assessment matches none of them.
    _, c_hashes = _crossed(tmp_path / "c" / "inbox")
    assert c_hashes and "(keyed hash)" not in _assessed_without_a_key(tmp_path / "c" / "hub.db")


def _rotated_keyring(path: Path) -> Path:
    """A's keyring after a rotation: the community key it shared with B, matching for a week
    more, and a new one that makes its hashes from now on."""
    now = datetime.now(UTC)
    old = ShareKey(key_id="ck-1", audience="community", added_at=now,
                   secret=base64.b64encode(KEY.encode()).decode())  # fmt: skip
    new = ShareKey(key_id="ck-2", audience="community", added_at=now,
                   secret=base64.b64encode(NEW_KEY).decode())  # fmt: skip
    ring = ShareKeyring().added(old, timedelta(days=7), now).added(new, timedelta(days=7), now)
    path.write_text(ring.model_dump_json(), encoding="utf-8")
    return path


def _personas_with_a_value_at_both(
    held: dict[str, dict[tuple[str, str], set[str]]], truth: dict[str, tuple[str, str]]
) -> set[str]:
    personas = set()
    for value in held["a"].keys() & held["b"].keys():
        owners = {truth[app] for hub in "ab" for app in held[hub][value]}
        for identity, population in owners:
            if population == "dprk":
                personas.add(identity)
    return personas


def _assessed_without_a_key(db: Path) -> str:
    """Hub C's evidence, as text, once assessed again after the pull, without a key."""
    env = {k: v for k, v in os.environ.items() if k != "FAUXHIRE_COMMUNITY_KEY"}
    url = f"sqlite:///{db}"
    _fauxhire("assess", "--db", url, env=env)
    return "".join(_assessments(url).values())


def _assessments(url: str) -> dict[str, Any]:
    store = SqlStore.open(url)
    try:
        with store.transaction("test") as conn:
            rows = conn.exec_driver_sql(
                "SELECT subject_id, evidence FROM assessments WHERE subject_kind = 'identity'"
            ).all()
    finally:
        store.close()
    return {identity: str(evidence) for identity, evidence in rows}
