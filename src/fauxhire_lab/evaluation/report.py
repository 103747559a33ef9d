"""The stored report's figures (docs/formats.md section 11 `report.json`) against the true ones.

Counts pass within 3 % of the truth, shares within 2 percentage points. The dict figures (by
country, sector, half-year, role) are described, not judged: their small cells make a relative
error noisy, so they report the largest relative error and the total-variation distance and
leave the verdict to the reader. A figure the stored report lacks fails its check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COUNTS = ("identities", "interviews", "companies")
SHARES = (
    ("us_share", "interviews"),
    ("us_share", "companies"),
    ("non_tech_share", "companies"),
    ("non_tech_share", "interviews"),
)
DISTRIBUTIONS = (
    "interviews_by_country",
    "interviews_by_sector",
    "companies_by_sector",
    "interviews_by_half_year",
    "ai_interviews_by_half_year",
    "roles_by_sector",
)
COUNT_TOLERANCE = 0.03  # relative
SHARE_TOLERANCE_PP = 2.0  # percentage points
# A hair of slack at each bound: 0.62 - 0.60 is 2.0000000000000018 pp in binary floating point.
SLACK = 1e-9


RELATIVE, POINTS = "relative_error", "error_pp"
TOLERANCE = {RELATIVE: COUNT_TOLERANCE, POINTS: SHARE_TOLERANCE_PP}


@dataclass(frozen=True, slots=True)
class FigureCheck:
    """One count or share against the truth: its error, and whether that is within tolerance."""

    truth: float | None
    predicted: float | None
    measure: str  # RELATIVE (counts: relative to the truth, or to 1 where it is 0) or POINTS

    @property
    def error(self) -> float | None:
        if self.truth is None or self.predicted is None:
            return None
        difference = abs(self.predicted - self.truth)
        if self.measure == POINTS:
            return difference * 100
        return difference / max(abs(self.truth), 1.0)

    @property
    def passed(self) -> bool:
        error = self.error
        return error is not None and error <= TOLERANCE[self.measure] + SLACK

    def to_json(self) -> dict[str, Any]:
        return {
            "truth": self.truth,
            "predicted": self.predicted,
            self.measure: self.error,
            "pass": self.passed,
        }


def count_check(truth: float | None, predicted: float | None) -> FigureCheck:
    return FigureCheck(truth, predicted, RELATIVE)


def share_check(truth: float | None, predicted: float | None) -> FigureCheck:
    return FigureCheck(truth, predicted, POINTS)


@dataclass(frozen=True, slots=True)
class DistributionCheck:
    keys: int  # keys present in either figure
    largest_relative_error: float | None  # None when the stored report lacks the figure
    largest_key: str | None
    total_variation: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "keys": self.keys,
            "largest_relative_error": self.largest_relative_error,
            "largest_key": self.largest_key,
            "total_variation": self.total_variation,
        }


@dataclass(frozen=True, slots=True)
class ReportScores:
    counts: dict[str, FigureCheck]
    shares: dict[str, FigureCheck]
    distributions: dict[str, DistributionCheck]

    @property
    def passed(self) -> bool:
        counts_pass = all(check.passed for check in self.counts.values())
        return counts_pass and all(check.passed for check in self.shares.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "scored",
            "pass": self.passed,
            "counts": {k: v.to_json() for k, v in self.counts.items()},
            "shares": {k: v.to_json() for k, v in self.shares.items()},
            "distributions": {k: v.to_json() for k, v in self.distributions.items()},
        }


def compare_report(predicted: dict[str, Any], truth: dict[str, Any]) -> ReportScores:
    return ReportScores(
        counts={
            name: count_check(_number(truth, name), _number(predicted, name)) for name in COUNTS
        },
        shares={
            f"{group}.{name}": share_check(
                _number(truth.get(group), name), _number(predicted.get(group), name)
            )
            for group, name in SHARES
        },
        distributions={
            name: compare_distribution(_flat(predicted.get(name)), _flat(truth.get(name)) or {})
            for name in DISTRIBUTIONS
        },
    )


def compare_distribution(
    predicted: dict[str, float] | None, truth: dict[str, float]
) -> DistributionCheck:
    """Largest relative error over the keys of either (absent = 0; relative to the true value,
    or to 1 where that is 0) and the total-variation distance between the two, each normalised
    to sum to 1 (1.0 when exactly one of them is empty)."""
    keys = sorted(truth.keys() | (predicted or {}).keys())
    if predicted is None:
        return DistributionCheck(len(keys), None, None, None)
    largest, largest_key = 0.0, None
    for key in keys:
        t, p = truth.get(key, 0.0), predicted.get(key, 0.0)
        error = abs(p - t) / max(abs(t), 1.0)
        if error > largest:
            largest, largest_key = error, key
    t_sum, p_sum = sum(truth.values()), sum(predicted.values())
    if not t_sum or not p_sum:
        tv = 0.0 if t_sum == p_sum else 1.0
    else:
        tv = sum(abs(predicted.get(k, 0.0) / p_sum - truth.get(k, 0.0) / t_sum) for k in keys) / 2
    return DistributionCheck(len(keys), largest, largest_key, tv)


def _number(figures: Any, name: str) -> float | None:
    value = figures.get(name) if isinstance(figures, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # absent, or not a number: the check fails rather than guessing
    return value  # an int stays an int, so counts read as counts in the JSON


def _flat(figure: Any, prefix: str = "") -> dict[str, float] | None:
    """A figure's numeric leaves by key; nested dicts (roles_by_sector) as ``sector/role``."""
    if not isinstance(figure, dict):
        return None
    flat: dict[str, float] = {}
    for key, value in figure.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{name}/") or {})
        elif (number := _number({"v": value}, "v")) is not None:
            flat[name] = number
    return flat
