"""Incremental linking: applications ingested after a full run join its identities.

A demo world's canonical applications are split: the first part goes in with everything else
and is linked in full; the rest is ingested afterwards and linked with `fauxhire link --new`.
The result is scored against the world's truth and against a full run on the same store.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.errors import NotFound
from fauxhire.services.increment import link_new
from fauxhire.store import SqlStore
from fauxhire.store.frames import read_frame
from fauxhire_lab.evaluation.metrics import pairwise_scores

runner = CliRunner()
LATER = 0.15  # the share of canonical applications that arrive after the full run


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("linknew")
    world = root / "world"
    result = runner.invoke(app, ["demo", "--size", "small", "--seed", "2", "--out", str(world)])
    assert result.exit_code == 0, result.output
    folder = root / "input"
    shutil.copytree(world / "input", folder)
    shutil.copytree(world / "truth", root / "truth")
    source = folder / "applications" / "part-0001.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = int(len(lines) * (1 - LATER))
    source.write_text("".join(lines[:cut]), encoding="utf-8")
    (root / "later.jsonl").write_text("".join(lines[cut:]), encoding="utf-8")
    db = root / "fauxhire.db"
    result = runner.invoke(app, ["run", str(folder), "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    return root


def _db(root: Path) -> list[str]:
    return ["--db", f"sqlite:///{root / 'fauxhire.db'}"]


def _identities(root: Path) -> pl.DataFrame:
    store = SqlStore.open(f"sqlite:///{root / 'fauxhire.db'}")
    try:
        return read_frame(store, "links").select("rec", "identity_id")
    finally:
        store.close()


def test_a_new_batch_joins_the_identities_and_leaves_the_rest_alone(store_path: Path) -> None:
    root = store_path
    before = _identities(root)
    result = runner.invoke(app, ["ingest", "applications", str(root / "later.jsonl"), *_db(root)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["link", "--new", *_db(root)])
    assert result.exit_code == 0, result.output
    after = _identities(root)
    store = SqlStore.open(f"sqlite:///{root / 'fauxhire.db'}")
    try:
        applications = read_frame(store, "applications").height
    finally:
        store.close()
    assert after.height == applications > before.height  # every new application is linked
    joined = after.join(before, on="rec", suffix="_before")
    moved = joined.filter(pl.col("identity_id") != pl.col("identity_id_before"))
    # Only merges move an existing application, and a batch of 15% merges few identities.
    assert moved.get_column("identity_id_before").n_unique() <= 0.01 * before.height
    new_rows = after.join(before, on="rec", how="anti")
    assert new_rows.get_column("identity_id").is_in(before.get_column("identity_id")).any()
    # The links --new added explain themselves: their evidence was once stored as one JSON
    # string, and `show identity` failed on it ("string indices must be integers").
    joined_old = new_rows.filter(pl.col("identity_id").is_in(before.get_column("identity_id")))
    shown = runner.invoke(app, ["show", "identity", joined_old["identity_id"][0], *_db(root)])
    assert shown.exit_code == 0, (shown.output, shown.exception)
    assert "match weight" in shown.output

    report = root / "eval.json"
    result = runner.invoke(
        app, ["evaluate", "--truth", str(root / "truth"), "--json", str(report), *_db(root)]
    )
    assert result.exit_code == 0, result.output
    identities = json.loads(report.read_text())["stages"]["identities"]
    assert identities["pairwise"]["f1"] >= 0.98
    assert identities["bcubed"]["f1"] >= 0.98

    # A full run on the same store agrees with what the increment built.
    result = runner.invoke(app, ["link", *_db(root)])
    assert result.exit_code == 0, result.output
    full = _identities(root)
    assert _pairwise_agreement(after, full) >= 0.99


def test_nothing_new_links_nothing(store_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{store_path / 'fauxhire.db'}")
    try:
        assert link_new(store).applications == 0
    finally:
        store.close()


def test_new_batches_need_a_full_run_first(tmp_path: Path) -> None:
    result = runner.invoke(app, ["link", "--new", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code != 0
    assert isinstance(result.exception, NotFound)
    assert "run `fauxhire link` once" in result.exception.message


def _pairwise_agreement(one: pl.DataFrame, other: pl.DataFrame) -> float:
    """Pairwise F1 of the identities of ``one`` against those of ``other``."""
    both = one.join(other, on="rec", suffix="_other")
    items = both.select(
        pl.col("identity_id_other").alias("truth"), pl.col("identity_id").alias("predicted")
    )
    return pairwise_scores(items).f1


def test_a_batch_without_a_kind_of_value_is_linked(tmp_path: Path, db_url: str) -> None:
    """A batch holding no postal address (or no phone, no profile) once made `link --new`
    fail with KeyError 'tf_address': its term frequencies lacked the column altogether."""
    folder = tmp_path / "input"
    (folder / "applications").mkdir(parents=True)
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\nc-1,Northwind,northwind.example.com,US,51,\n",
        encoding="utf-8",
    )

    def application(n: int) -> str:
        return json.dumps({
            "company_id": "c-1", "application_id": f"a-{n}", "candidate_id": "p-1",
            "applied_at": f"2025-0{n}-01T00:00:00Z", "job_title": "Data Engineer",
            "first_name": "Alex", "last_name": "Example", "emails": ["alex@example.com"],
            "phones": ["+1 512 555 0147"],
        }) + "\n"  # fmt: skip

    (folder / "applications" / "a.jsonl").write_text(application(1), encoding="utf-8")
    (tmp_path / "later.jsonl").write_text(application(2), encoding="utf-8")
    db = ["--db", db_url]
    assert runner.invoke(app, ["run", str(folder), *db]).exit_code == 0
    assert runner.invoke(app, ["ingest", "applications", str(tmp_path / "later.jsonl"), *db])
    result = runner.invoke(app, ["link", "--new", *db])
    assert result.exit_code == 0, (result.output, result.exception)
    store = SqlStore.open(db_url)
    try:
        links = read_frame(store, "links")
    finally:
        store.close()
    assert links.height == 2  # both linked: whether into one identity is the model's call
