"""The Fellegi-Sunter model: how much each comparison level says for or against a match.

For every comparison level, m is its probability among true matches and u among non-matches;
its match weight is log2(m / u), summed over comparisons with the prior odds to a pair's total.
u comes from pairs drawn at random (nearly all non-matches); m and the share of matches among
candidate pairs (lambda) come from expectation-maximisation over the candidate pairs. Both work
on counts of level patterns, not on pairs, so this module never sees a record and runs the same
whatever engine counted the patterns.

Pure numpy; no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fauxhire.link.spec import MISSING, LinkSpec

Levels = npt.NDArray[np.int8]  # patterns x comparisons, MISSING where a side has no value
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Model:
    """Estimated m and u per comparison level (index 0 = disagree), and lambda."""

    spec: LinkSpec
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    match_share: float  # lambda: the share of matches among candidate pairs
    iterations: int
    # The probability that two records drawn at random match: the prior a pair's weights
    # start from. Not lambda: candidate pairs are chosen for agreeing, and a prior taken from
    # them would let weak agreements (a staffing agency's shared phone) link strangers.
    pair_prior: float

    @property
    def prior_weight(self) -> float:
        return math.log2(self.pair_prior / (1 - self.pair_prior))

    def weight(self, comparison: int, level: int) -> float:
        """log2(m / u) of one level; 0 when a side is missing."""
        if level == MISSING:
            return 0.0
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def weight_table(self) -> list[Floats]:
        """Per comparison, the weight of each level, indexed level + 1 (MISSING at 0)."""
        return [
            np.array([self.weight(index, level) for level in range(MISSING, len(m))])
            for index, m in enumerate(self.m)
        ]

    def to_json(self) -> dict[str, object]:
        return {
            "spec": self.spec.name,
            "version": self.spec.version,
            "match_share": self.match_share,
            "pair_prior": self.pair_prior,
            "iterations": self.iterations,
            "comparisons": {
                c.name: {"m": list(m), "u": list(u)}
                for c, m, u in zip(self.spec.comparisons, self.m, self.u, strict=True)
            },
        }

    @classmethod
    def from_json(cls, spec: LinkSpec, data: dict[str, object]) -> Model:
        comparisons = data["comparisons"]
        assert isinstance(comparisons, dict)
        share, prior = data["match_share"], data["pair_prior"]
        iterations = data["iterations"]
        assert isinstance(share, float) and isinstance(prior, float)
        assert isinstance(iterations, int)
        return cls(
            spec=spec,
            m=tuple(tuple(comparisons[c.name]["m"]) for c in spec.comparisons),
            u=tuple(tuple(comparisons[c.name]["u"]) for c in spec.comparisons),
            match_share=share,
            iterations=iterations,
            pair_prior=prior,
        )


def level_shares(levels: Levels, counts: npt.NDArray[np.int64], spec: LinkSpec) -> list[Floats]:
    """Per comparison, the share of each level among the pairs where neither side is missing."""
    out = []
    for index, comparison in enumerate(spec.comparisons):
        column = levels[:, index]
        present = column != MISSING
        totals = np.bincount(
            column[present].astype(np.int64),
            weights=counts[present],
            minlength=comparison.levels + 1,
        )
        out.append(_bounded(totals / max(totals.sum(), 1.0), spec.probability_floor))
    return out


def estimate(
    spec: LinkSpec,
    candidate_levels: Levels,
    candidate_counts: npt.NDArray[np.int64],
    u: list[Floats],
    records: int,
) -> Model:
    """m and lambda by EM over the candidate pairs' level patterns, u held fixed; the prior
    of a random pair from lambda, the candidate count and the ``records`` they come from."""
    floor = spec.probability_floor
    m = [_initial_m(c.levels, floor) for c in spec.comparisons]
    share = 0.1
    counts = candidate_counts.astype(np.float64)
    log_u = _log_probabilities(candidate_levels, u)
    iterations = 0
    for iterations in range(1, spec.em_iterations + 1):  # noqa: B007 (read after the loop)
        log_m = _log_probabilities(candidate_levels, m)
        log_odds = math.log(share / (1 - share)) + log_m - log_u
        posterior = 1 / (1 + np.exp(-np.clip(log_odds, -700, 700)))
        weighted = counts * posterior
        new_share = float(weighted.sum() / counts.sum())
        new_m = level_shares(candidate_levels, weighted.astype(np.float64), spec)
        moved = max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True))
        m = new_m
        share = min(max(new_share, floor), 1 - floor)
        if moved < 1e-5:
            break
    all_pairs = max(records * (records - 1) / 2, 1.0)
    expected_matches = share * float(counts.sum())
    prior = min(max(expected_matches / all_pairs, 1e-15), 1 - floor)
    return Model(
        spec=spec,
        m=tuple(tuple(float(x) for x in row) for row in m),
        u=tuple(tuple(float(x) for x in row) for row in u),
        match_share=share,
        iterations=iterations,
        pair_prior=prior,
    )


def _initial_m(levels: int, floor: float) -> Floats:
    """Matches mostly agree at the strongest level: a start EM moves away from quickly."""
    start = np.full(levels + 1, 0.1 / levels)
    start[-1] = 0.9
    return _bounded(start, floor)


def _bounded(shares: Floats, floor: float) -> Floats:
    bounded = np.clip(shares, floor, 1 - floor)
    return bounded / bounded.sum()


def _log_probabilities(levels: Levels, table: list[Floats]) -> Floats:
    """Per pattern, the sum over comparisons of log P(level); a missing side adds nothing."""
    total = np.zeros(levels.shape[0])
    for index, probabilities in enumerate(table):
        column = levels[:, index].astype(np.int64)
        padded = np.concatenate(([0.0], np.log(probabilities)))  # MISSING (-1) reads index 0
        total += padded[column + 1]
    return total
