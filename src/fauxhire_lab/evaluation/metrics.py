"""Pure scoring functions: clustering agreement and ranking quality, on polars frames.

Clusterings come as a frame of items with a ``truth`` and a ``predicted`` label column (strings).
Everything is computed from the contingency table (how many items share a true and a predicted
label), one group-by, so two million items take a second rather than the 2·10¹² pairs that a
pairwise loop would visit.

Where a ratio has nothing to count (no predicted pairs, no items flagged), it is 1.0: nothing was
claimed, so nothing was wrong. The other half of the pair (recall) shows what was missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def to_json(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def ratio(part: float, whole: float) -> float:
    """``part / whole``, and 1.0 when there is nothing to count (see the module docstring)."""
    return part / whole if whole else 1.0


def singletons_for_nulls(labels: pl.Expr, prefix: str = "\x00singleton-") -> pl.Expr:
    """Each null label replaced by a label of its own, so an unassigned item is a cluster alone.

    The NUL prefix cannot occur in an id read from CSV or the store, so no real label collides.
    """
    own = pl.concat_str(pl.lit(prefix), pl.int_range(pl.len()).cast(pl.String))
    return pl.when(labels.is_null()).then(own).otherwise(labels)


def _contingency(items: pl.DataFrame) -> pl.DataFrame:
    """One row per (true, predicted) label pair: its count and the sizes of both clusters."""
    cells = items.group_by("truth", "predicted").agg(pl.len().alias("n"))
    return cells.with_columns(
        pl.col("n").sum().over("truth").alias("true_size"),
        pl.col("n").sum().over("predicted").alias("predicted_size"),
    )


def _pairs(count: pl.Expr) -> pl.Expr:
    c = count.cast(pl.Float64)  # Float64: n·(n-1)/2 summed over 2M items can pass Int32 range
    return c * (c - 1) / 2


def pairwise_scores(items: pl.DataFrame) -> PRF:
    """Precision and recall over pairs of items: a pair is positive when in one cluster."""
    if items.height == 0:
        return PRF(1.0, 1.0)
    cells = _contingency(items)
    together = cells.select(_pairs(pl.col("n")).sum()).item()
    predicted = (
        cells.group_by("predicted").agg(pl.col("n").sum()).select(_pairs(pl.col("n")).sum()).item()
    )
    true = cells.group_by("truth").agg(pl.col("n").sum()).select(_pairs(pl.col("n")).sum()).item()
    return PRF(ratio(together, predicted), ratio(together, true))


def bcubed_scores(items: pl.DataFrame) -> PRF:
    """B-cubed: per item, the share of its predicted cluster that is truly its cluster (precision)
    and the share of its true cluster found in its predicted one (recall), averaged over items."""
    if items.height == 0:
        return PRF(1.0, 1.0)
    cells = _contingency(items)
    n = pl.col("n").cast(pl.Float64)
    sums = cells.select(
        (n * n / pl.col("predicted_size")).sum().alias("precision"),
        (n * n / pl.col("true_size")).sum().alias("recall"),
    ).row(0)
    return PRF(sums[0] / items.height, sums[1] / items.height)


def average_precision_frame(ranked: pl.DataFrame) -> float | None:
    """Average precision of a ``score`` column against a boolean ``positive`` column.

    Items with equal scores enter together: at each distinct score, from the highest down,
    precision of everything at or above it is weighted by the recall it adds. This is the step
    function scikit-learn integrates; it does not reward an arbitrary order within a tie.
    None when there are no positives (recall is undefined).
    """
    positives = int(ranked.select(pl.col("positive").sum()).item() or 0)
    if positives == 0:
        return None
    steps = (
        ranked.group_by("score")
        .agg(pl.col("positive").sum().alias("tp"), pl.len().alias("n"))
        .sort("score", descending=True)
        .with_columns(pl.col("tp").cum_sum().alias("tp_at"), pl.col("n").cum_sum().alias("n_at"))
    )
    value = steps.select((pl.col("tp") / positives * pl.col("tp_at") / pl.col("n_at")).sum()).item()
    return float(value)


def average_precision(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """``average_precision_frame`` for plain sequences of equal length."""
    if len(scores) != len(positive):
        raise ValueError("scores and labels differ in length")
    frame = pl.DataFrame(
        {"score": list(scores), "positive": list(positive)},
        schema={"score": pl.Float64, "positive": pl.Boolean},
    )
    return average_precision_frame(frame)


def clustering(truth: Sequence[str], predicted: Sequence[str | None]) -> pl.DataFrame:
    """A ``truth``/``predicted`` frame from two label sequences; a None prediction is alone."""
    if len(truth) != len(predicted):
        raise ValueError("truth and prediction differ in length")
    frame = pl.DataFrame(
        {"truth": list(truth), "predicted": list(predicted)},
        schema={"truth": pl.String, "predicted": pl.String},
    )
    return frame.with_columns(singletons_for_nulls(pl.col("predicted")).alias("predicted"))
