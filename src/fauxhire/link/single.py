"""One record against a few, in plain code: the levels, weights and probability the embedded
engine gives the same pairs.

The engine compares millions of pairs as columns, and each of its polars and numpy operations
costs about 0.1 ms whatever its rows: scoring one candidate's dozen pairs that way is some
forty milliseconds of fixed cost. This module grades the same pairs one at a time, for a
service that screens a candidate while it waits. It is held to the engine by a test
(tests/integration/test_single_scorer.py) over every candidate pair of the demo world, so
the arithmetic follows the engine's step for step, its float32 steps and numpy's log2 and exp2
included (the same pair has the same weights and probability to the bit):

- a single value (the name) is missing when null or empty; equal values meet every threshold;
  others are graded by rapidfuzz in float32 against each threshold less 1e-6 (``comparison``);
- a list is missing when empty; overlap is one shared value; jaccard is |a & b| / |a | b|,
  counted, as the lists hold distinct values;
- an exact agreement on a weighed value adds log2(u / tf), tf that of the rarest shared value
  (``scoring``), a name's tf in float32 as the engine's codes carry it;
- a pair that fails a requirement is no candidate (``comparison.eligible``).

Pure; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fauxhire.link.model import Model
from fauxhire.link.similarity import SCORERS
from fauxhire.link.spec import MISSING, Comparison, LinkSpec

# A record as the engine's records frame holds it: column name to a value (single columns)
# or a sequence of distinct values (list columns); None where missing.
Record = Mapping[str, Any]
# Per weighed column, each value's share of the store's records (``term_frequencies``).
Frequencies = Mapping[str, Mapping[Any, float]]
# The tf of a pair's rarest shared value: float64 for a list, float32 for a name (the engine's
# dtypes, which its arithmetic keeps).
Rarity = float | np.float32 | None

_EPSILON = np.float32(1e-6)


@dataclass(frozen=True, slots=True)
class Scored:
    """One eligible pair: per comparison its level and weight, their sum with the prior
    (log2 odds of a match) and the match probability."""

    levels: tuple[int, ...]
    weights: tuple[float, ...]
    weight: float
    probability: float


class SingleScorer:
    """Scores pairs of records with a model, one pair at a time."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.spec: LinkSpec = model.spec
        self._table = [[float(w) for w in row] for row in model.weight_table()]
        self._lists = [c.column in self.spec.list_columns for c in self.spec.comparisons]
        self._index = {c.name: i for i, c in enumerate(self.spec.comparisons)}

    def score(self, a: Record, b: Record, frequencies: Frequencies) -> Scored | None:
        """The pair's score, or None when it fails a requirement of the spec."""
        levels: list[int] = []
        shared_tf: list[Rarity] = []
        for comparison, is_list in zip(self.spec.comparisons, self._lists, strict=True):
            tf = frequencies.get(comparison.column) if comparison.term_frequency else None
            if is_list:
                level, rarest = _list_level(a.get(comparison.column), b.get(comparison.column),
                                            comparison, tf)  # fmt: skip
            else:
                level, rarest = _single_level(
                    a.get(comparison.column), b.get(comparison.column), comparison, tf
                )
            levels.append(level)
            shared_tf.append(rarest)
        if not self._eligible(levels):
            return None
        weights = [self._weight(i, level, tf) for i, (level, tf) in
                   enumerate(zip(levels, shared_tf, strict=True))]  # fmt: skip
        total = self.model.prior_weight
        for weight in weights:
            total += weight
        # numpy's exp2, as the engine's: Python's 2.0 ** x differs from it in the last bit
        # for one weight in fifty, and a stored link's probability is compared to the bit.
        probability = float(1 / (1 + np.exp2(-min(max(total, -1000.0), 1000.0))))
        return Scored(tuple(levels), tuple(weights), total, probability)

    def links(self, score: Scored | None) -> bool:
        return score is not None and score.probability >= self.spec.threshold

    def _eligible(self, levels: Sequence[int]) -> bool:
        for requirement in self.spec.requirements:
            passes = False
            for name in requirement.any_of:
                level = levels[self._index[name]]
                if level >= requirement.min_level or (
                    requirement.missing_passes and level == MISSING
                ):
                    passes = True
                    break
            if not passes:
                return False
        return True

    def _weight(self, index: int, level: int, tf: Rarity) -> float:
        """As ``scoring._weights``: the level's weight, and at the top level of a weighed
        comparison log2(u / tf) more, in the engine's dtypes."""
        weight = self._table[index][level + 1]
        comparison = self.spec.comparisons[index]
        if tf is None or level != comparison.levels or math.isnan(tf):
            return weight
        u_top = self.model.u[index][comparison.levels]
        floor = self.spec.probability_floor
        if isinstance(tf, np.float32):  # numpy keeps float32 through the division and log
            return weight + float(np.log2(u_top / np.clip(tf, floor, 1.0)))
        # numpy's log2, as the engine's: math.log2 differs from it in the last bit for one
        # value in a thousand, and a stored link's score is compared to the bit.
        return weight + float(np.log2(u_top / min(max(tf, floor), 1.0)))


def _single_level(
    a: Any, b: Any, comparison: Comparison, tf: Mapping[Any, float] | None
) -> tuple[int, Rarity]:
    if a is None or b is None or a == "" or b == "":
        return MISSING, None
    if a == b:
        found = None if tf is None else tf.get(a)
        # The engine's codes carry a single value's tf in float32 (``vectors.Encoded``).
        return comparison.levels, None if found is None else np.float32(found)
    if comparison.method == "exact":
        return 0, None
    cutoff = min(comparison.thresholds) - 1e-6
    similarity = np.float32(SCORERS[comparison.method](a, b, score_cutoff=cutoff))
    level = sum(int(similarity >= np.float32(t) - _EPSILON) for t in comparison.thresholds)
    return level, None


def _list_level(
    a: Sequence[Any] | None, b: Sequence[Any] | None, comparison: Comparison,
    tf: Mapping[Any, float] | None,
) -> tuple[int, Rarity]:  # fmt: skip
    if not a or not b:
        return MISSING, None
    shared = set(a).intersection(b)
    if comparison.method == "overlap":
        level = int(bool(shared))
    else:
        share = len(shared) / (len(a) + len(b) - len(shared))
        level = sum(int(share >= t) for t in comparison.thresholds)
    if tf is None:
        return level, None
    known = [tf[value] for value in shared if value in tf]
    return level, min(known) if known else None
