"""Each detector reads only what its ``reads`` says: with every other facts column blanked, it
fires on the same identities with the same strengths, values and sources. The fairness test
and `fauxhire rules docs` rely on those lists, so they must be whole."""

from __future__ import annotations

import polars as pl
import pytest

from fauxhire.assess.detectors import DETECTORS, run_detector
from fauxhire.assess.facts import SCHEMAS, Facts
from fauxhire.assess.ruleset import Indicator
from fauxhire.assess.score import assess
from fauxhire.services.assess import load_ruleset

RULESET = load_ruleset()


@pytest.fixture(scope="module")
def facts(demo_facts: Facts) -> Facts:
    return demo_facts


def _blanked(facts: Facts, reads: tuple[str, ...]) -> Facts:
    """``facts`` with every column a detector does not say it reads set to null
    (``identity_id``, which every frame is keyed by, kept)."""
    kept = {tuple(entry.split(".", 1)) for entry in reads}
    frames = {}
    for name, schema in SCHEMAS.items():
        frame: pl.DataFrame = getattr(facts, name)
        frames[name] = frame.with_columns(
            pl.lit(None, dtype).alias(column)
            for column, dtype in schema.items()
            if column != "identity_id" and (name, column) not in kept
        )
    return Facts.make(**frames)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("identity_id")


@pytest.mark.parametrize("indicator", RULESET.ruleset.active, ids=lambda i: i.id)
def test_a_detector_reads_only_what_it_says(facts: Facts, indicator: Indicator) -> None:
    detector = DETECTORS[indicator.detector]
    own = assess(facts, RULESET).first_pass if detector.stage == "context" else None
    full = run_detector(detector, facts, indicator.params, own)
    if full.height == 0:
        pytest.skip(f"{indicator.id} fires on no one in this world: its reads are not tested")
    blanked = run_detector(detector, _blanked(facts, detector.reads), indicator.params, own)
    assert _sorted(blanked).equals(_sorted(full)), indicator.detector
