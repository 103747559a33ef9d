"""The export as a MISP event (services/share_misp.py, the optional extra `misp`), on the
demo world's store: MISP's own library (PyMISP) reads the event; every indicator of the
STIX bundle is in it once, as a pattern MISP flags for detection; every persona and
network is a cluster of its own, with the sighting's counts and the analyst's finding; the
TLP tags the event; nothing ties it to MISP's threat-actor galaxy, where the Contagious
Interview campaign's synonyms live; and no byte of it is an applicant's personal data. The
command line and the API write it; without misp-stix they refuse before anything is
exported, and say how to install it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pymisp import MISPEvent
from test_identity_views import _fetch
from test_review_queue_api import _stored
from test_serve import serving
from test_share_export import KEY, NOW, SERVED_ENV, exported

from fauxhire.services import dispositions
from fauxhire.services.erasure import Actor
from fauxhire.services.share_export import ExportRequest, Sharer, export
from fauxhire.services.share_misp import _clusters, misp_event, misp_title
from fauxhire.store import SqlStore
from support.personal_data import personal_values

# MISP's threat-actor galaxy lists these as synonyms of Contagious Interview (issue 19).
CAMPAIGN_NAMES = ("contagious interview", "famous chollima", "unc5267", "wagemole")


def _bundle(store: SqlStore, **request: Any) -> dict[str, Any]:
    done = export(
        store, ExportRequest("misp sharing group 4", **request),
        Sharer("Test hub", KEY, "community-key-v1"), actor=Actor("ana"), now=NOW,
    )  # fmt: skip
    return done.bundle


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in bundle["objects"] if o["type"] == kind]


def test_every_indicator_persona_and_network_reaches_the_event(demo_store: SqlStore) -> None:
    first = sorted(a["name"] for a in _of(_bundle(demo_store), "threat-actor"))[0]
    confirmed = first.removeprefix("Applicant persona ")
    dispositions.dispose(
        demo_store, confirmed, "confirmed", analyst="ana", reason="payroll", now=NOW
    )
    bundle = _bundle(demo_store)
    converted = misp_event(bundle, title=misp_title(bundle))
    assert converted.converter_errors == ()

    event = MISPEvent()
    event.load(json.dumps(converted.event))  # MISP's own reading (its load consumes a dict)
    assert event.info.startswith("Test hub: ") and "human review" in event.info
    assert "tlp:amber" in {t.name for t in event.tags}
    patterns = [a for o in event.objects if o.name == "stix2-pattern"
                for a in o.attributes if a.object_relation == "stix2-pattern"]  # fmt: skip
    indicators = _of(bundle, "indicator")
    assert sorted(a.value for a in patterns) == sorted(i["pattern"] for i in indicators)
    assert all(a.to_ids for a in patterns)
    assert all("tlp:amber" in {t.name for t in a.tags} for a in patterns)

    clusters = {c["value"]: c for c in _clusters(converted.event)}
    personas = {a["name"] for a in _of(bundle, "threat-actor")}
    networks = {n["name"] for n in _of(bundle, "intrusion-set")}
    assert personas | networks == set(clusters) and networks
    assert {clusters[p]["type"] for p in personas} == {"stix-2.1-threat-actor"}
    assert {clusters[n]["type"] for n in networks} == {"stix-2.1-intrusion-set"}
    names = {a["id"]: a["name"] for a in _of(bundle, "threat-actor")}
    for sighting in _of(bundle, "sighting"):
        meta = clusters[names[sighting["sighting_of_ref"]]]["meta"]
        assert meta["applications"] == str(sighting["count"])
        assert meta["interviews"] == str(sighting["x_fauxhire_interviews"])
        assert meta["member-companies"] == str(sighting["x_fauxhire_companies"])
    finding = {p: clusters[p]["meta"].get("analyst-finding") for p in personas}
    assert finding == {p: ("confirmed 2026-12-01" if p == first else None) for p in personas}
    # Indicators point at their persona's cluster: a MISP user sees whose hash it is.
    on_patterns = {c["value"] for a in patterns for g in a.galaxies for c in g.clusters}
    indicated = {names[r["target_ref"]] for r in _of(bundle, "relationship")
                 if r["relationship_type"] == "indicates"}  # fmt: skip
    assert on_patterns == indicated

    text = json.dumps(converted.event).lower()
    assert "misp-galaxy:threat-actor" not in text
    assert [name for name in CAMPAIGN_NAMES if name in text] == []
    assert "payroll" not in text, "the analyst's reason stays at the hub"


def test_no_applicants_personal_data_is_in_the_event(demo_store: SqlStore) -> None:
    # The flagged personas' export: the bundle of every identity is scanned whole in
    # test_share_export.py; here, what the conversion adds to a bundle (misp-stix parses
    # every identity's patterns in some 25 s).
    bundle = _bundle(demo_store)
    raw = json.dumps(misp_event(bundle, title=misp_title(bundle)).event).lower()
    needles = personal_values(demo_store)
    assert len(needles) > 1000
    assert [n for n in needles if n in raw] == []


# misp-stix absent, as in an install without the extra: its import fails in this process.
_WITHOUT_MISP = (
    "import sys; sys.modules['misp_stix_converter'] = None; "
    "from fauxhire.cli import main; sys.argv[0] = 'fauxhire'; main()"
)


def test_the_command_line_writes_an_event_and_refuses_without_the_extra(
    demo_world: Path, tmp_path: Path
) -> None:
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "fauxhire.db")
    db = f"sqlite:///{tmp_path / 'fauxhire.db'}"
    out = tmp_path / "event.json"
    args = ["share", "export", "--out", str(out), "--purpose", "group 4", "--format", "misp",
            "--tlp", "green", "--db", db]  # fmt: skip
    env = {**os.environ, "FAUXHIRE_COMMUNITY_KEY": KEY.decode()}
    refused = subprocess.run([sys.executable, "-c", _WITHOUT_MISP, *args],
                             capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert refused.returncode != 0
    assert "pip install 'fauxhire[misp]'" in refused.stderr and not out.exists()
    store = SqlStore.open(db)
    try:
        assert [e for e in store.audit_trail() if e.event.action == "share:export"] == []
    finally:
        store.close()

    done = subprocess.run([sys.executable, "-m", "fauxhire.cli", *args],
                          capture_output=True, text=True, env=env, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr
    event = MISPEvent()
    event.load(json.loads(out.read_text(encoding="utf-8")))
    assert "tlp:green" in {t.name for t in event.tags}
    assert sum(o.name == "stix2-pattern" for o in event.objects) > 0


def test_the_api_answers_a_misp_event(tmp_path: Path) -> None:
    with serving(tmp_path, {**os.environ, **SERVED_ENV}) as server:
        _stored(server)
        analyst = server.key("--role", "analyst")
        media_type, answer = exported(server, analyst, {"purpose": "group 4", "format": "misp"})
        assert media_type == "application/json"
        raw = json.dumps(answer)
        event = MISPEvent()
        event.load(json.loads(raw))
        assert event.info.startswith("Hub X: ")
        assert {c["value"] for c in _clusters(json.loads(raw))} >= {"Applicant persona i-1"}
        status, raw, _ = _fetch(server, "/v1/share/exports", analyst,
                                {"purpose": "p", "format": "openioc"})  # fmt: skip
        assert status == 422 and json.loads(raw)["detail"][0]["loc"] == ["body", "format"]
