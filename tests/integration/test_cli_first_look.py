"""What a new user sees first: full application ids, a short `stats`, help that reads as
sentences, quarantine excerpts as JSON in the file's own order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FAUXHIRE = Path(sys.executable).with_name("fauxhire")
COMPANIES = "company_id,name,domain,country,naics,tags\nc-1,Northwind,northwind.example,US,51,\n"
LONG_ID = "application-" + "0123456789" * 5  # 62 characters: longer than a table cell


def fauxhire(*args: str, cwd: Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAUXHIRE_")}
    env["COLUMNS"] = str(columns)
    return subprocess.run(
        [str(FAUXHIRE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of two companies' files: one application with a long id, and a Greenhouse
    export of twelve candidates that each fail validation."""
    folder = tmp_path_factory.mktemp("first-look")
    (folder / "input" / "applications").mkdir(parents=True)
    (folder / "input" / "greenhouse").mkdir()
    (folder / "input" / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    row = {"company_id": "c-1", "application_id": LONG_ID, "candidate_id": "p-1",
           "applied_at": "2025-01-01T00:00:00Z", "job_title": "Data Engineer",
           "first_name": "Ada", "last_name": "Example", "emails": ["ada@example.com"]}  # fmt: skip
    (folder / "input" / "applications" / "c-1.jsonl").write_text(json.dumps(row) + "\n")
    bad = [{"id": i, "first_name": "A", "last_name": None, "applications": "x"} for i in range(12)]
    (folder / "input" / "greenhouse" / "c-1.json").write_text(json.dumps(bad), encoding="utf-8")
    ran = fauxhire("run", "input", "--db", "store.db", cwd=folder)
    assert ran.returncode == 0, ran.stderr
    return folder


def test_show_identity_prints_whole_application_ids(store: Path) -> None:
    for columns in (200, 80):  # on one line where it fits, folded where it does not
        shown = fauxhire("show", "identity", "i-1", "--db", "store.db", cwd=store, columns=columns)
        assert shown.returncode == 0, shown.stderr
        cells = "".join(line.split("│")[2].strip() for line in shown.stdout.splitlines()[4:-2])
        assert f"c-1/{LONG_ID}" in (shown.stdout if columns == 200 else cells)


def test_stats_is_short_unless_asked_for_companies(store: Path) -> None:
    short = fauxhire("stats", "--db", "store.db", cwd=store)
    assert short.returncode == 0, short.stderr
    assert "by company" not in short.stdout and "--by-company lists each" in short.stdout
    full = fauxhire("stats", "--by-company", "--db", "store.db", cwd=store)
    assert "by company" in full.stdout and "c-1" in full.stdout


def test_quarantine_excerpts_are_json_in_the_files_order(store: Path) -> None:
    listed = fauxhire("quarantine", "list", "--json", "--db", "store.db", cwd=store)
    assert listed.returncode == 0, listed.stderr
    entries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [e["location"] for e in entries] == [f"/{i}" for i in range(12)]
    for i, entry in enumerate(entries):
        assert json.loads(entry["excerpt"]) == {
            "id": i, "first_name": "A", "last_name": None, "applications": "x"
        }  # fmt: skip
    first = fauxhire("quarantine", "list", "--json", "--limit", "3", "--db", "store.db", cwd=store)
    assert [json.loads(line)["location"] for line in first.stdout.splitlines()] == [
        "/0", "/1", "/2"
    ]  # fmt: skip


def test_help_reads_as_sentences(tmp_path: Path) -> None:
    """Typer's rich mode kept each docstring's line breaks: a sentence broke where the source
    line did, whatever the screen's width."""
    helped = fauxhire("--help", cwd=tmp_path, columns=200)
    assert helped.returncode == 0
    assert "the evidence, under the ruleset" in helped.stdout
    assert "report.html (charts and tables" in helped.stdout
    link = fauxhire("link", "--help", cwd=tmp_path, columns=200)
    assert "Ids stay stable across runs for identities and networks whose members" in link.stdout
