"""The pairwise scorer on cases small enough to count by hand.

.venv/bin/python -m pytest bench/linking
"""

from __future__ import annotations

import polars as pl
import pytest
from score import legitimate_scores, mixed_clusters, pairwise_scores


def truth(entities: dict[str, str], sources: dict[str, str] | None = None) -> pl.DataFrame:
    frame = pl.DataFrame({"rec_id": list(entities), "entity_id": list(entities.values())})
    if sources is not None:
        frame = frame.with_columns(pl.Series("source", [sources[r] for r in entities]))
    return frame


def clusters(assignment: dict[str, str | int]) -> pl.DataFrame:
    return pl.DataFrame({"rec_id": list(assignment), "cluster_id": list(assignment.values())})


def test_dedupe_counts_pairs_by_entity_and_cluster() -> None:
    # Entities {1,2,3} {4,5} {6}: 3 + 1 = 4 true pairs.
    # Clusters {1,2} {3,4,5} {6}: 1 + 3 = 4 predicted pairs, of which 1-2 and 4-5 are true.
    scores = pairwise_scores(
        truth({"1": "A", "2": "A", "3": "A", "4": "B", "5": "B", "6": "C"}),
        clusters({"1": "X", "2": "X", "3": "Y", "4": "Y", "5": "Y", "6": "Z"}),
        link=False,
    )
    assert (scores.true_pairs, scores.predicted_pairs, scores.true_positives) == (4, 4, 2)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)


def test_the_truth_itself_scores_one() -> None:
    entities = {"1": "A", "2": "A", "3": "B", "4": "B", "5": "B"}
    scores = pairwise_scores(truth(entities), clusters(dict(entities)), link=False)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_all_singletons_predict_no_pair() -> None:
    scores = pairwise_scores(
        truth({"1": "A", "2": "A", "3": "B"}), clusters({"1": 1, "2": 2, "3": 3}), link=False
    )
    assert scores.predicted_pairs == 0
    assert scores.precision is None
    assert (scores.recall, scores.f1) == (0.0, 0.0)


def test_a_record_left_out_of_the_prediction_is_alone() -> None:
    # Entity {1,2,3}: 3 true pairs; only 1-2 predicted, 3 missing from the prediction.
    scores = pairwise_scores(
        truth({"1": "A", "2": "A", "3": "A"}), clusters({"1": "X", "2": "X"}), link=False
    )
    assert (scores.true_pairs, scores.predicted_pairs, scores.true_positives) == (3, 1, 1)
    assert scores.unclustered == 1


def test_cluster_ids_that_look_like_rec_ids_do_not_catch_left_out_records() -> None:
    scores = pairwise_scores(
        truth({"1": "A", "2": "A", "3": "B"}), clusters({"1": "3", "2": "3"}), link=False
    )
    assert (scores.predicted_pairs, scores.true_positives) == (1, 1)


def test_linkage_counts_only_pairs_across_sources() -> None:
    # Entity E: a1, b1 (1 cross pair); entity F: a2, b2, b3 (2 cross pairs): 3 true pairs.
    # Cluster X = {a1, b1, a2}: 2 a x 1 b = 2 pairs, a1-b1 true; cluster Y = {b2, b3}: none.
    sources = {"a1": "a", "b1": "b", "a2": "a", "b2": "b", "b3": "b"}
    scores = pairwise_scores(
        truth({"a1": "E", "b1": "E", "a2": "F", "b2": "F", "b3": "F"}, sources),
        clusters({"a1": "X", "b1": "X", "a2": "X", "b2": "Y", "b3": "Y"}),
        link=True,
    )
    assert (scores.true_pairs, scores.predicted_pairs, scores.true_positives) == (3, 2, 1)
    assert scores.f1 == pytest.approx(2 * 1 / (2 + 3))


def test_one_huge_cluster_is_counted_not_enumerated() -> None:
    n = 200_000
    ids = [str(i) for i in range(n)]
    scores = pairwise_scores(
        pl.DataFrame({"rec_id": ids, "entity_id": [str(i // 2) for i in range(n)]}),
        pl.DataFrame({"rec_id": ids, "cluster_id": ["all"] * n}),
        link=False,
    )
    assert scores.predicted_pairs == n * (n - 1) // 2
    assert (scores.true_pairs, scores.true_positives) == (n // 2, n // 2)


def test_a_predicted_record_unknown_to_the_truth_is_an_error() -> None:
    with pytest.raises(ValueError, match="not in the truth"):
        pairwise_scores(truth({"1": "A"}), clusters({"1": "X", "9": "X"}), link=False)


def test_a_record_in_two_clusters_is_an_error() -> None:
    frame = pl.DataFrame({"rec_id": ["1", "1"], "cluster_id": ["X", "Y"]})
    with pytest.raises(ValueError, match="two clusters"):
        pairwise_scores(truth({"1": "A"}), frame, link=False)


def test_legitimate_scores_leave_out_every_pair_with_a_persona() -> None:
    # Legitimate entities {1,2} {3}; persona {4,5}. Clusters {1,2,4} {3,5}: of the legitimate
    # records' pairs, 1-2 is predicted and true; 1-4, 2-4, 3-5 touch a persona and do not count.
    entities = truth({"1": "A", "2": "A", "3": "B", "4": "P", "5": "P"}).with_columns(
        pl.Series("is_dprk", [False, False, False, True, True])
    )
    scores = legitimate_scores(
        entities, clusters({"1": "X", "2": "X", "3": "Y", "4": "X", "5": "Y"})
    )
    assert (scores.true_pairs, scores.predicted_pairs, scores.true_positives) == (1, 1, 1)
    assert scores.f1 == 1.0
    # X holds legitimate 1, 2 and persona 4; Y legitimate 3 and persona 5: both mix.
    assert (
        mixed_clusters(entities, clusters({"1": "X", "2": "X", "3": "Y", "4": "X", "5": "Y"})) == 2
    )
    assert (
        mixed_clusters(entities, clusters({"1": "X", "2": "X", "3": "Y", "4": "Z", "5": "Z"})) == 0
    )
