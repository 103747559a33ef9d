"""Do the assessed probabilities mean what they say? Calibration of the detection stage.

Over identities with a ``score`` (the probability the stage gave them) and a boolean
``positive``: the Brier score (the mean of (probability - outcome)², 0 is perfect), a
reliability table of ten equal-width bins [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0] (1.0 falls in
the last), the expected calibration error (the gap between a bin's mean probability and its
observed positive rate, weighted by how many identities the bin holds, over the bins that hold
any), and the same table per ICD 203 estimative level (docs/formats.md section 11). An empty bin has
no mean and no rate (None), not zeros. Each table is one group-by, so a million identities take
a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from fauxhire.domain.levels import ESTIMATIVE_TERMS, level_floor

BIN_EDGES = tuple(i / 10 for i in range(11))
LEVEL_EDGES = (*(level_floor(term) for term in ESTIMATIVE_TERMS), 1.0)


@dataclass(frozen=True, slots=True)
class Reliability:
    """The identities given a probability in [low, high): how many, their mean probability and
    the share of them that are positive (both None when there are none)."""

    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_predicted": self.mean_predicted,
            "observed": self.observed,
        }


@dataclass(frozen=True, slots=True)
class Calibration:
    brier: float | None  # None of no identities
    expected_calibration_error: float | None
    bins: tuple[Reliability, ...]  # the ten equal-width bins, lowest first
    by_level: dict[str, Reliability]  # every estimative term, lowest first

    def to_json(self) -> dict[str, Any]:
        return {
            "brier": self.brier,
            "expected_calibration_error": self.expected_calibration_error,
            "reliability": [row.to_json() for row in self.bins],
            "reliability_by_level": [
                {"level": level, **row.to_json()} for level, row in self.by_level.items()
            ],
        }


def calibration(scored: pl.DataFrame) -> Calibration:
    """Calibration of a ``score`` column (probabilities) against a boolean ``positive`` one."""
    outcome = pl.col("positive").cast(pl.Float64)
    brier = scored.select(((pl.col("score") - outcome) ** 2).mean()).item()
    table = _reliability(scored, BIN_EDGES)
    gap = (pl.col("mean_predicted") - pl.col("observed")).abs()
    ece = table.select((pl.col("count") * gap).sum() / pl.col("count").sum()).item()
    levels = _reliability(scored, LEVEL_EDGES)
    return Calibration(
        brier=brier,
        expected_calibration_error=ece if scored.height else None,
        bins=_rows(table),
        by_level=dict(zip(ESTIMATIVE_TERMS, _rows(levels), strict=True)),
    )


def _reliability(scored: pl.DataFrame, edges: Sequence[float]) -> pl.DataFrame:
    """One row per bin between consecutive ``edges`` (each bin closed below, the last closed
    above too): ``low``, ``high``, ``count``, ``mean_predicted``, ``observed``."""
    inner = edges[1:-1]
    index = pl.sum_horizontal(*(pl.col("score") >= edge for edge in inner))
    grouped = scored.group_by(index.cast(pl.Int64).alias("bin")).agg(
        pl.len().alias("count"),
        pl.col("score").mean().alias("mean_predicted"),
        pl.col("positive").cast(pl.Float64).mean().alias("observed"),
    )
    bins = pl.DataFrame(
        {"bin": range(len(edges) - 1), "low": edges[:-1], "high": edges[1:]},
        schema={"bin": pl.Int64, "low": pl.Float64, "high": pl.Float64},
    )
    return (
        bins.join(grouped, on="bin", how="left")
        .sort("bin")
        .with_columns(pl.col("count").fill_null(0))
    )


def _rows(table: pl.DataFrame) -> tuple[Reliability, ...]:
    return tuple(
        Reliability(r["low"], r["high"], r["count"], r["mean_predicted"], r["observed"])
        for r in table.iter_rows(named=True)
    )
