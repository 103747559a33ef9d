"""The TAXII 2.1 server of `fauxhire serve` (api/taxii.py), pulled by taxii2-client, over a
copy of the demo world's store published with `fauxhire share publish`: a partner finds the
API root and the collections its key's TLP scope allows, pages through every object once,
asks only for what was added after its last pull, and the manifest agrees; what it may not
read is a 404, a member's role a 403, no key a 401, a wrong Accept a 406; each page read is
audited; and no byte of any answer is an applicant's personal data."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from taxii2client.v21 import Collection, Server, as_pages
from test_serve import Server as Served
from test_serve import serving

from fauxhire.enrich.pii import Sealer
from fauxhire.services.taxii import BY_TLP
from fauxhire.store import SqlStore
from support.personal_data import personal_values

KEY = "demo-community-key-v1-DO-NOT-USE"
TAXII = "application/taxii+json;version=2.1"


class Bearer(requests.auth.AuthBase):
    """The partner's key, as every caller of the service sends it."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@pytest.fixture
def hub(demo_world: Path, tmp_path: Path) -> Iterator[Served]:
    """`fauxhire serve` over a copy of the demo world, its export published at TLP:AMBER."""
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "hub.db")
    env = {**os.environ, "FAUXHIRE_COMMUNITY_KEY": KEY}
    db = f"sqlite:///{tmp_path / 'hub.db'}"
    _publish(db, env, "amber")
    with serving(tmp_path, env, db=db) as served:
        yield served


def _publish(db: str, env: dict[str, str], tlp: str) -> None:
    command = [sys.executable, "-m", "fauxhire.cli", "share", "publish", "--purpose",
               "community agreement 2", "--tlp", tlp, "--db", db]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr


def _collection(hub: Served, token: str, tlp: str) -> Collection:
    root = Server(f"{hub.base}/taxii2/", auth=Bearer(token)).api_roots[0]
    return next(c for c in root.collections if c.id == BY_TLP[tlp].id)


def _held(hub: Served) -> list[tuple[str, str]]:
    store = SqlStore.open(hub.db)
    try:
        with store.transaction("test") as conn:
            rows = conn.exec_driver_sql(
                "SELECT object_id, date_added FROM shared_objects WHERE collection_id = ? "
                "ORDER BY date_added, seq", (BY_TLP["amber"].id,),
            )  # fmt: skip
            return [(str(a), str(b)) for a, b in rows]
    finally:
        store.close()


def test_a_partner_pages_through_the_collection_and_pulls_what_is_new(hub: Served) -> None:
    partner = hub.key("--role", "partner")
    scoped = _scoped_partner(hub)
    root = Server(f"{hub.base}/taxii2/", auth=Bearer(partner)).api_roots[0]
    assert [c.title for c in root.collections] == [
        "fauxhire community, TLP:CLEAR", "fauxhire community, TLP:GREEN"
    ]  # fmt: skip
    amber = _collection(hub, scoped, "amber")
    assert (amber.can_read, amber.can_write) == (True, False)

    held = [object_id for object_id, _ in _held(hub)]
    pages = list(as_pages(amber.get_objects, per_request=40))
    pulled = [o["id"] for page in pages for o in page["objects"]]
    assert sorted(pulled) == sorted(held) and len(set(pulled)) == len(pulled)
    assert len(pages) == math.ceil(len(held) / 40) and pages[-1]["more"] is False
    manifest = [m["id"] for page in as_pages(amber.get_manifest, per_request=100)
                for m in page["objects"]]  # fmt: skip
    assert manifest == pulled
    last = pages[-1]["objects"][-1]["id"]
    added = dict(_held(hub))[last]

    # An analyst confirms a persona; the next publication adds its opinion, and only that.
    persona = next(o for o in pulled if o.startswith("threat-actor--"))
    actor = next(o for p in pages for o in p["objects"] if o["id"] == persona)
    identity = actor["name"].removeprefix("Applicant persona ")
    env = {**os.environ, "FAUXHIRE_COMMUNITY_KEY": KEY}
    confirm = [sys.executable, "-m", "fauxhire.cli", "disposition", "confirm", identity,
               "--reason", "payroll checked", "--db", hub.db]  # fmt: skip
    assert subprocess.run(confirm, capture_output=True, env=env, timeout=120).returncode == 0
    _publish(hub.db, env, "amber")
    since = amber.get_objects(added_after=_rfc3339(added))
    assert [o["type"] for o in since["objects"]] == ["opinion"]
    assert since["objects"][0]["object_refs"] == [persona]
    manifest_since = amber.get_manifest(added_after=_rfc3339(added))
    assert [m["id"] for m in manifest_since["objects"]] == [since["objects"][0]["id"]]


def _scoped_partner(hub: Served) -> str:
    """A partner key cleared for TLP:AMBER (the scope is given at creation)."""
    from datetime import UTC, datetime

    from fauxhire.services.keys import create_key

    store = SqlStore.open(hub.db)
    try:
        made = create_key(store, name="isac", role="partner", scopes=("tlp:amber",),
                          created_by="test", now=datetime.now(UTC))  # fmt: skip
    finally:
        store.close()
    return made.token


def _rfc3339(stored: str) -> str:
    """A time as the store prints it, as TAXII's added_after takes it."""
    return stored.replace(" ", "T").split("+")[0] + "Z"


def test_what_a_caller_may_not_read_is_refused_and_reads_are_audited(hub: Served) -> None:
    partner = hub.key("--role", "partner")
    scoped = _scoped_partner(hub)
    amber = f"/taxii2/api/collections/{BY_TLP['amber'].id}/objects/"
    status, body, _ = _get(hub, amber, partner)
    assert (status, body["http_status"]) == (404, "404"), "beyond the key's TLP scope"
    assert _get(hub, amber, hub.key("--role", "recruiter", "--member", "acme"))[0] == 403
    assert _get(hub, amber, None)[0] == 401
    status, body, _ = _get(hub, amber, scoped, accept="application/json")
    assert (status, body["title"]) == (406, "Not acceptable")
    assert _get(hub, amber + "?next=not-ours", scoped)[0] == 400
    assert _get(hub, amber + "?added_after=yesterday", scoped)[0] == 400
    status, body, headers = _get(hub, amber + "?limit=5", scoped)
    assert status == 200 and body["more"] is True and len(body["objects"]) == 5
    assert headers["content-type"] == TAXII
    assert headers["x-taxii-date-added-first"] <= headers["x-taxii-date-added-last"]
    status, body, _ = _get(hub, amber + "?match[type]=threat-actor,intrusion-set", scoped)
    assert {o["type"] for o in body["objects"]} == {"threat-actor", "intrusion-set"}

    admin = hub.key("--role", "admin")
    events = hub.get(f"/v1/audit?subject=collection:{BY_TLP['amber'].id}", admin)[1]["events"]
    assert [(e["action"], e["role"], e["records"]) for e in events] == [
        ("taxii:objects", "partner", ["count:objects=5"]),
        ("taxii:objects", "partner", [f"count:objects={len(body['objects'])}"]),
    ]  # the refused reads read nothing


def _get(
    hub: Served, path: str, token: str | None, accept: str = TAXII
) -> tuple[int, dict[str, Any], dict[str, str]]:
    headers = {"Accept": accept} | ({"Authorization": f"Bearer {token}"} if token else {})
    answer = requests.get(hub.base + path, headers=headers, timeout=30)
    return answer.status_code, answer.json(), {k.lower(): v for k, v in answer.headers.items()}


def test_no_answer_holds_personal_data(hub: Served, pii_sealer: Sealer) -> None:
    scoped = _scoped_partner(hub)
    raw = ""
    for path in ("/taxii2/", "/taxii2/api/", "/taxii2/api/collections/"):
        raw += requests.get(hub.base + path, headers={"Accept": TAXII, "Authorization":
                            f"Bearer {scoped}"}, timeout=30).text  # fmt: skip
    amber = _collection(hub, scoped, "amber")
    for page in as_pages(amber.get_objects, per_request=100):
        raw += str(page)
    for page in as_pages(amber.get_manifest, per_request=100):
        raw += str(page)
    store = SqlStore.open(hub.db, sealer=pii_sealer)
    try:
        needles = personal_values(store)
    finally:
        store.close()
    assert len(needles) > 1000 and "threat-actor--" in raw
    assert [n for n in needles if n in raw.lower()] == []
