"""The stage rules that the integration world does not reach: majority votes and their ties,
assessments of identities that hold several true ones, a missing network stage, and detection's
calibration and verdicts against its targets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from fauxhire_lab.evaluation import (
    Evaluation,
    Missing,
    SummaryRow,
    Truth,
    evaluate,
    make_predictions,
    summary_rows,
)
from fauxhire_lab.evaluation.metrics import PRF
from fauxhire_lab.evaluation.scores import Coverage, DetectionScores, Share
from fauxhire_lab.evaluation.stages import link_truth, score_detection, score_networks

IDENTITIES = pl.DataFrame(
    {
        "identity_id": ["x-1", "x-2", "x-3", "p-1"],
        "population": ["dprk", "dprk", "dprk", "legitimate"],
        "network_id": ["n-1", "n-1", "n-2", None],
        "hard_cases": [[], [], [], ["vpn"]],
    },
    schema_overrides={"hard_cases": pl.List(pl.String)},
)
# x-1 has three applications, x-2 two, x-3 one, p-1 one.
APPLICATIONS = pl.DataFrame(
    {
        "company_id": ["c"] * 7,
        "application_id": [f"a{i}" for i in range(7)],
        "identity_id": ["x-1", "x-1", "x-1", "x-2", "x-2", "x-3", "p-1"],
        "network_id": ["n-1", "n-1", "n-1", "n-1", "n-1", "n-2", None],
        "population": ["dprk"] * 6 + ["legitimate"],
    }
)


def _links(rows: list[tuple[str, str, str | None]]) -> pl.DataFrame:
    """(application_id, linked identity, linked network) rows, all at company c."""
    return make_predictions([], [("c", a, i, n) for a, i, n in rows], [], None).links


def test_an_identity_goes_to_the_network_most_of_its_applications_went_to() -> None:
    links = _links([
        ("a0", "i-1", "m-1"), ("a1", "i-1", "m-1"), ("a2", "i-9", "m-2"),  # x-1: m-1 by 2 to 1
        ("a3", "i-2", None), ("a4", "i-3", "m-2"),  # x-2: a tie of none and m-2 goes to m-2
        ("a5", "i-4", "m-2"),  # x-3: m-2
        ("a6", "i-5", None),
    ])  # fmt: skip
    scores = score_networks(link_truth(APPLICATIONS, links), IDENTITIES)
    # Predicted m-1 {x-1}, m-2 {x-2, x-3}; true n-1 {x-1, x-2}, n-2 {x-3}.
    # B-cubed precision (1 + 1/2 + 1/2) / 3, recall (1/2 + 1/2 + 1) / 3.
    assert scores.identities == 3
    assert scores.bcubed.precision == pytest.approx(2 / 3)
    assert scores.bcubed.recall == pytest.approx(2 / 3)
    assert scores.legitimate_in_network.count == 0


def test_a_network_tie_goes_to_the_smallest_id_and_none_is_alone() -> None:
    links = _links([
        ("a0", "i-1", "m-2"), ("a1", "i-1", "m-1"),  # x-1: a tie, m-1
        ("a3", "i-2", "m-1"),  # x-2: m-1 (a4 unlinked: a vote for none, a tie it loses)
        ("a5", "i-3", None),  # x-3: no network, alone, which is right: n-2 has only x-3
        ("a6", "i-5", "m-1"),  # p-1: a legitimate person put into a network
    ])  # fmt: skip
    scores = score_networks(link_truth(APPLICATIONS, links), IDENTITIES)
    assert scores.bcubed.precision == pytest.approx(1.0)
    assert scores.bcubed.recall == pytest.approx(1.0)
    assert (scores.legitimate_in_network.count, scores.legitimate_in_network.total) == (1, 1)


def test_detection_takes_the_highest_probability_of_any_identity_holding_an_application() -> None:
    links = _links([
        ("a0", "i-1", None), ("a1", "i-1", None), ("a2", "i-2", None),
        ("a3", "i-3", None), ("a4", "i-3", None),
        ("a5", "i-4", None),  # unassessed
        ("a6", "i-2", None),  # p-1 shares i-2 with x-1: it takes i-2's 0.6
    ])  # fmt: skip
    probabilities = pl.DataFrame(
        {"identity_id": ["i-1", "i-2", "i-3"], "probability": [0.2, 0.6, 0.9]}
    )
    scores = score_detection(link_truth(APPLICATIONS, links), IDENTITIES, probabilities)
    # x-1 0.6 (max of 0.2 and 0.6), x-2 0.9, x-3 0 (unassessed), p-1 0.6.
    # Flagged: x-1, x-2, p-1: precision 2/3, recall 2/3.
    # Ranking: 0.9 (+); tie at 0.6 (+, -); 0 (+). AP = 1/3·1 + 1/3·2/3 + 1/3·3/4.
    assert scores.unassessed == 1
    assert scores.flagged.precision == pytest.approx(2 / 3)
    assert scores.flagged.recall == pytest.approx(2 / 3)
    assert scores.average_precision == pytest.approx((1 + 2 / 3 + 3 / 4) / 3)
    assert scores.false_positives_by_hard_case["vpn"].count == 1


def test_links_without_any_network_mean_the_network_stage_is_missing() -> None:
    truth = Truth(Path("t"), APPLICATIONS, IDENTITIES, {})
    links = [("c", f"a{i}", "i-1", None) for i in range(7)]
    result = evaluate(truth, make_predictions([], links, [], None))
    assert isinstance(result.networks, Missing)
    assert "no link carries a network" in result.networks.reason
    assert not isinstance(result.identities, Missing)
    assert isinstance(result.detection, Missing)


def _detected() -> DetectionScores:
    """x-1 0.6 (+), x-2 0.9 (+), x-3 0 (+, unassessed), p-1 0.6 (-, a vpn hard case)."""
    links = _links([
        ("a0", "i-1", None), ("a1", "i-1", None), ("a2", "i-2", None),
        ("a3", "i-3", None), ("a4", "i-3", None), ("a5", "i-4", None), ("a6", "i-2", None),
    ])  # fmt: skip
    probabilities = pl.DataFrame(
        {"identity_id": ["i-1", "i-2", "i-3"], "probability": [0.2, 0.6, 0.9]}
    )
    return score_detection(link_truth(APPLICATIONS, links), IDENTITIES, probabilities)


def test_detection_is_calibrated_over_every_scored_identity_the_unassessed_at_zero() -> None:
    data = _detected().to_json()
    # Brier: (0.4² + 0.1² + 1² + 0.6²) / 4 = 1.53 / 4.
    assert data["brier"] == pytest.approx(1.53 / 4)
    filled = [b for b in data["reliability"] if b["count"]]
    assert [(b["low"], b["count"], b["observed"]) for b in filled] == [
        (0.0, 1, 1.0),  # x-3 at 0
        (0.6, 2, 0.5),  # x-1 and p-1 at 0.6
        (0.9, 1, 1.0),  # x-2 at 0.9
    ]
    assert [b["mean_predicted"] for b in filled] == pytest.approx([0.0, 0.6, 0.9])
    # ECE: (1 · |0 - 1| + 2 · |0.6 - 0.5| + 1 · |0.9 - 1|) / 4.
    assert data["expected_calibration_error"] == pytest.approx(1.3 / 4)
    levels = {row["level"]: (row["count"], row["observed"]) for row in data["reliability_by_level"]}
    assert levels["almost no chance"] == (1, 1.0)
    assert levels["likely"] == (2, 0.5)
    assert levels["very likely"] == (1, 1.0)
    assert levels["almost certain"] == (0, None)


def test_the_summary_judges_detection_against_its_targets() -> None:
    rows = {row.measure: row for row in _detection_rows(_detected())}
    verdicts = {measure.split(",")[0]: row.verdict for measure, row in rows.items()}
    assert verdicts["precision at likely (>= 0.55)"] == "FAIL"  # 2/3 < 0.95
    assert verdicts["recall at likely"] == "FAIL"  # 2/3 < 0.90
    assert verdicts["false positives among legitimate"] == "FAIL"  # 1 of 1 > 0.1%
    assert verdicts["false positives: vpn"] == "FAIL"  # 1 of 1 > 1%
    assert verdicts["Brier score (0 is perfect)"] == ""  # described, not judged
    assert verdicts["expected calibration error (10 bins)"] == ""
    assert rows["Brier score (0 is perfect)"].value == "0.3825"
    perfect = replace(
        _detected(),
        flagged=PRF(1.0, 0.9),
        false_positives=Share(1, 1000),
        false_positives_by_hard_case={"vpn": Share(1, 100)},
    )
    assert {row.verdict for row in _detection_rows(perfect)} == {"pass", ""}


def _detection_rows(scores: DetectionScores) -> list[SummaryRow]:
    evaluation = Evaluation(
        Path("t"), Coverage(7, 7, 0), Missing("-"), Missing("-"), scores, Missing("-"), Missing("-")
    )
    return [row for row in summary_rows(evaluation) if row.stage == "detection"]
