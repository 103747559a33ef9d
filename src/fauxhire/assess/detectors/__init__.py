"""The detectors code supplies: each an observation an indicator of the ruleset can be built on.

A detector reads the facts (``assess/facts.py``) and returns, for every identity it fires on, a
strength in (0, 1] with the values and records that fired it. It never weighs: the ruleset
says how much each indicator counts. ``own`` detectors see one identity's own records;
``context`` detectors run after them and see the others' evidence (a network's, a referrer's).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from fauxhire.assess.detectors import behavioural, context, egress, firsthand, technical
from fauxhire.assess.detectors._base import Entry as Detector
from fauxhire.assess.facts import FIRED_SCHEMA, Facts

__all__ = ["DETECTORS", "Detector", "nothing_to_read", "run_detector"]

DETECTORS: dict[str, Detector] = {
    name: detector
    for module in (egress, technical, behavioural, firsthand, context)
    for name, detector in module.DETECTORS.items()
}


def run_detector(
    detector: Detector, facts: Facts, params: dict[str, Any], own: pl.DataFrame | None = None
) -> pl.DataFrame:
    parsed = detector.params.model_validate(params)
    if detector.stage == "context":
        return detector.run(facts, parsed, own)
    if nothing_to_read(detector, facts):
        return pl.DataFrame(schema=FIRED_SCHEMA)
    return detector.run(facts, parsed)


def nothing_to_read(detector: Detector, facts: Facts) -> bool:
    """Whether every frame an ``own`` detector reads is empty, so that it fires on no one
    (``tests/integration/test_detectors_empty.py`` holds each to that). A screen assesses a
    few identities, most of them with no meeting, sign-in, hire or report: their detectors
    were a third of its time, each some dozen polars operations over no rows."""
    frames = {entry.split(".", 1)[0] for entry in detector.reads}
    return all(getattr(facts, frame).height == 0 for frame in frames)
