"""The smallest validation world, from a generator fauxhire did not write, run whole and scored.

shared/validation/v1-default-6k.tar.xz (6,000 legitimate people, 150 personas in 12 networks,
19,355 applications) is unpacked to a temp folder, run through `fauxhire run` with a report,
exported, shown and scored by `fauxhire evaluate` against its truth. The world is a test set:
nothing in fauxhire was fitted to it. Where CI has no copy of shared/ the test fails if
FAUXHIRE_REQUIRE_VALIDATION is set (as .ci/run does), and skips otherwise.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from test_applicant_assessment import TWINNED, compare_applicant_assessments, fired_indicators
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.services.assess import load_ruleset
from fauxhire.store import SqlStore
from fauxhire_lab.services.evaluate import evaluate_store
from support.engine_agreement import spark_against_embedded

ARCHIVE = Path(__file__).resolve().parents[3] / "shared" / "validation" / "v1-default-6k.tar.xz"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not ARCHIVE.is_file():
        if os.environ.get("FAUXHIRE_REQUIRE_VALIDATION"):
            pytest.fail(f"{ARCHIVE} is missing but FAUXHIRE_REQUIRE_VALIDATION is set")
        pytest.skip(f"no validation world at {ARCHIVE}")
    root = tmp_path_factory.mktemp("validation")
    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(root, filter="data")
    db = f"sqlite:///{root / 'fauxhire.db'}"
    runner = CliRunner()
    ran = runner.invoke(
        app, ["run", str(root / "world"), "--db", db, "--report", str(root / "rep")]
    )
    assert ran.exit_code == 0, ran.output
    store = SqlStore.open(db)
    try:
        scores = evaluate_store(store, root / "truth").to_json()
    finally:
        store.close()
    return {"root": root, "db": db, "runner": runner, "scores": scores["stages"]}


def test_every_output_is_written(world: dict[str, Any]) -> None:
    root, db, runner = world["root"], world["db"], world["runner"]
    report = json.loads((root / "rep" / "report.json").read_text(encoding="utf-8"))
    assert report["identities"] > 0
    for what, out in (("links", "links.csv"), ("assessments", "assessments.jsonl")):
        done = runner.invoke(app, ["export", what, "--out", str(root / out), "--db", db])
        assert done.exit_code == 0, done.output
    with (root / "links.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 19_355
    network = next(row["network_id"] for row in rows if row["network_id"])
    shown = runner.invoke(app, ["show", "network", network, "--db", db])
    assert shown.exit_code == 0, shown.output


def test_identities_are_resolved(world: dict[str, Any]) -> None:
    identities = world["scores"]["identities"]
    assert identities["pairwise"]["f1"] >= 0.98


def test_detection_meets_its_targets(world: dict[str, Any]) -> None:
    detection = world["scores"]["detection"]
    assert detection["precision"] >= 0.95
    assert detection["recall"] >= 0.90
    assert detection["false_positives"]["rate"] <= 0.001
    for kind, share in detection["false_positives_by_hard_case"].items():
        assert share["rate"] <= 0.01, kind


def test_networks_hold_their_personas(world: dict[str, Any]) -> None:
    networks = world["scores"]["networks"]
    assert networks["bcubed"]["precision"] >= 0.99
    assert networks["bcubed"]["f1"] >= 0.94
    assert networks["legitimate_in_network"]["count"] == 0


@pytest.mark.xfail(
    strict=True,
    reason="not met yet: 0.948 network B-cubed F1 on v1; eight personas share nothing "
    "fauxhire weighs with their network, or only a few VPN exits, no rarer than chance",
)
def test_networks_meet_their_target(world: dict[str, Any]) -> None:
    assert world["scores"]["networks"]["bcubed"]["f1"] >= 0.95


def test_the_report_counts_interviews_and_companies(world: dict[str, Any]) -> None:
    counts = world["scores"]["report"]["counts"]
    assert counts["interviews"]["pass"] and counts["companies"]["pass"]
    assert counts["identities"]["relative_error"] <= 0.08


@pytest.mark.xfail(
    strict=True,
    reason="not met yet: v1's report counts 144 identities of 150 (4.0% off, target 3%); the "
    "personas missed are quiet ones whose records show nothing fauxhire weighs",
)
def test_the_report_counts_identities_within_three_percent(world: dict[str, Any]) -> None:
    assert world["scores"]["report"]["counts"]["identities"]["pass"]


def test_applicants_are_assessed_in_plain_python_as_the_detectors_assess_them(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """On a world fauxhire did not generate, every applicant-only identity's plain-Python
    assessment (a screen's) is the detectors' (test_applicant_assessment.py), and the twins
    that grade switched contacts, varying homes and night-time applications fire on some."""
    shutil.copyfile(world["root"] / "fauxhire.db", tmp_path / "copy.db")
    store = SqlStore.open(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        # Every applicant with evidence is compared, and one in 20 of the rest: one in 10
        # took 80 to 130 s of CI's budget for identities that all assess to nothing.
        rows, everyone = compare_applicant_assessments(store, load_ruleset(), every=20)
    finally:
        store.close()
    fired = fired_indicators(rows)
    assert len(rows) > everyone / 2
    assert all(
        fired[i] > 0 for i in TWINNED if i not in ("partner-intel-match", "application-volume")
    ), fired


@pytest.mark.spark
def test_the_spark_engine_links_it_as_the_embedded_one_does(
    world: dict[str, Any], tmp_path: Path
) -> None:
    """Issue 20: identity pairwise F1 of the engines against each other at least 0.999,
    network B-cubed F1 at least 0.99, on a world neither engine was shaped on."""
    agreed = spark_against_embedded(world["root"] / "fauxhire.db", tmp_path)
    assert agreed.applications == 19355
    assert agreed.identity_f1 >= 0.999, agreed
    assert agreed.network_f1 >= 0.99, agreed
