"""`fauxhire evaluate` on a real store: nothing to score, perfect outputs, damaged outputs, the
CLI, and a bad truth folder. The world is tests/support/truth.py; its docstring has the layout
the hand-computed expectations below rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.services import run_folder
from fauxhire.store import Store
from fauxhire.store.outputs import (
    Link,
    replace_assessments,
    replace_links,
    save_report,
)
from fauxhire_lab.evaluation import Evaluation, Missing
from fauxhire_lab.evaluation.report import ReportScores
from fauxhire_lab.evaluation.scores import (
    DetectionScores,
    HardCaseScores,
    IdentityScores,
    NetworkScores,
)
from fauxhire_lab.services.evaluate import evaluate_store
from support.truth import (  # tests/ is on sys.path (its conftest.py)
    assessment,
    perfect_assessments,
    perfect_links,
    write_input,
    write_truth,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    report = write_truth(tmp_path / "truth")
    write_input(tmp_path / "input")
    return tmp_path / "truth", tmp_path / "input", report


def _with_outputs(
    store: Store, links: list[Link], assessments: list[Any], report: dict[str, Any]
) -> Store:
    replace_links(store, links, now=NOW)
    replace_assessments(store, assessments, now=NOW)
    save_report(store, report, {}, now=NOW)
    return store


def _ingested(open_store: Callable[[str], Store], url: str, input_dir: Path) -> Store:
    store = open_store(url)
    results = run_folder(store, input_dir, clock=clock)
    assert {r.status for r in results} == {"done"}, results
    assert sum(r.quarantined for r in results) == 0
    return store


def _scored(evaluation: Evaluation) -> tuple[Any, ...]:
    stages = evaluation.stages().values()
    assert not [s for s in stages if isinstance(s, Missing)], evaluation.to_json()
    identities, networks, detection, hard_cases, report = stages
    assert isinstance(identities, IdentityScores)
    assert isinstance(networks, NetworkScores)
    assert isinstance(detection, DetectionScores)
    assert isinstance(hard_cases, HardCaseScores)
    assert isinstance(report, ReportScores)
    return identities, networks, detection, hard_cases, report


def test_no_outputs_every_stage_is_missing_with_a_reason(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Path, dict[str, Any]]
) -> None:
    truth, input_dir, _ = world
    evaluation = evaluate_store(_ingested(open_store, db_url, input_dir), truth)
    data = evaluation.to_json()
    assert data["applications"] == {"truth": 37, "in_store": 37, "unknown_to_truth": 0}
    assert {name: stage["status"] for name, stage in data["stages"].items()} == dict.fromkeys(
        ("identities", "networks", "detection", "hard_cases", "report"), "missing"
    )
    assert "no links" in data["stages"]["identities"]["reason"]
    assert "no identity assessments" in data["stages"]["detection"]["reason"]
    assert "no report" in data["stages"]["report"]["reason"]


def test_outputs_built_from_the_truth_score_perfectly(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Path, dict[str, Any]]
) -> None:
    truth, input_dir, report = world
    store = _ingested(open_store, db_url, input_dir)
    _with_outputs(store, perfect_links(), perfect_assessments(), report)

    identities, networks, detection, hard_cases, figures = _scored(evaluate_store(store, truth))
    assert identities.unlinked == 0
    assert identities.pairwise.to_json() == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert identities.bcubed.to_json() == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert networks.identities == 5
    assert networks.bcubed.to_json() == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert networks.legitimate_in_network.count == 0
    assert (detection.flagged.precision, detection.flagged.recall) == (1.0, 1.0)
    assert detection.average_precision == 1.0
    assert (detection.unassessed, detection.false_positives.count) == (0, 0)
    assert hard_cases.any.count == 0 and hard_cases.any.total == 6
    assert all(share.count == 0 for share in hard_cases.by_kind.values())
    assert figures.passed
    assert all(check.error == 0.0 for check in figures.counts.values())
    assert all(check.error == 0.0 for check in figures.shares.values())
    assert all(d.total_variation == 0.0 for d in figures.distributions.values())


def _damaged_links() -> list[Link]:
    """p-03 merged into p-02; p-10's third application split off; p-04 moved into network n-2;
    x-05 taken out of its network; p-09's one application left unlinked."""
    links = []
    for link in perfect_links():
        if link.identity_id == "p-03":
            link = link._replace(identity_id="p-02")
        elif link.application_id == "a-p-10-2":
            link = link._replace(identity_id="p-10-split")
        elif link.identity_id == "p-04":
            link = link._replace(network_id="n-2")
        elif link.identity_id == "x-05":
            link = link._replace(network_id=None)
        elif link.identity_id == "p-09":
            continue
        links.append(link)
    return links


def _damaged_assessments() -> list[Any]:
    """x-05 missed (0.01), p-01 (agency) flagged (0.99), p-11 not assessed at all."""
    flips = {"x-05": 0.01, "p-01": 0.99}
    rows = [
        assessment(row.subject_id, flips.get(row.subject_id, row.probability), row.network_id)
        for row in perfect_assessments()
        if row.subject_id not in ("p-11", "p-03")  # p-03 no longer exists as a linked identity
    ]
    return rows


def _times(value: Any, factor: float) -> Any:
    if isinstance(value, dict):
        return {k: _times(v, factor) for k, v in value.items()}
    return value * factor if isinstance(value, int | float) else value


def test_damaged_outputs_score_exactly_as_computed_by_hand(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Path, dict[str, Any]]
) -> None:
    truth, input_dir, report = world
    store = _ingested(open_store, db_url, input_dir)
    _with_outputs(store, _damaged_links(), _damaged_assessments(), _times(report, 1.1))

    identities, networks, detection, hard_cases, figures = _scored(evaluate_store(store, truth))

    # 25 true pairs; the merge adds 4 wrong pairs (6 in place of 1 + 1), the split loses 2 of
    # p-10's 3: 27 predicted, 23 right.
    assert identities.unlinked == 1
    assert identities.pairwise.precision == pytest.approx(23 / 27)
    assert identities.pairwise.recall == pytest.approx(23 / 25)
    # B-cubed over 37 applications: the 4 merged ones have precision 1/2; p-10's have recall
    # 2/3, 2/3 and 1/3 (p-09, unlinked, is a singleton and truly alone: no loss).
    assert identities.bcubed.precision == pytest.approx(35 / 37)
    assert identities.bcubed.recall == pytest.approx((34 + 5 / 3) / 37)

    # x-05 alone: recall 1/2 for x-04 and x-05, 1 for the other three.
    assert networks.bcubed.precision == pytest.approx(1.0)
    assert networks.bcubed.recall == pytest.approx(4 / 5)
    assert (networks.legitimate_in_network.count, networks.legitimate_in_network.total) == (1, 12)

    # Flagged: x-01..x-04 and p-01, so 4 of 5 right and 4 of 5 found. Ranking: the 0.99 tie
    # (4 positives of 5), then 0.01 (x-05 and 9 legitimate), then 0 (p-09, p-11 unassessed):
    # AP = 4/5 · 4/5 + 1/5 · 5/15.
    assert detection.unassessed == 2
    assert detection.flagged.precision == pytest.approx(0.8)
    assert detection.flagged.recall == pytest.approx(0.8)
    assert detection.average_precision == pytest.approx(0.64 + 0.2 / 3)
    assert (detection.false_positives.count, detection.false_positives.total) == (1, 12)
    assert detection.false_positives_by_hard_case["agency"].count == 1
    assert detection.false_positives_by_hard_case["shared_address"].count == 0
    assert detection.false_positives_no_hard_case.count == 0
    # Calibration over the 17: x-01..x-04 at 0.99 and 9 legitimate at 0.01 are off by 0.01;
    # x-05 at 0.01 and p-01 at 0.99 by 0.99; p-09 and p-11 at 0 by nothing.
    calibrated = detection.calibration
    assert calibrated.brier == pytest.approx((13 * 0.01**2 + 2 * 0.99**2) / 17)
    low, high = calibrated.bins[0], calibrated.bins[-1]
    assert (low.count, low.observed) == (12, pytest.approx(1 / 12))
    assert (high.count, high.mean_predicted, high.observed) == (5, pytest.approx(0.99), 0.8)
    # ECE: 12 · |0.1/12 - 1/12| + 5 · |0.99 - 0.8|, over 17.
    assert calibrated.expected_calibration_error == pytest.approx((0.9 + 0.95) / 17)
    assert calibrated.by_level["almost no chance"].count == 12

    wrong = {kind: (s.count, s.total) for kind, s in hard_cases.by_kind.items()}
    assert wrong == {
        "agency": (0, 1),
        "common_name": (0, 1),
        "night_owl": (1, 1),
        "shared_address": (2, 2),
        "vpn": (1, 1),
        "wrongly_reported": (0, 1),
    }
    assert (hard_cases.any.count, hard_cases.any.total) == (3, 6)
    assert (hard_cases.no_hard_case.count, hard_cases.no_hard_case.total) == (0, 6)

    assert not figures.passed
    assert all(not c.passed and c.error == pytest.approx(0.1) for c in figures.counts.values())
    assert all(not s.passed for s in figures.shares.values())  # every true share is 0.5 or more
    assert figures.shares["us_share.interviews"].error == pytest.approx(62.5 * 0.1)
    country = figures.distributions["interviews_by_country"]
    assert country.total_variation == pytest.approx(0.0)  # scaled alike: the same shape
    assert country.largest_relative_error == pytest.approx(0.1)


def test_a_report_missing_a_figure_fails_that_check(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Path, dict[str, Any]]
) -> None:
    truth, input_dir, report = world
    store = _ingested(open_store, db_url, input_dir)
    partial = {k: v for k, v in report.items() if k not in ("companies", "roles_by_sector")}
    save_report(store, partial, {}, now=NOW)
    evaluation = evaluate_store(store, truth)
    figures = evaluation.report
    assert isinstance(figures, ReportScores)
    assert not figures.passed
    assert figures.counts["companies"].predicted is None
    assert not figures.counts["companies"].passed
    assert figures.counts["interviews"].passed
    assert figures.distributions["roles_by_sector"].total_variation is None


def test_cli_prints_the_table_and_writes_json(
    tmp_path: Path, world: tuple[Path, Path, dict[str, Any]], open_store: Callable[[str], Store]
) -> None:
    truth, input_dir, report = world
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = _ingested(open_store, url, input_dir)
    replace_links(store, perfect_links(), now=NOW)
    save_report(store, report, {}, now=NOW)
    out_file = tmp_path / "evaluation.json"

    runner = CliRunner()
    result = runner.invoke(
        app, ["evaluate", "--truth", str(truth), "--json", str(out_file), "--db", url]
    )
    assert result.exit_code == 0, result.output
    assert "Evaluation" in result.stdout
    assert "B-cubed" in result.stdout
    assert "missing" in result.stdout  # detection: no assessments were stored
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["stages"]["identities"]["bcubed"]["f1"] == 1.0
    assert data["stages"]["detection"]["status"] == "missing"
    assert data["stages"]["report"]["pass"] is True

    to_stdout = runner.invoke(app, ["evaluate", "--truth", str(truth), "--json", "-", "--db", url])
    assert to_stdout.exit_code == 0, to_stdout.output
    assert json.loads(to_stdout.stdout) == data


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            lambda t: (t / "identities.csv").unlink(),
            "identities.csv: missing from the truth folder",
        ),
        (
            lambda t: (t / "applications.csv").write_text("company_id,application_id\nc-01,a-1\n"),
            "applications.csv:1: no column 'identity_id' in the header",
        ),
        (
            lambda t: (t / "report.json").write_text('{\n  "identities": 5,\n}'),
            "report.json:3: not JSON",
        ),
    ],
    ids=["missing-file", "missing-column", "bad-json"],
)
def test_cli_names_the_file_and_the_problem_of_a_bad_truth_folder(
    tmp_path: Path,
    world: tuple[Path, Path, dict[str, Any]],
    damage: Callable[[Path], Any],
    expected: str,
) -> None:
    truth, _, _ = world
    damage(truth)
    env = {**os.environ, "COLUMNS": "300", "FAUXHIRE_DB": f"sqlite:///{tmp_path / 'x.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "fauxhire.cli", "evaluate", "--truth", str(truth)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert "config_error" in done.stderr
    assert expected in done.stderr


def test_truth_with_unused_columns_and_extra_store_applications(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Path, dict[str, Any]]
) -> None:
    """The truth may list fewer applications than the store holds: the others are not scored."""
    truth, input_dir, _ = world
    lines = (truth / "applications.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if ",p-12," not in line]
    (truth / "applications.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    store = _ingested(open_store, db_url, input_dir)
    replace_links(store, perfect_links(), now=NOW)
    evaluation = evaluate_store(store, truth)
    assert evaluation.applications.to_json() == {"truth": 35, "in_store": 35, "unknown_to_truth": 2}
    identities = evaluation.identities
    assert isinstance(identities, IdentityScores)
    assert identities.applications == 35
    assert identities.bcubed.f1 == 1.0
    assert identities.unlinked == 0
