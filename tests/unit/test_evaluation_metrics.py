"""The scoring functions against hand-computed cases and against brute force over pairs."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.levels import estimative_level, level_floor
from fauxhire_lab.evaluation.metrics import (
    PRF,
    average_precision,
    bcubed_scores,
    clustering,
    pairwise_scores,
)
from fauxhire_lab.evaluation.report import compare_distribution, count_check, share_check
from fauxhire_lab.evaluation.stages import LIKELY

# -- brute force: the definitions, item by item and pair by pair ------------------------------


def _labels(predicted: Sequence[str | None]) -> list[str]:
    return [p if p is not None else f"alone-{i}" for i, p in enumerate(predicted)]


def brute_pairwise(truth: Sequence[str], predicted: Sequence[str | None]) -> tuple[float, float]:
    pred = _labels(predicted)
    pairs = list(combinations(range(len(truth)), 2))
    same_pred = {(i, j) for i, j in pairs if pred[i] == pred[j]}
    same_true = {(i, j) for i, j in pairs if truth[i] == truth[j]}
    both = len(same_pred & same_true)
    return (
        both / len(same_pred) if same_pred else 1.0,
        both / len(same_true) if same_true else 1.0,
    )


def brute_bcubed(truth: Sequence[str], predicted: Sequence[str | None]) -> tuple[float, float]:
    pred = _labels(predicted)
    n = len(truth)
    precision = recall = 0.0
    for i in range(n):
        in_pred = [j for j in range(n) if pred[j] == pred[i]]
        in_true = [j for j in range(n) if truth[j] == truth[i]]
        both = len(set(in_pred) & set(in_true))
        precision += both / len(in_pred)
        recall += both / len(in_true)
    return precision / n, recall / n


def brute_average_precision(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Sum over each distinct score, highest first, of (recall gained) × (precision at it)."""
    total = sum(positive)
    if total == 0:
        return None
    ap, last_recall = 0.0, 0.0
    for threshold in sorted(set(scores), reverse=True):
        taken = [p for s, p in zip(scores, positive, strict=True) if s >= threshold]
        recall = sum(taken) / total
        ap += (recall - last_recall) * sum(taken) / len(taken)
        last_recall = recall
    return ap


def _scores(truth: Sequence[str], predicted: Sequence[str | None]) -> tuple[PRF, PRF]:
    items = clustering(truth, predicted)
    return pairwise_scores(items), bcubed_scores(items)


# -- hand-computed clusterings ----------------------------------------------------------------


def test_a_small_clustering_computed_by_hand() -> None:
    # items 1..7:   truth a a a b b c c
    #           predicted X X Y Y Y Y Z
    # Pairs. True: a 3 + b 1 + c 1 = 5. Predicted: X 1 + Y 6 = 7. In both: (1,2) and (4,5) = 2.
    #   precision 2/7, recall 2/5, F1 = 2·(2/7)(2/5) / (2/7 + 2/5) = 1/3.
    # B-cubed, item by item (precision | recall):
    #   1, 2 (a in X): X = {1,2} all a: 1 | a = {1,2,3}, 2 of them in X: 2/3
    #   3 (a in Y): Y = {3,4,5,6}, one a: 1/4 | 1/3
    #   4, 5 (b in Y): 2/4 | 1
    #   6 (c in Y): 1/4 | c = {6,7}: 1/2
    #   7 (c in Z): 1 | 1/2
    #   precision (1 + 1 + 1/4 + 1/2 + 1/2 + 1/4 + 1) / 7 = 4.5/7 = 9/14
    #   recall (2/3 + 2/3 + 1/3 + 1 + 1 + 1/2 + 1/2) / 7 = (14/3)/7 = 2/3
    pairwise, bcubed = _scores(list("aaabbcc"), list("XXYYYYZ"))
    assert pairwise.precision == pytest.approx(2 / 7)
    assert pairwise.recall == pytest.approx(2 / 5)
    assert pairwise.f1 == pytest.approx(1 / 3)
    assert bcubed.precision == pytest.approx(9 / 14)
    assert bcubed.recall == pytest.approx(2 / 3)
    assert bcubed.f1 == pytest.approx(2 * (9 / 14) * (2 / 3) / (9 / 14 + 2 / 3))


def test_perfect_prediction_under_other_names_scores_one() -> None:
    pairwise, bcubed = _scores(list("aaabbcd"), ["x1", "x1", "x1", "x2", "x2", "x3", None])
    assert pairwise == PRF(1.0, 1.0)
    assert bcubed == PRF(1.0, 1.0)
    assert pairwise.f1 == 1.0


def test_all_singletons_claim_nothing_and_find_only_the_lone_items() -> None:
    # truth a a b; every prediction alone. Pairs: none predicted (precision 1 by convention),
    # the one true pair missed (recall 0). B-cubed recall: 1/2 + 1/2 + 1 over 3 = 2/3.
    pairwise, bcubed = _scores(list("aab"), [None, None, None])
    assert pairwise == PRF(1.0, 0.0)
    assert pairwise.f1 == 0.0
    assert bcubed.precision == 1.0
    assert bcubed.recall == pytest.approx(2 / 3)


def test_all_in_one_finds_everything_and_is_mostly_wrong() -> None:
    # truth a a b, all predicted X: 3 pairs claimed, 1 true. B-cubed precision
    # (2/3 + 2/3 + 1/3) / 3 = 5/9.
    pairwise, bcubed = _scores(list("aab"), ["X", "X", "X"])
    assert pairwise.precision == pytest.approx(1 / 3)
    assert pairwise.recall == 1.0
    assert bcubed.precision == pytest.approx(5 / 9)
    assert bcubed.recall == 1.0


def test_no_items_is_vacuously_perfect() -> None:
    assert _scores([], []) == (PRF(1.0, 1.0), PRF(1.0, 1.0))


def test_null_predictions_are_each_alone_not_one_cluster() -> None:
    # Were the two Nones one cluster, the true pair a-a would count as found.
    pairwise, _ = _scores(["a", "a"], [None, None])
    assert pairwise.recall == 0.0


# -- properties -------------------------------------------------------------------------------

labels = st.sampled_from("abcdef")
predictions = st.one_of(st.none(), st.sampled_from("UVWXYZ"))
clusterings = st.integers(min_value=1, max_value=30).flatmap(
    lambda n: st.tuples(
        st.lists(labels, min_size=n, max_size=n), st.lists(predictions, min_size=n, max_size=n)
    )
)


@given(clusterings)
def test_scores_match_brute_force_over_pairs(case: tuple[list[str], list[str | None]]) -> None:
    truth, predicted = case
    pairwise, bcubed = _scores(truth, predicted)
    assert (pairwise.precision, pairwise.recall) == pytest.approx(brute_pairwise(truth, predicted))
    assert (bcubed.precision, bcubed.recall) == pytest.approx(brute_bcubed(truth, predicted))


@given(clusterings)
def test_scores_are_between_zero_and_one(case: tuple[list[str], list[str | None]]) -> None:
    for scores in _scores(*case):
        for value in (scores.precision, scores.recall, scores.f1):
            assert 0.0 <= value <= 1.0 + 1e-12


@given(st.lists(labels, min_size=1, max_size=40))
def test_a_renamed_truth_always_scores_one(truth: list[str]) -> None:
    pairwise, bcubed = _scores(truth, [f"id-{t}" for t in truth])
    assert pairwise == PRF(1.0, 1.0)
    assert bcubed.precision == pytest.approx(1.0)
    assert bcubed.recall == pytest.approx(1.0)


@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(*(st.lists(labels, min_size=n, max_size=n),) * 2)
    )
)
def test_swapping_truth_and_prediction_swaps_precision_and_recall(
    case: tuple[list[str], list[str]],
) -> None:
    truth, predicted = case
    forward, backward = _scores(truth, predicted), _scores(predicted, truth)
    for one, other in zip(forward, backward, strict=True):
        assert one.precision == pytest.approx(other.recall)
        assert one.recall == pytest.approx(other.precision)


# -- average precision ------------------------------------------------------------------------


def test_average_precision_of_a_known_ranking() -> None:
    # Ranked 0.8 (+), 0.4 (-), 0.35 (+), 0.1 (-): recall 1/2 at precision 1, the rest at 2/3.
    assert average_precision([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(
        0.5 * 1 + 0.5 * 2 / 3
    )


def test_a_tie_enters_as_one_step_not_in_a_lucky_order() -> None:
    # 0.9 (+), then a tie at 0.5 of one positive and two negatives. Taken together the tie
    # adds recall 1/2 at precision 2/4; a positive-first order would have given 2/3.
    ap = average_precision([0.9, 0.5, 0.5, 0.5], [True, False, True, False])
    assert ap == pytest.approx(0.5 * 1 + 0.5 * 2 / 4)
    # Every score equal: precision is the base rate everywhere.
    assert average_precision([0.3] * 4, [True, False, False, True]) == pytest.approx(0.5)


def test_average_precision_edge_cases() -> None:
    assert average_precision([0.2, 0.9], [False, True]) == 1.0
    assert average_precision([0.2, 0.9], [False, False]) is None
    assert average_precision([], []) is None
    with pytest.raises(ValueError, match="length"):
        average_precision([0.1], [])


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 0.1, 0.5, 0.55, 0.9, 1.0]), st.booleans()),
        min_size=1,
        max_size=60,
    )
)
def test_average_precision_matches_brute_force_with_ties(pairs: list[tuple[float, bool]]) -> None:
    scores, positive = [s for s, _ in pairs], [p for _, p in pairs]
    expected = brute_average_precision(scores, positive)
    got = average_precision(scores, positive)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)
        assert 0.0 <= got <= 1.0 + 1e-12


# -- levels and report checks -----------------------------------------------------------------


def test_the_flag_threshold_is_where_likely_begins() -> None:
    assert estimative_level(LIKELY) == "likely"
    assert estimative_level(LIKELY - 1e-9) == "roughly even chance"


def test_distribution_largest_error_and_total_variation_by_hand() -> None:
    # Keys A, B, C (absent = 0). Relative errors: A |5-6|/6, B |0-4|/4 = 1, C |5-0|/1 = 5.
    # Normalised: truth A .6 B .4; predicted A .5 C .5; TV = (.1 + .4 + .5) / 2 = .5.
    check = compare_distribution({"A": 5, "C": 5}, {"A": 6, "B": 4})
    assert (check.keys, check.largest_key) == (3, "C")
    assert check.largest_relative_error == pytest.approx(5.0)
    assert check.total_variation == pytest.approx(0.5)
    assert compare_distribution({}, {}).total_variation == 0.0
    assert compare_distribution({}, {"A": 1}).total_variation == 1.0
    assert compare_distribution(None, {"A": 1}).total_variation is None


@pytest.mark.parametrize(
    ("truth", "predicted", "passed"),
    [(100, 103, True), (100, 97, True), (100, 104, False), (0, 0, True), (0, 1, False)],
)
def test_counts_pass_within_three_per_cent(truth: int, predicted: int, passed: bool) -> None:
    assert count_check(truth, predicted).passed is passed


@pytest.mark.parametrize(
    ("truth", "predicted", "passed"),
    [(0.60, 0.62, True), (0.60, 0.58, True), (0.60, 0.6201, False), (0.6, None, False)],
)
def test_shares_pass_within_two_points(truth: float, predicted: float | None, passed: bool) -> None:
    assert share_check(truth, predicted).passed is passed


@pytest.mark.parametrize(
    "term",
    ["almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
     "very likely", "almost certain"],
)  # fmt: skip
def test_each_level_starts_at_its_floor(term: str) -> None:
    floor = level_floor(term)
    assert estimative_level(floor) == term
    if floor > 0:
        assert estimative_level(floor - 1e-9) != term
