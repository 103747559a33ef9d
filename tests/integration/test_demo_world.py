"""The demo world: deterministic, calibrated to public reporting, fair in its names, and read
whole by the pipeline."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.errors import ConfigError
from fauxhire.store import SqlStore
from fauxhire_lab.services.demo import generate_world
from fauxhire_lab.world.generate import generate
from fauxhire_lab.world.spec import HARD_CASE_RATES, WorldSpec, spec_for


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def full_scale(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The operation at full scale beside a modest legitimate population."""
    root = tmp_path_factory.mktemp("full")
    generate(WorldSpec(seed=7, legitimate=12_000, scale=1.0), root / "input", root / "truth")
    return root


def test_same_seed_same_world_other_seed_other_world(tmp_path: Path) -> None:
    spec = WorldSpec(seed=3, legitimate=400, scale=0.05)
    generate(spec, tmp_path / "a" / "in", tmp_path / "a" / "truth")
    generate(spec, tmp_path / "b" / "in", tmp_path / "b" / "truth")
    generate(spec.model_copy(update={"seed": 4}), tmp_path / "c" / "in", tmp_path / "c" / "truth")
    first = _tree_digest(tmp_path / "a")
    assert first == _tree_digest(tmp_path / "b")
    assert first != _tree_digest(tmp_path / "c")


def test_the_operation_matches_public_reporting(full_scale: Path) -> None:
    report = json.loads((full_scale / "truth" / "report.json").read_text())
    assert report["identities"] == 130
    assert abs(report["interviews"] - 6_500) / 6_500 < 0.12
    assert abs(report["companies"] - 5_000) / 5_000 < 0.1
    assert abs(report["us_share"]["interviews"] - 0.73) < 0.03
    assert abs(report["non_tech_share"]["companies"] - 0.5) < 0.05
    for sector in ("52", "62", "92"):  # finance, healthcare, public administration
        assert report["interviews_by_sector"].get(sector, 0) > 100
    roles = report["roles_by_sector"]
    assert {"payroll", "accounting_finance"} <= set(roles["52"])
    assert {"mobile_development", "customer_service_systems", "health_records"} <= set(roles["62"])
    ai = report["ai_interviews_by_half_year"]
    before = sum(v for k, v in ai.items() if k < "2023-H2") / sum(
        v for k, v in report["interviews_by_half_year"].items() if k < "2023-H2"
    )
    after = sum(v for k, v in ai.items() if k >= "2023-H2") / sum(
        v for k, v in report["interviews_by_half_year"].items() if k >= "2023-H2"
    )
    assert after > 2 * before  # AI-company interviews rise from mid-2023


def test_hard_cases_are_each_a_few_per_cent(full_scale: Path) -> None:
    identities = _rows(full_scale / "truth" / "identities.csv")
    legit = [r for r in identities if r["population"] == "legitimate"]
    counts = Counter(case for r in legit for case in r["hard_cases"].split(";") if case)
    for case, rate in HARD_CASE_RATES.items():
        realised = counts[case] / len(legit)
        assert rate * 0.5 < realised < rate * 1.6, (case, realised)
    assert 0 < counts["wrongly_reported"] < len(legit) * 0.01


def test_names_carry_no_signal(full_scale: Path) -> None:
    identities = _rows(full_scale / "truth" / "identities.csv")
    dprk = Counter(r["name_pool"] for r in identities if r["population"] == "dprk")
    legit = Counter(r["name_pool"] for r in identities if r["population"] == "legitimate")
    n_dprk, n_legit = sum(dprk.values()), sum(legit.values())
    for pool, count in legit.items():
        p = count / n_legit
        tolerance = 3.5 * math.sqrt(p * (1 - p) / n_dprk) + 0.01
        assert abs(dprk[pool] / n_dprk - p) < tolerance, pool


def test_truth_agrees_with_itself(full_scale: Path) -> None:
    apps = _rows(full_scale / "truth" / "applications.csv")
    identities = {r["identity_id"]: r for r in _rows(full_scale / "truth" / "identities.csv")}
    per_identity = Counter(r["identity_id"] for r in apps)
    assert all(int(identities[i]["applications"]) == n for i, n in per_identity.items())
    assert len({(r["company_id"], r["application_id"]) for r in apps}) == len(apps)
    # A candidate id is one person at one company: an ATS export keyed by it must not merge two.
    owners: dict[tuple[str, str], set[str]] = {}
    for r in apps:
        owners.setdefault((r["company_id"], r["candidate_id"]), set()).add(r["identity_id"])
    assert all(len(people) == 1 for people in owners.values())
    networks = _rows(full_scale / "truth" / "networks.csv")
    assert sum(int(n["identities"]) for n in networks) == 130
    assert all(r["network_id"] for r in apps if r["population"] == "dprk")
    assert not any(r["network_id"] for r in apps if r["population"] == "legitimate")


def test_demo_runs_the_pipeline_and_reads_everything(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--size", "600", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "fauxhire demo" in result.output
    # Every stage has run: the demo ends by writing the report, and says where, whole.
    report = out / "report" / "report.html"
    *_, written, key_line = result.output.rstrip().splitlines()
    assert written == f"report written: {report}"
    # Then the analyst key `fauxhire serve` answers to, printed once: the store knows it.
    token = key_line.removeprefix("API key (analyst, for a week, shown once): ")
    assert token.startswith("fk_") and "." in token
    store = SqlStore.open(f"sqlite:///{out}/fauxhire.db")
    try:
        [held] = store.api_keys()
    finally:
        store.close()
    assert (held.key_id, held.role) == (token.split(".")[0], "analyst")
    assert report.is_file() and (out / "report" / "report.json").is_file()
    truth = _rows(out / "truth" / "applications.csv")
    stats = CliRunner().invoke(app, ["stats", "--json", "--db", f"sqlite:///{out}/fauxhire.db"])
    data = json.loads(stats.stdout)
    assert data["applications"] == len(truth)
    with sqlite3.connect(out / "fauxhire.db") as conn:
        stored = set(
            conn.execute("SELECT company_id, application_id, candidate_id FROM applications")
        )
    assert stored == {(r["company_id"], r["application_id"], r["candidate_id"]) for r in truth}
    assert data["interviews"] == sum(r["interview"] == "1" for r in truth)
    assert data["hires"] == sum(r["hired"] == "1" for r in truth)
    assert data["quarantined"] == 0
    assert data["joins"]["signin_events_to_hires"] == data["signin_events"]
    # A second demo into the same folder replaces it; a folder that is not a demo is refused.
    again = CliRunner().invoke(app, ["demo", "--size", "600", "--seed", "5", "--out", str(out)])
    assert again.exit_code == 0
    other = tmp_path / "mine"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    refused = CliRunner().invoke(app, ["demo", "--size", "600", "--out", str(other)])
    assert refused.exit_code == 1
    assert (other / "keep.txt").exists()


def test_sizes() -> None:
    assert spec_for("small").legitimate == 3_000
    assert spec_for("1000000").scale == 1.0
    with pytest.raises(Exception, match="--size"):
        spec_for("huge")


def test_a_world_with_overrides_records_them_in_world_json(tmp_path: Path) -> None:
    spec = spec_for("300", 2, ["dprk_hire_rate=0.2", "hard_case_rates.vpn=0.1"])
    generate_world(spec, tmp_path)
    world = json.loads((tmp_path / "truth" / "world.json").read_text())
    assert world["overrides"] == {"dprk_hire_rate": 0.2, "hard_case_rates.vpn": 0.1}
    assert world["spec"]["dprk_hire_rate"] == 0.2
    assert world["spec"]["hard_case_rates"]["vpn"] == 0.1


def test_a_bad_override_stops_demo_before_it_touches_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--set", "dprk_hire_rate=2"])
    assert isinstance(result.exception, ConfigError)  # main() prints it as one line, exit 1
    assert result.exception.message.startswith("--set dprk_hire_rate=2: dprk_hire_rate: ")
    assert not out.exists()
