"""The stage rules that the integration world does not reach: majority votes and their ties,
assessments of identities that hold several true ones, and a missing network stage."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from fauxhire.evaluation import Missing, Truth, evaluate, make_predictions
from fauxhire.evaluation.stages import link_truth, score_detection, score_networks

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
