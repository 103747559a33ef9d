"""An ``own`` detector whose every read frame is empty fires on no one, whatever the other
frames hold: ``run_detector`` skips it then (``nothing_to_read``), so this must hold for each
detector, as written, not as skipped."""

from __future__ import annotations

import pytest

from fauxhire.assess.detectors import DETECTORS, nothing_to_read, run_detector
from fauxhire.assess.facts import SCHEMAS, Facts
from fauxhire.assess.ruleset import Indicator
from fauxhire.services.assess import load_ruleset

RULESET = load_ruleset()
OWN = [i for i in RULESET.ruleset.active if DETECTORS[i.detector].stage == "own"]


@pytest.fixture(scope="module")
def facts(demo_facts: Facts) -> Facts:
    return demo_facts


def _emptied(facts: Facts, reads: tuple[str, ...]) -> Facts:
    """``facts`` with the frames named in ``reads`` emptied and every other kept whole."""
    read = {entry.split(".", 1)[0] for entry in reads}
    return Facts.make(
        **{
            name: getattr(facts, name).head(0) if name in read else getattr(facts, name)
            for name in SCHEMAS
        }
    )


@pytest.mark.parametrize("indicator", OWN, ids=lambda i: i.id)
def test_a_detector_with_nothing_to_read_fires_on_no_one(
    facts: Facts, indicator: Indicator
) -> None:
    detector = DETECTORS[indicator.detector]
    emptied = _emptied(facts, detector.reads)
    assert nothing_to_read(detector, emptied)
    parsed = detector.params.model_validate(indicator.params)
    assert detector.run(emptied, parsed).height == 0, indicator.detector


@pytest.mark.parametrize("indicator", OWN, ids=lambda i: i.id)
def test_a_detector_with_something_to_read_runs(facts: Facts, indicator: Indicator) -> None:
    """The skip is only for empty frames: on the demo world's facts each detector gives what
    it gives when run directly."""
    detector = DETECTORS[indicator.detector]
    parsed = detector.params.model_validate(indicator.params)
    direct = detector.run(facts, parsed).sort("identity_id")
    assert run_detector(detector, facts, indicator.params).sort("identity_id").equals(direct)
