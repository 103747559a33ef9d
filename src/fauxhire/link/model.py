"""The Fellegi-Sunter model: how much each comparison level says for or against a match.

For every comparison level, m is its probability among true matches and u among non-matches;
its match weight is log2(m / u), summed over comparisons with the prior odds to a pair's total.
u comes from pairs drawn at random (nearly all non-matches); m and the share of matches among
candidate pairs (lambda) come from expectation-maximisation, blocking rule by blocking rule.
Both work on counts of level patterns, not on pairs, so this module never sees a record and
runs the same whatever engine counted the patterns.

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


# Distinct level patterns, and pairs of each: a count, or under bounded blocking the pairs
# the compared ones stand for (not a whole number).
Patterns = tuple[Levels, Floats]


def level_shares(levels: Levels, counts: Floats, spec: LinkSpec) -> list[Floats]:
    """Per comparison, the share of each level among the pairs where neither side is missing."""
    return [
        shares(totals, spec) for totals in _level_totals(levels, counts.astype(np.float64), spec)
    ]


def shares(totals: Floats, spec: LinkSpec) -> Floats:
    """Each level's share of one comparison's pairs (counted per level), kept off 0 and 1."""
    return _bounded(totals / max(totals.sum(), 1.0), spec.probability_floor)


def _level_totals(levels: Levels, counts: Floats, spec: LinkSpec) -> list[Floats]:
    """Per comparison, the (weighted) count of pairs at each level, missing sides left out."""
    out = []
    for index, comparison in enumerate(spec.comparisons):
        column = levels[:, index]
        present = column != MISSING
        out.append(
            np.bincount(
                column[present].astype(np.int64),
                weights=counts[present],
                minlength=comparison.levels + 1,
            ).astype(np.float64)
        )
    return out


@dataclass(frozen=True)
class RuleSample:
    """The level patterns of the pairs one training blocking rule proposed, the comparisons it
    fixes set to MISSING: all of them (to estimate m), and those no earlier training rule
    proposed (to count matches once)."""

    proposed: Patterns
    first_proposed: Patterns


def estimate(
    spec: LinkSpec, samples: list[RuleSample], u: list[Floats], possible_pairs: float
) -> Model:
    """m by EM rule by rule, u held fixed; lambda and the prior of a random pair.

    Among pairs that share a date of birth the non-matches share it too, so there the date says
    nothing, and u (from random pairs) would call every such pair a match. So each training
    rule's sample leaves out the comparisons the rule fixes, and a comparison's m pools the
    expected matches of every sample that sees it, as Splink does rule by rule. The matches
    among the candidates are then counted once, each pair in the sample of the first rule that
    proposed it, with the share of matches among those pairs; lambda is their share of the
    candidates, and the prior their share of the ``possible_pairs``.
    """
    floor = spec.probability_floor
    pooled = [np.zeros(c.levels + 1) for c in spec.comparisons]
    iterations = 0
    for sample in samples:
        totals, used = _expected_match_levels(spec, *sample.proposed, u)
        iterations = max(iterations, used)
        for index, total in enumerate(totals):
            pooled[index] += total
    # A comparison no sample saw (its only rule proposed nothing) keeps the starting belief.
    m = [
        _bounded(total / total.sum(), floor) if total.sum() > 0 else _initial_m(c.levels, floor)
        for c, total in zip(spec.comparisons, pooled, strict=True)
    ]
    matches = candidates = 0.0
    for sample in samples:
        # Lambda of the pairs this rule proposed first, not of all it proposed: the matches
        # an earlier rule found are gone from them, and most of their non-matches are not.
        share = _match_share(sample.first_proposed, m, u, spec)
        levels, counts = sample.first_proposed
        weights = counts.astype(np.float64)
        matches += float(
            (weights * _posterior(levels, m, _log_probabilities(levels, u), share)).sum()
        )
        candidates += float(weights.sum())
    match_share = min(max(matches / candidates, floor), 1 - floor) if candidates else floor
    prior = min(max(matches / max(possible_pairs, 1.0), 1e-15), 1 - floor)
    return Model(
        spec=spec,
        m=tuple(tuple(float(x) for x in row) for row in m),
        u=tuple(tuple(float(x) for x in row) for row in u),
        match_share=match_share,
        iterations=iterations,
        pair_prior=prior,
    )


def _expected_match_levels(
    spec: LinkSpec, levels: Levels, counts: Floats, u: list[Floats]
) -> tuple[list[Floats], int]:
    """EM over one sample: per comparison, the expected count of matches at each level."""
    if counts.sum() == 0:
        return [np.zeros(c.levels + 1) for c in spec.comparisons], 0
    floor = spec.probability_floor
    m = [_initial_m(c.levels, floor) for c in spec.comparisons]
    share = 0.1
    weights = counts.astype(np.float64)
    log_u = _log_probabilities(levels, u)
    totals = _level_totals(levels, weights, spec)
    iterations = 0
    for iterations in range(1, spec.em_iterations + 1):  # noqa: B007 (read after the loop)
        posterior = _posterior(levels, m, log_u, share)
        expected = weights * posterior
        totals = _level_totals(levels, expected, spec)
        new_m = [_bounded(t / max(t.sum(), 1.0), floor) for t in totals]
        moved = max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True))
        m = new_m
        share = min(max(float(expected.sum() / weights.sum()), floor), 1 - floor)
        if moved < 1e-5:
            break
    return totals, iterations


def _match_share(sample: Patterns, m: list[Floats], u: list[Floats], spec: LinkSpec) -> float:
    """Lambda by EM with m and u fixed: the share of matches among a sample's pairs."""
    levels, counts = sample
    weights = counts.astype(np.float64)
    if weights.sum() == 0:
        return spec.probability_floor
    log_u = _log_probabilities(levels, u)
    share = 0.1
    for _ in range(200):
        new = float((weights * _posterior(levels, m, log_u, share)).sum() / weights.sum())
        new = min(max(new, spec.probability_floor), 1 - spec.probability_floor)
        if abs(new - share) < 1e-7:
            return new
        share = new
    return share


def _posterior(levels: Levels, m: list[Floats], log_u: Floats, share: float) -> Floats:
    log_odds = math.log(share / (1 - share)) + _log_probabilities(levels, m) - log_u
    return 1 / (1 + np.exp(-np.clip(log_odds, -700, 700)))


def _initial_m(levels: int, floor: float) -> Floats:
    """Matches mostly agree at the strongest level: a start EM moves away from quickly."""
    start = np.full(levels + 1, 0.1 / levels)
    start[-1] = 0.9
    return _bounded(start, floor)


def _bounded(shares: Floats, floor: float) -> Floats:
    bounded = np.clip(shares, floor, 1 - floor)
    return np.asarray(bounded / bounded.sum(), dtype=np.float64)


def _log_probabilities(levels: Levels, table: list[Floats]) -> Floats:
    """Per pattern, the sum over comparisons of log P(level); a missing side adds nothing."""
    total = np.zeros(levels.shape[0])
    for index, probabilities in enumerate(table):
        column = levels[:, index].astype(np.int64)
        padded = np.concatenate(([0.0], np.log(probabilities)))  # MISSING (-1) reads index 0
        total += padded[column + 1]
    return total
