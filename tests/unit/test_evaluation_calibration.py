"""Calibration of the detection stage: Brier score, reliability bins, expected calibration error
and the table by estimative level, against hand-computed cases and a plain-Python count."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.levels import ESTIMATIVE_TERMS, estimative_level
from fauxhire_lab.evaluation.calibration import BIN_EDGES, calibration


def _frame(scores: list[float], positive: list[bool]) -> pl.DataFrame:
    return pl.DataFrame(
        {"score": scores, "positive": positive},
        schema={"score": pl.Float64, "positive": pl.Boolean},
    )


def test_four_identities_by_hand() -> None:
    # 0.05 (-), 0.15 (+), 0.85 (+), 0.95 (-).
    result = calibration(_frame([0.05, 0.15, 0.85, 0.95], [False, True, True, False]))
    # Brier: (0.05² + 0.85² + 0.15² + 0.95²) / 4 = (0.0025 + 0.7225 + 0.0225 + 0.9025) / 4.
    assert result.brier == pytest.approx(1.65 / 4)
    filled = {(b.low, b.high): (b.count, b.mean_predicted, b.observed) for b in result.bins}
    assert filled[(0.0, 0.1)] == (1, pytest.approx(0.05), 0.0)
    assert filled[(0.1, 0.2)] == (1, pytest.approx(0.15), 1.0)
    assert filled[(0.8, 0.9)] == (1, pytest.approx(0.85), 1.0)
    assert filled[(0.9, 1.0)] == (1, pytest.approx(0.95), 0.0)
    assert [b.count for b in result.bins] == [1, 1, 0, 0, 0, 0, 0, 0, 1, 1]
    assert all(b.mean_predicted is None and b.observed is None for b in result.bins if not b.count)
    # ECE: every bin holds one, so the mean gap: (0.05 + 0.85 + 0.15 + 0.95) / 4.
    assert result.expected_calibration_error == pytest.approx(2.0 / 4)
    levels = {level: row.count for level, row in result.by_level.items()}
    assert list(levels) == list(ESTIMATIVE_TERMS)
    assert levels == {
        "almost no chance": 0,  # 0.05 is the floor of "very unlikely"
        "very unlikely": 2,
        "unlikely": 0,
        "roughly even chance": 0,
        "likely": 0,
        "very likely": 1,
        "almost certain": 1,
    }
    assert result.by_level["very unlikely"].mean_predicted == pytest.approx(0.1)
    assert result.by_level["very unlikely"].observed == 0.5


def test_ece_weighs_each_bin_by_its_count() -> None:
    # Bin [0.2, 0.3): three at 0.2, one positive (gap 0.2 - 1/3); bin [0.7, 0.8): one at 0.7,
    # positive (gap 0.3). ECE = (3 · (1/3 - 0.2) + 1 · 0.3) / 4 = 0.7 / 4.
    result = calibration(_frame([0.2, 0.2, 0.2, 0.7], [True, False, False, True]))
    assert result.expected_calibration_error == pytest.approx(0.7 / 4)
    assert result.bins[2].observed == pytest.approx(1 / 3)


def test_a_bin_is_closed_below_and_the_last_holds_one() -> None:
    result = calibration(_frame([0.0, 0.1, 0.3, 0.9, 1.0], [False] * 5))
    assert [b.count for b in result.bins] == [1, 1, 0, 1, 0, 0, 0, 0, 0, 2]
    assert (result.bins[-1].low, result.bins[-1].high) == (0.9, 1.0)
    assert result.by_level["almost certain"].count == 1  # 1.0; 0.9 is "very likely"


def test_perfect_certainty_is_perfectly_calibrated() -> None:
    result = calibration(_frame([1.0, 0.0, 0.0], [True, False, False]))
    assert (result.brier, result.expected_calibration_error) == (0.0, 0.0)


def test_no_identities_has_no_calibration_and_empty_tables() -> None:
    result = calibration(_frame([], []))
    assert (result.brier, result.expected_calibration_error) == (None, None)
    assert len(result.bins) == 10
    assert all(b.count == 0 and b.observed is None for b in result.bins)
    data = result.to_json()
    assert data["reliability"][0] == {
        "low": 0.0,
        "high": 0.1,
        "count": 0,
        "mean_predicted": None,
        "observed": None,
    }
    assert data["reliability_by_level"][-1]["level"] == "almost certain"


@given(
    st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1.0), st.booleans()), min_size=1, max_size=40
    )
)
def test_tables_match_a_count_in_plain_python(pairs: list[tuple[float, bool]]) -> None:
    scores = [s for s, _ in pairs]
    result = calibration(_frame(scores, [p for _, p in pairs]))
    in_bin = Counter(sum(s >= edge for edge in BIN_EDGES[1:-1]) for s in scores)
    assert [b.count for b in result.bins] == [in_bin[i] for i in range(10)]
    by_level = Counter(estimative_level(s) for s in scores)
    assert {k: r.count for k, r in result.by_level.items()} == {
        term: by_level[term] for term in ESTIMATIVE_TERMS
    }
    brier = sum((s - p) ** 2 for s, p in pairs) / len(pairs)
    assert result.brier == pytest.approx(brier)
    assert result.expected_calibration_error is not None
    assert 0.0 <= result.expected_calibration_error <= 1.0 + 1e-12
