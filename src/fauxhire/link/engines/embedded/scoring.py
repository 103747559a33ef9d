"""The embedded engine's scoring: each compared pair's match weight and probability.

Per comparison the model's weight of the pair's level, an exact agreement on a weighed value
adjusted by how rare the value is; their sum with the prior is the pair's log2 odds.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxhire.link.engine import level_column, tf_column, weight_column
from fauxhire.link.model import Model

Floats = npt.NDArray[np.float64]


def score(compared: pl.DataFrame, model: Model, at_least: float | None = None) -> pl.DataFrame:
    """The pairs with each comparison's weight (``w_<name>``), their sum with the prior
    (``weight``, log2 odds of a match) and the match ``probability``; with ``at_least``, only
    the pairs whose probability reaches it (the per-comparison weights of tens of millions of
    candidates that will not link are never built)."""
    total = np.full(compared.height, model.prior_weight)
    for _, weight in _weights(compared, model):
        total += weight
    if at_least is not None:
        keep = _probability(total) >= at_least
        compared, total = compared.filter(pl.Series(keep)), total[keep]
    parts = [pl.Series(name, weight) for name, weight in _weights(compared, model)]
    return compared.with_columns(
        *parts, pl.Series("weight", total), pl.Series("probability", _probability(total))
    )


def _weights(compared: pl.DataFrame, model: Model) -> Iterator[tuple[str, Floats]]:
    """Per comparison, its weight column's name and every pair's weight."""
    spec = model.spec
    for index, (comparison, table) in enumerate(
        zip(spec.comparisons, model.weight_table(), strict=True)
    ):
        levels = compared.get_column(level_column(comparison)).to_numpy().astype(np.intp)
        weight = table[levels + 1]
        name = tf_column(comparison)
        if comparison.term_frequency and name in compared.columns:
            # An exact agreement weighs log2(m / tf(value)) instead of log2(m / u): rarer
            # values than average say more, commoner ones less.
            tf = compared.get_column(name).fill_null(np.nan).to_numpy()
            top = (levels == comparison.levels) & ~np.isnan(tf)
            u_top = model.u[index][comparison.levels]
            floor = spec.probability_floor
            weight[top] += np.log2(u_top / np.clip(tf[top], floor, 1.0))
        yield weight_column(comparison), weight


def _probability(weight: Floats) -> Floats:
    return 1 / (1 + np.exp2(-np.clip(weight, -1000, 1000)))
