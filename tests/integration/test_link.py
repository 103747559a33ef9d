"""Identity and network resolution through the CLI, on a generated demo world, scored
against its truth: quality, stable ids across runs, judgements kept, the links export."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.errors import ConfigError
from fauxhire.services.link import link_store
from fauxhire.store import SqlStore
from fauxhire.store.judgements import Judgement, add_judgements
from fauxhire.store.schema import join_key

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("linkworld") / "demo"
    result = runner.invoke(app, ["demo", "--size", "small", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _db(world: Path) -> list[str]:
    return ["--db", f"sqlite:///{world / 'fauxhire.db'}"]


def _links(world: Path, name: str) -> list[dict[str, str]]:
    path = world / name
    result = runner.invoke(app, ["export", "links", "--out", str(path), *_db(world)])
    assert result.exit_code == 0, result.output
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_identities_match_the_truth(world: Path) -> None:
    report = world / "eval.json"
    result = runner.invoke(
        app, ["evaluate", "--truth", str(world / "truth"), "--json", str(report), *_db(world)]
    )
    assert result.exit_code == 0, result.output
    stages = json.loads(report.read_text())["stages"]
    identities = stages["identities"]
    assert identities["pairwise"]["f1"] >= 0.98
    assert identities["bcubed"]["f1"] >= 0.98
    assert stages["hard_cases"]["any"]["rate"] < 0.005
    assert stages["networks"]["status"] == "scored"


def test_export_has_one_row_an_application_in_the_format(world: Path) -> None:
    rows = _links(world, "links.csv")
    with (world / "truth" / "applications.csv").open(newline="") as fh:
        truth = list(csv.DictReader(fh))
    assert len(rows) == len(truth)
    assert list(rows[0]) == [
        "company_id",
        "application_id",
        "candidate_id",
        "identity_id",
        "network_id",
    ]
    assert any(r["network_id"] for r in rows) and any(not r["network_id"] for r in rows)


def test_ids_stay_the_same_when_membership_does_not_change(world: Path) -> None:
    before = _links(world, "before.csv")
    result = runner.invoke(app, ["link", *_db(world)])
    assert result.exit_code == 0, result.output
    assert _links(world, "after.csv") == before


def test_show_explains_an_identity_and_a_network(world: Path) -> None:
    rows = _links(world, "show.csv")
    networked = next(r for r in rows if r["network_id"])
    shown = runner.invoke(app, ["show", "identity", networked["identity_id"], *_db(world)])
    assert shown.exit_code == 0, shown.output
    assert "links hold it together" in shown.output and "names:" in shown.output
    net = runner.invoke(app, ["show", "network", networked["network_id"], *_db(world)])
    assert net.exit_code == 0, net.output
    assert "shared" in net.output and networked["identity_id"] in net.output
    assert "held by" in net.output and "hidden_egress" not in net.output  # kinds in words
    missing = runner.invoke(app, ["show", "identity", "i-999999", *_db(world)])
    assert missing.exit_code != 0


def test_judgements_are_respected_by_later_runs(world: Path) -> None:
    rows = _links(world, "judge.csv")
    by_identity: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_identity.setdefault(r["identity_id"], []).append(r)
    members = max(by_identity.values(), key=len)
    split_off = members[0]
    key = join_key((split_off["company_id"], split_off["application_id"]))
    store = SqlStore.open(f"sqlite:///{world / 'fauxhire.db'}")
    now = datetime(2026, 11, 24, tzinfo=UTC)
    add_judgements(
        store,
        [
            Judgement(
                "apart", key, join_key((m["company_id"], m["application_id"])), "ana", "test", now
            )
            for m in members[1:]
        ],
    )
    link_store(store, now=now)
    after = {(r["company_id"], r["application_id"]): r for r in _links(world, "judged.csv")}
    moved = after[(split_off["company_id"], split_off["application_id"])]["identity_id"]
    assert moved != after[(members[1]["company_id"], members[1]["application_id"])]["identity_id"]
    # The rest of the identity keeps its id.
    assert (
        after[(members[1]["company_id"], members[1]["application_id"])]["identity_id"]
        == members[1]["identity_id"]
    )


def test_an_unknown_engine_is_refused_before_the_store_is_touched(tmp_path: Path) -> None:
    store_file = tmp_path / "never.db"
    result = runner.invoke(app, ["link", "--engine", "nonesuch", "--db", f"sqlite:///{store_file}"])
    assert isinstance(result.exception, ConfigError)  # main() prints it as one line, exit 1
    assert "unknown linking engine 'nonesuch': the engines are embedded" in str(result.exception)
    assert not store_file.exists()


def test_the_embedded_engine_by_name_links_as_the_default_does(world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{world / 'fauxhire.db'}"
    named = runner.invoke(app, ["link", "--engine", "embedded", "--db", db])
    assert named.exit_code == 0, named.output
    links = tmp_path / "links.csv"
    assert runner.invoke(app, ["export", "links", "--out", str(links), "--db", db]).exit_code == 0
    with links.open(newline="", encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) > 0
