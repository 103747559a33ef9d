"""An applicant's identity assessed in plain Python (``services/assess_applicant.py``) is the
assessment ``assess_identities`` gives it, item for item.

On the demo world's store: every identity that is only an applicant, assessed in plain Python
(first, as it reads the stored assessment the other then rewrites), and those with evidence
and a sample of the rest by ``assess_identities``, one at a time, as screens assess them. The
same probability, level and evidence; the plain path declines every identity that is more
than an applicant. Then under a ruleset whose thresholds make each detector with a twin fire
on many of them, so that a twin that grades wrongly cannot hide behind detectors that never
fire. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import orjson
import pytest
import yaml

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.ports import AssessmentRow
from fauxhire.services.assess import load_ruleset
from fauxhire.services.assess_applicant import assess_applicant_identity
from fauxhire.services.assess_few import assess_identities
from fauxhire.store import SqlStore
from fauxhire_lab.world.feeds import COMMUNITY_KEY

NOW = datetime(2025, 7, 1, tzinfo=UTC)
TWINNED = ("application-volume", "offset-application-hours", "claimed-home-varies",
           "contact-switch", "partner-intel-match")  # fmt: skip


@pytest.fixture
def store(demo_store_url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(demo_store_url)
    try:
        yield opened
    finally:
        opened.close()


def _identities(store: SqlStore) -> list[str]:
    return sorted({a.subject_id for a in store.assessments("identity")})


def compare_applicant_assessments(
    store: SqlStore, ruleset: LoadedRuleset, every: int = 4
) -> tuple[list[AssessmentRow], int]:
    """Every applicant assessed in plain Python, and those with evidence and every
    ``every``-th of the rest by ``assess_identities`` too, one at a time as screens assess
    them: the two must agree. (All at once, one applicant's scope would hold another's
    namesakes, whose referrals of it the whole store reads and a screen carries.) The plain
    rows, and how many identities the store holds."""
    identities = _identities(store)
    plain = {}
    for identity in identities:
        done = assess_applicant_identity(
            store, identity, now=NOW, ruleset=ruleset, community_key=COMMUNITY_KEY
        )
        if done is not None:
            plain[identity] = done.row
    checked = [
        i for n, (i, row) in enumerate(plain.items()) if row.evidence != "[]" or n % every == 0
    ]
    differ = []
    for identity in checked:
        (expected,) = assess_identities(
            store, [identity], now=NOW, ruleset=ruleset, community_key=COMMUNITY_KEY
        ).rows  # an applicant is in no network: no network row
        row = plain[identity]
        if (
            row.level != expected.level
            or abs(row.probability - expected.probability) > 1e-12
            or orjson.loads(row.evidence) != orjson.loads(expected.evidence)
        ):
            differ.append((identity, row, expected))
    assert not differ, differ[:3]
    assert len(checked) > len(plain) / every
    return list(plain.values()), len(identities)


def fired_indicators(rows: list[AssessmentRow]) -> Counter[str]:
    return Counter(item["indicator"] for row in rows for item in orjson.loads(row.evidence))


@pytest.mark.parametrize("demo_store_url", ["sqlite", "postgresql"], indirect=True)
def test_applicants_are_assessed_as_the_detectors_assess_them(store: SqlStore) -> None:
    rows, everyone = compare_applicant_assessments(store, load_ruleset())
    assert 0.5 * everyone < len(rows) < everyone  # most are applicants; some are more
    assert sum(fired_indicators(rows).values()) > 0  # some evidence was compared, not only none


@pytest.mark.parametrize("demo_store_url", ["sqlite", "postgresql"], indirect=True)
def test_under_eager_thresholds_every_twin_fires_and_agrees(
    store: SqlStore, tmp_path: Path
) -> None:
    """Thresholds lowered so each twinned detector fires on many applicants, partly: strengths
    below 1, shares at their bounds, ties among countries."""
    default = resources.files("fauxhire.assess.rules") / "default.yaml"
    rules = yaml.safe_load(default.read_text(encoding="utf-8"))
    eager = {
        "application-volume": {"low": 2, "high": 5},
        "offset-application-hours": {"min_records": 1, "min_share": 0.1, "night_end": 12.0},
        "claimed-home-varies": {"min_share": 0.1},
        "contact-switch": {"min_each": 1},
    }
    for indicator in rules["indicators"]:
        indicator["params"] = {**indicator.get("params", {}), **eager.get(indicator["id"], {})}
    path = tmp_path / "eager.yaml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    rows, _ = compare_applicant_assessments(store, load_ruleset(path))
    fired = fired_indicators(rows)
    # The demo's applicants switch no contact detail, and no partner names them: the
    # validation world's do (test_validation_world.py), and test_applicant_partner.py.
    assert all(fired[i] >= 2 for i in TWINNED[:3]), fired
