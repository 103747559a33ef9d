"""Partner indicators that name an applicant reach its plain-Python assessment as they reach
the detectors' (``services/assess_applicant.py``): an e-mail given in a partner's own case,
a phone by its keyed hash under the community key, one indicator expired.

On a copy of the demo world's store, a STIX bundle naming three applicants is ingested as
partner intelligence (``fauxhire ingest stix``); every applicant is then assessed
both ways (test_applicant_assessment.py) and partner-intel-match fires on the three.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_applicant_assessment import compare_applicant_assessments, fired_indicators
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.enrich.keyed import keyed_hash
from fauxhire.services.assess import load_ruleset
from fauxhire.store import SqlStore
from fauxhire_lab.world.feeds import COMMUNITY_KEY


def _indicator(number: int, pattern: str, until: str, confidence: int) -> dict[str, object]:
    return {
        "type": "indicator", "spec_version": "2.1", "pattern_type": "stix",
        "id": f"indicator--00000000-0000-4000-8000-{number:012d}",
        "created": "2025-04-08T10:00:00.000Z", "modified": "2025-04-08T10:00:00.000Z",
        "valid_from": "2025-04-08T10:00:00.000Z", "valid_until": until,
        "confidence": confidence, "indicator_types": ["attribution"], "pattern": pattern,
    }  # fmt: skip


def test_partner_matches_reach_the_plain_assessment(demo_world: Path, tmp_path: Path) -> None:
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "store.db")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    store = SqlStore.open(db)
    try:
        chosen = _applicants_with(store, ("email", "phone"), 3)
    finally:
        store.close()
    (email_a, _), (email_b, _), (_, phone_c) = chosen
    bundle = {
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-000000000001",
        "objects": [
            _indicator(1, f"[email-addr:value = '{email_a.upper()}']", "2030-01-01T00:00:00Z", 80),
            _indicator(2, f"[email-addr:value = '{email_b}']", "2025-05-01T00:00:00Z", 90),
            _indicator(
                3,
                f"[hashed-identifier:hmac_sha256 = '{keyed_hash(COMMUNITY_KEY, 'phone', phone_c)}'"
                " AND hashed-identifier:identifier_type = 'phone']",
                "2030-01-01T00:00:00Z",
                60,
            ),
        ],
    }
    intel = tmp_path / "intel" / "partner.json"
    intel.parent.mkdir()
    intel.write_text(json.dumps(bundle), encoding="utf-8")
    done = CliRunner().invoke(app, ["ingest", "stix", str(intel), "--db", db])
    assert done.exit_code == 0, done.output
    store = SqlStore.open(db)
    try:
        rows, _ = compare_applicant_assessments(store, load_ruleset())
    finally:
        store.close()
    assert fired_indicators(rows)["partner-intel-match"] == 3


def _applicants_with(store: SqlStore, kinds: tuple[str, ...], count: int) -> list[tuple[str, str]]:
    """(email, phone) of ``count`` applicant-only identities that gave both."""
    found = []
    for assessed in store.assessments("identity"):
        rows = store.applicant_rows(assessed.subject_id)
        if rows is None:
            continue
        given = {kind: key for _, kind, key in rows.contacts if kind in kinds}
        if len(given) == len(kinds):
            found.append((given["email"], given["phone"]))
        if len(found) == count:
            return found
    raise AssertionError("the demo world has too few applicants with an e-mail and a phone")
