"""The detectors code supplies: each an observation an indicator of the ruleset can be built on.

A detector reads the facts (``assess/facts.py``) and returns, for every identity it fires on, a
strength in (0, 1] with the values and records that fired it. It never weighs: the ruleset
says how much each indicator counts. ``own`` detectors see one identity's own records;
``context`` detectors run after them and see the others' evidence (a network's, a referrer's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel

from fauxhire.assess.detectors import behavioural, context, firsthand, technical
from fauxhire.assess.facts import Facts


@dataclass(frozen=True, slots=True)
class Detector:
    name: str
    params: type[BaseModel]
    run: Callable[..., pl.DataFrame]  # (facts, params) or, for context, (facts, params, own)
    reads: tuple[str, ...]  # the facts columns it reads: the fairness test checks them
    stage: Literal["own", "context"] = "own"
    against: bool = False  # evidence against: its weight is <= 0

    @property
    def describe(self) -> str:
        return (self.run.__doc__ or "").strip()


def _from(module: Any) -> list[Detector]:
    return [
        Detector(name, entry.params, entry.run, entry.reads, entry.stage, entry.against)
        for name, entry in module.DETECTORS.items()
    ]


DETECTORS: dict[str, Detector] = {
    detector.name: detector
    for module in (technical, behavioural, firsthand, context)
    for detector in _from(module)
}


def run_detector(
    detector: Detector, facts: Facts, params: dict[str, Any], own: pl.DataFrame | None = None
) -> pl.DataFrame:
    parsed = detector.params.model_validate(params)
    if detector.stage == "context":
        return detector.run(facts, parsed, own)
    return detector.run(facts, parsed)
