"""Exporting flagged personas to partners as STIX 2.1 (services/share_export.py) on the demo
world's store: the bundle passes stix2-validator with no error, every reference in it
resolves, it says what the store holds (one persona an identity at `likely` or higher, the
applications it was seen at, keyed hashes a key holder can match), the same export twice is
the same bundle, the export is audited, and no byte of it is an applicant's personal data.
On members_world: a persona an analyst cleared is left out, and so is a value an identity
below the level holds too (it may be an innocent's)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from test_identity_views import _fetch
from test_review_queue_api import _stored
from test_serve import Server, serving

from fauxhire.enrich.keyed import keyed_hash
from fauxhire.errors import ConfigError, InvalidQuery
from fauxhire.ingest.stix_validation import object_checker
from fauxhire.services import dispositions
from fauxhire.services.erasure import Actor
from fauxhire.services.share_export import Exported, ExportRequest, Sharer, export
from fauxhire.store import SqlStore
from support.members_world import store_world
from support.personal_data import personal_values

KEY = b"demo-community-key-v1-DO-NOT-USE"  # the demo world's (fauxhire_lab.world.feeds)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
FLAGGED = ("likely", "very likely", "almost certain")


def _export(store: SqlStore, **request: Any) -> Exported:
    return export(
        store, ExportRequest("sharing agreement 7", **request),
        Sharer("Test hub", KEY, "community-key-v1"), actor=Actor("ana"), now=NOW,
    )  # fmt: skip


def _rows(store: SqlStore, sql: str) -> list[Any]:
    with store.transaction("test") as conn:
        return list(conn.execute(text(sql)))


def _by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_the_bundle_is_valid_stix_and_says_what_the_store_holds(demo_store: SqlStore) -> None:
    done = _export(demo_store)
    bundle = done.bundle
    # Each object as a partner's fauxhire checks it on ingest (stix2-validator, object by
    # object); the whole bundle by the validator's own command, in the CLI test below.
    checker = object_checker()
    assert [(o["id"], checker.check(o, "2.1")) for o in bundle["objects"]
            if checker.check(o, "2.1") is not None] == []  # fmt: skip

    ids = {o["id"] for o in bundle["objects"]}
    assert len(ids) == len(bundle["objects"]), "each object once"
    refs = [(o["id"], r) for o in bundle["objects"] for r in _refs(o)]
    assert [(source, ref) for source, ref in refs if ref not in ids] == []

    levels = ", ".join(f"'{level}'" for level in FLAGGED)
    flagged = {row[0] for row in _rows(
        demo_store, f"SELECT subject_id FROM assessments WHERE subject_kind = 'identity' "
              f"AND level IN ({levels})",
    )}  # fmt: skip
    actors = _by_type(bundle, "threat-actor")
    assert {a["name"].removeprefix("Applicant persona ") for a in actors} == flagged
    assert done.personas == len(flagged) > 0 and done.left_out_cleared == 0
    # One persona, checked against the store: its sighting's count and its hashes.
    persona = sorted(flagged)[0]
    (applications,) = _rows(
        demo_store, f"SELECT count(*) FROM links WHERE identity_id = '{persona}'"
    )[0]
    actor = next(a for a in actors if a["name"] == f"Applicant persona {persona}")
    sighting = next(s for s in _by_type(bundle, "sighting") if s["sighting_of_ref"] == actor["id"])
    assert sighting["count"] == applications
    indicated = {
        r["source_ref"] for r in _by_type(bundle, "relationship")
        if r["relationship_type"] == "indicates" and r["target_ref"] == actor["id"]
    }  # fmt: skip
    patterns = {i["pattern"] for i in _by_type(bundle, "indicator") if i["id"] in indicated}
    digests = {re.search(r"hmac_sha256 = '([0-9a-f]{64})'", p)[1] for p in patterns}  # type: ignore[index]
    held = _rows(demo_store, f"""
        SELECT v.kind, v.key FROM applicant_values v JOIN applications a ON a.id = v.app_ref
        JOIN links l ON l.app_key = a.key WHERE l.identity_id = '{persona}'
          AND v.kind IN ('email', 'phone', 'github', 'linkedin')""")  # fmt: skip
    assert digests and digests <= {keyed_hash(KEY, kind, key) for kind, key in held}

    assert _export(demo_store).bundle == bundle, "the same store exports the same bundle"
    event = demo_store.audit_trail()[-1].event
    assert (event.action, event.actor, event.purpose) == (
        "share:export",
        "ana",
        "sharing agreement 7",
    )
    assert f"count:personas={len(flagged)}" in event.records
    assert f"identity:{persona}" in event.records


def _refs(obj: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for name, value in obj.items():
        if name.endswith("_ref") and isinstance(value, str):
            found.append(value)
        elif name.endswith("_refs") and isinstance(value, list):
            found += value
    return found


def test_no_applicants_personal_data_leaves(demo_store: SqlStore) -> None:
    """Every e-mail, phone, name, address and profile the store holds, as presented and as
    normalised, and every name and work account of a hire, looked for in the bundle's bytes."""
    raw = json.dumps(_export(demo_store, min_level="almost no chance").bundle).lower()
    needles = personal_values(demo_store)
    assert len(needles) > 1000
    assert [n for n in needles if n in raw] == []


def test_a_cleared_persona_and_a_value_an_innocent_holds_are_not_shared(tmp_path: Path) -> None:
    """members_world: i-1, i-2 and i-3 are flagged; i-4 (unlikely) shares a phone of i-1's."""
    store = SqlStore.open(f"sqlite:///{tmp_path / 'members.db'}")
    try:
        store_world(store)
        bundle = _export(store).bundle
        digests = " ".join(i["pattern"] for i in _by_type(bundle, "indicator"))
        assert keyed_hash(KEY, "phone", "+15550100") in digests  # i-1's own
        assert keyed_hash(KEY, "phone", "+15550101") not in digests  # i-4 holds it too
        assert keyed_hash(KEY, "email", "kim.r@example.net") not in digests  # i-4's
        actors = {a["name"] for a in _by_type(bundle, "threat-actor")}
        assert "Applicant persona i-3" in actors

        dispositions.dispose(store, "i-3", "cleared", analyst="ana", reason="checked", now=NOW)
        dispositions.dispose(store, "i-1", "confirmed", analyst="ana", reason="payroll", now=NOW)
        done = _export(store)
        actors = {a["name"] for a in _by_type(done.bundle, "threat-actor")}
        assert "Applicant persona i-3" not in actors and done.left_out_cleared == 1
        (opinion,) = _by_type(done.bundle, "opinion")
        assert opinion["opinion"] == "strongly-agree" and "payroll" not in json.dumps(opinion)
    finally:
        store.close()


def test_a_bad_request_or_no_key_is_refused(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'members.db'}")
    try:
        store_world(store)
        with pytest.raises(InvalidQuery) as level:
            _export(store, min_level="probable")
        assert level.value.detail["field"] == "min_level"
        with pytest.raises(InvalidQuery) as tlp:
            _export(store, tlp="white")
        assert tlp.value.detail["field"] == "tlp"
        with pytest.raises(ConfigError, match="community key"):
            export(store, ExportRequest("p"), Sharer("h", None, "k"), actor=Actor("ana"), now=NOW)
        assert store.audit_trail() == [], "a refused export records nothing"
    finally:
        store.close()


def test_the_command_line_writes_a_bundle_the_validator_passes(
    demo_world: Path, tmp_path: Path
) -> None:
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "fauxhire.db")
    out = tmp_path / "bundle.json"
    db = f"sqlite:///{tmp_path / 'fauxhire.db'}"
    command = [
        sys.executable, "-m", "fauxhire.cli", "share", "export", "--out", str(out),
        "--purpose", "agreement 7", "--tlp", "green", "--db", db,
    ]  # fmt: skip
    env = {name: v for name, v in os.environ.items() if name != "FAUXHIRE_COMMUNITY_KEY"}
    refused = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode != 0 and "needs the community key" in refused.stderr
    assert not out.exists()
    env["FAUXHIRE_COMMUNITY_KEY"] = KEY.decode()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"wrote \d+ personas", done.stderr)
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert _by_type(bundle, "marking-definition")[0]["name"] == "TLP:GREEN"
    # The whole bundle, by stix2-validator's own command, in a process of its own.
    validator = Path(sys.executable).with_name("stix2_validator")
    checked = subprocess.run([str(validator), "--version", "2.1", str(out)],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert checked.returncode == 0, checked.stdout[-2000:]
    assert "[X]" not in checked.stdout and "STIX JSON: Valid" in checked.stdout
    # A partner's fauxhire ingests it whole: nothing quarantined, every indicator kept.
    partner = f"sqlite:///{tmp_path / 'partner.db'}"
    ingest = [sys.executable, "-m", "fauxhire.cli", "ingest", "stix", str(out), "--db", partner]
    taken = subprocess.run(ingest, capture_output=True, text=True, env=env, timeout=120)
    assert taken.returncode == 0, taken.stderr
    store = SqlStore.open(partner)
    try:
        assert store.count("quarantine") == 0
        assert store.count("indicators") == len(_by_type(bundle, "indicator"))
    finally:
        store.close()


SERVED_ENV = {"FAUXHIRE_COMMUNITY_KEY": KEY.decode(), "FAUXHIRE_SHARE_PRODUCER": "Hub X"}


def exported(server: Server, token: str, body: dict[str, Any]) -> tuple[str, Any]:
    """The media type and the parsed body of an export over the API."""
    asked = urllib.request.Request(
        server.base + "/v1/share/exports", data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(asked, timeout=60) as answer:
        return answer.headers["Content-Type"], json.loads(answer.read())


def test_the_api_exports_for_the_hubs_analyst_only(tmp_path: Path) -> None:
    with serving(tmp_path, {**os.environ, **SERVED_ENV}) as server:
        _stored(server)
        analyst = server.key("--role", "analyst")
        media_type, bundle = exported(server, analyst, {"purpose": "pact 3"})
        assert media_type == "application/stix+json;version=2.1"
        assert _by_type(bundle, "identity")[0]["name"] == "Hub X"
        assert {a["name"] for a in _by_type(bundle, "threat-actor")} >= {"Applicant persona i-1"}
        for role, member in (("member_analyst", "acme"), ("recruiter", "acme"), ("partner", None)):
            grant = ("--role", role, *(("--member", member) if member else ()))
            asked = _fetch(server, "/v1/share/exports", server.key(*grant), {"purpose": "p"})
            assert asked[0] == 403, role
        status, raw, _ = _fetch(server, "/v1/share/exports", analyst,
                                {"purpose": "p", "tlp": "white"})  # fmt: skip
        assert status == 422 and json.loads(raw)["detail"][0]["loc"] == ["body", "tlp"]
        admin = server.key("--role", "admin")
        trail = server.get("/v1/audit?subject=share", admin)[1]["events"]
        assert [(e["action"], e["purpose"], e["role"]) for e in trail] == [
            ("share:export", "pact 3", "analyst")
        ]
