"""`fauxhire report` on a demo world: the figures against the truth, the options, anonymity,
and the same report from SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.errors import ConfigError
from fauxhire.store import SqlStore, schema
from fauxhire.store.outputs import latest_report
from fauxhire_lab.evaluation.report import compare_report
from fauxhire_lab.world.feeds import COMMUNITY_KEY

runner = CliRunner()


def _json(path: Path) -> dict[str, Any]:
    return dict(orjson.loads(path.read_bytes()))


@pytest.fixture
def store_copy(demo_world: Path, tmp_path: Path) -> str:
    """A copy of the demo world's store, for tests that write a report into it."""
    shutil.copy(demo_world / "fauxhire.db", tmp_path / "fauxhire.db")
    return f"sqlite:///{tmp_path / 'fauxhire.db'}"


def test_demo_writes_the_report_and_it_matches_the_truth(demo_world: Path) -> None:
    html, figures_file = (
        demo_world / "report" / "report.html",
        demo_world / "report" / "report.json",
    )
    assert html.stat().st_size > 10_000
    figures = _json(figures_file)
    scores = compare_report(figures, _json(demo_world / "truth" / "report.json"))
    assert scores.passed, scores.to_json()
    store = SqlStore.open(f"sqlite:///{demo_world / 'fauxhire.db'}")
    try:
        assert latest_report(store) == figures  # what evaluate reads is what was written
    finally:
        store.close()


def test_evaluate_scores_the_report_stage(demo_world: Path) -> None:
    result = runner.invoke(app, [
        "evaluate", "--truth", str(demo_world / "truth"), "--json", "-",
        "--db", f"sqlite:///{demo_world / 'fauxhire.db'}",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)["stages"]["report"]
    assert report["status"] == "scored" and report["pass"] is True


def _true_interviews(world: Path, country: str, start: str, end: str) -> tuple[int, int]:
    """Interviews of scheme identities at companies of ``country`` applied for in the window,
    and those companies, counted from the truth and the company directory alone."""
    with (world / "input" / "companies.csv").open(encoding="utf-8") as fh:
        countries = {row["company_id"]: row["country"] for row in csv.DictReader(fh)}
    with (world / "truth" / "applications.csv").open(encoding="utf-8") as fh:
        rows = [
            row
            for row in csv.DictReader(fh)
            if row["population"] == "dprk"
            and row["interview"] == "1"
            and countries[row["company_id"]] == country
            and start <= row["applied_at"][:10] <= end
        ]
    return len(rows), len(Counter(row["company_id"] for row in rows))


def test_window_and_country_filter_against_the_truth(
    demo_world: Path, store_copy: str, tmp_path: Path
) -> None:
    out = tmp_path / "us-2024"
    result = runner.invoke(app, [
        "report", "--out", str(out), "--db", store_copy, "--country", "US",
        "--from", "2024-01-01", "--to", "2024-12-31",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    figures = _json(out / "report.json")
    interviews, companies = _true_interviews(demo_world, "US", "2024-01-01", "2024-12-31")
    assert interviews > 20  # the world has enough in the window for the check to mean something
    assert (figures["interviews"], figures["companies"]) == (interviews, companies)
    assert set(figures["interviews_by_country"]) == {"US"}
    assert set(figures["interviews_by_half_year"]) == {"2024-H1", "2024-H2"}
    assert figures["period"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_anonymised_report_holds_no_names(store_copy: str, tmp_path: Path) -> None:
    store = SqlStore.open(store_copy)
    try:
        a, c = schema.applications, schema.companies
        with store.transaction("test") as conn:
            people = {row[0] for row in conn.execute(select(a.c.name_display)) if row[0]}
            companies = {row[0] for row in conn.execute(select(c.c.name))}
    finally:
        store.close()
    named, anonymous = tmp_path / "named", tmp_path / "anonymous"
    for out, extra in ((named, []), (anonymous, ["--anonymise"])):
        result = runner.invoke(app, ["report", "--out", str(out), "--db", store_copy, *extra])
        assert result.exit_code == 0, result.output
    named_text = (named / "report.html").read_text(encoding="utf-8")
    assert any(name in named_text for name in people)  # the check below can fail
    assert any(name in named_text for name in companies)
    for part in ("report.html", "report.json"):
        text = (anonymous / part).read_text(encoding="utf-8")
        assert not [name for name in people if name in text]
        assert not [name for name in companies if name in text]
    # A report with names is its owner's alone; an anonymised one is for sharing.
    assert (named / "report.html").stat().st_mode & 0o077 == 0
    assert (named / "report.json").stat().st_mode & 0o077 == 0
    assert (anonymous / "report.html").stat().st_mode & 0o044 == 0o044
    # Names go; the figures stay.
    a_figures, n_figures = _json(anonymous / "report.json"), _json(named / "report.json")
    for key in ("identities", "interviews", "companies", "us_share", "roles_by_sector"):
        assert a_figures[key] == n_figures[key]


def test_bad_options_name_the_option(store_copy: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [
        "report", "--out", str(tmp_path / "r"), "--db", store_copy, "--country", "Narnia",
        "--min-level", "probably",
    ])  # fmt: skip
    assert isinstance(result.exception, ConfigError)  # main() prints it as one line, exit 1
    message = str(result.exception)
    assert "countries: 'NARNIA' is not an ISO 3166-1 alpha-2 country code" in message
    assert "min_level: 'probably' is not one of" in message
    assert not (tmp_path / "r").exists()


def test_a_store_without_assessments_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, [
        "report", "--out", str(tmp_path / "r"), "--db", f"sqlite:///{tmp_path / 'empty.db'}",
    ])  # fmt: skip
    assert isinstance(result.exception, ConfigError)
    assert "run `fauxhire assess` first" in str(result.exception)


def test_a_folder_of_companies_alone_gives_an_empty_report(tmp_path: Path) -> None:
    """companies.csv is the one part of an input folder that is required: `run --report`
    on it once failed with "run `fauxhire assess` first" although assess had run."""
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\nc-1,Northwind,n.example.com,US,51,\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'store.db'}"
    result = runner.invoke(app, ["run", str(folder), "--db", db, "--report", str(tmp_path / "r")])
    assert result.exit_code == 0, (result.output, result.exception)
    figures = _json(tmp_path / "r" / "report.json")
    assert (figures["identities"], figures["interviews"], figures["companies"]) == (0, 0, 0)
    assert "no applications in scope" in result.output


def test_the_same_report_from_either_backend(
    demo_world: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's SQL differs by dialect (dates above all); its figures must not."""
    monkeypatch.setenv("FAUXHIRE_COMMUNITY_KEY", COMMUNITY_KEY.decode())  # as the demo ran
    out = tmp_path / "report"
    result = runner.invoke(
        app, ["run", str(demo_world / "input"), "--db", db_url, "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    figures, demo = _json(out / "report.json"), _json(demo_world / "report" / "report.json")
    assert _without_ids(figures) == _without_ids(demo)
    assert figures["identities"] > 0


def _without_ids(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures but the generation time, and the lists without identity and network ids:
    ids are numbered in row order, which two backends may give differently."""
    kept = {k: v for k, v in figures.items() if k not in ("identity_list", "network_list")}
    kept["about"] = {k: v for k, v in figures["about"].items() if k != "generated_at"}
    for name in ("identity_list", "network_list"):
        rows = [
            {k: v for k, v in row.items() if k not in ("identity_id", "network_id")}
            for row in figures[name]
        ]
        kept[name] = sorted(rows, key=lambda row: orjson.dumps(row, option=orjson.OPT_SORT_KEYS))
    return kept
