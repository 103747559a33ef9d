"""docs/formats.md is the data contract the code cites: every section cited exists, nothing
cites the old contract file that lived outside the repository, and the fields, enumerations
and bounds the page states are the ones the readers and writers use."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from fauxhire.domain.levels import ESTIMATIVE_TERMS, estimative_level, level_floor
from fauxhire.domain.roles import CATEGORIES
from fauxhire.ingest import FOLDER_LAYOUT, FORMATS
from fauxhire.ingest.canonical import CanonicalApplication
from fauxhire.ingest.companies import COLUMNS as COMPANY_COLUMNS
from fauxhire.ingest.companies import CompanyRow
from fauxhire.ingest.hr import HrRow
from fauxhire.ingest.ipintel import IpIntelRow
from fauxhire.ingest.okta import LogEvent
from fauxhire.ingest.reports import ReportRow, Subject
from fauxhire.report import figures as report
from fauxhire.report.options import ReportOptions
from fauxhire.services.export import LINK_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "formats.md"
TEXT = DOC.read_text(encoding="utf-8")
# Where the project's text lives: code, tests, benchmarks, docs and the two top-level guides.
SCANNED = ("src", "tests", "bench", "docs", "examples", "README.md", "DEVELOPERS.md")
OLD_CONTRACT = "FORMATS" + ".md"  # spelled apart, so this file does not cite it itself
CITATION = re.compile(
    r"docs/formats\.md`?,?\s+sections?\s+(\d+(?:\.\d+)?(?:\s*(?:,|and|to)\s*\d+(?:\.\d+)?)*)"
)
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\. ", re.MULTILINE)


def _files() -> list[Path]:
    found = []
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
            continue
        for file in sorted(path.rglob("*")):
            parts = file.relative_to(ROOT).parts
            hidden = any(p.startswith(".") or p == "__pycache__" for p in parts)
            if file.is_file() and not hidden and file.stat().st_size < 8 << 20:
                found.append(file)
    return found


def _cited(text: str) -> set[str]:
    """The section numbers a text cites: "sections 4 to 9" cites 4, 5, ... 9."""
    out: set[str] = set()
    for match in CITATION.finditer(text):
        numbers = re.findall(r"\d+(?:\.\d+)?", match.group(1))
        if " to " in match.group(1):
            low, high = int(float(numbers[0])), int(float(numbers[-1]))
            numbers = [str(n) for n in range(low, high + 1)]
        out.update(numbers)
    return out


def _section(number: str) -> str:
    """The text of a numbered section, its subsections included."""
    start = re.search(rf"^## {re.escape(number)}\. ", TEXT, re.MULTILINE)
    assert start, f"docs/formats.md has no section {number}"
    end = re.search(r"^## ", TEXT[start.end() :], re.MULTILINE)
    return TEXT[start.start() : start.end() + end.start() if end else len(TEXT)]


def _table(text: str) -> dict[str, list[str]]:
    """The rows of the tables in ``text`` whose first cell names fields: each field named to
    the row's other cells."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) > 1:
            for name in re.findall(r"`([^`]+)`", cells[0]):
                rows[name] = cells[1:]
    return rows


def test_sections_are_numbered_1_to_12_in_order() -> None:
    top = [n for n in HEADING.findall(TEXT) if "." not in n]
    assert top == [str(n) for n in range(1, 13)]


def test_every_section_the_project_cites_exists() -> None:
    headings = set(HEADING.findall(TEXT))
    citing: dict[str, set[str]] = {}
    for file in _files():
        text = file.read_bytes().decode("utf-8", "replace")
        for number in _cited(text):
            citing.setdefault(number, set()).add(str(file.relative_to(ROOT)))
    assert len(citing) >= 10, "the citations were not found: has their form changed?"
    missing = {n: sorted(files) for n, files in citing.items() if n not in headings}
    assert not missing, f"cited sections that docs/formats.md does not have: {missing}"


def test_citations_name_a_section_in_one_form() -> None:
    short = [
        f"{file.relative_to(ROOT)}: {m.group(0)!r}"
        for file in _files()
        for m in re.finditer(
            r"docs/formats\.md`? \d+", file.read_bytes().decode("utf-8", "replace")
        )
    ]
    assert not short, f'write "docs/formats.md section N": {short}'


def test_nothing_cites_the_contract_file_outside_the_repository() -> None:
    citing = [
        str(file.relative_to(ROOT))
        for file in _files()
        if OLD_CONTRACT.encode() in file.read_bytes()
    ]
    assert not citing, f"cite docs/formats.md instead of {OLD_CONTRACT} in: {citing}"


@pytest.mark.parametrize(
    ("number", "model"),
    [
        ("2", CompanyRow),
        ("3", IpIntelRow),
        ("5", CanonicalApplication),
        ("9", ReportRow),
        ("7", LogEvent),
    ],
)
def test_required_fields_are_the_readers(number: str, model: type) -> None:
    rows = _table(_section(number))
    stated = {name for name, cells in rows.items() if cells[0] == "yes"}
    actual = {name for name, info in model.model_fields.items() if info.is_required()}
    assert stated == actual
    documented = {name.split(".")[0] for name in rows}
    assert set(model.model_fields) <= documented


def test_csv_headers_are_the_readers() -> None:
    assert f"`{','.join(COMPANY_COLUMNS)}`" in _section("2")
    assert f"`{','.join(IpIntelRow.model_fields)}`" in _section("3")
    assert ",".join(HrRow.model_fields) in _section("8")
    hr = _table(_section("8"))
    required = {name for name, info in HrRow.model_fields.items() if info.is_required()}
    assert {name for name, cells in hr.items() if cells[1] == "required"} == required


@pytest.mark.parametrize(
    ("number", "model", "field"),
    [
        ("3", IpIntelRow, "kind"),
        ("8", HrRow, "payout_method"),
        ("9", ReportRow, "disposition"),
        ("9", ReportRow, "confidence"),
    ],
)
def test_enumerations_are_the_readers(number: str, model: type, field: str) -> None:
    allowed = re.findall(r"'([^']+)'", str(model.model_fields[field].annotation))
    assert allowed, f"{model.__name__}.{field} is no longer a Literal: update this test"
    meaning = _table(_section(number))[field][-1]
    assert set(re.findall(r"`([^`]+)`", meaning)) == set(allowed)


def test_report_subject_lists_are_the_readers() -> None:
    meaning = _table(_section("9"))["subject"][-1]
    assert set(re.findall(r"`([^`]+)`", meaning)) == set(Subject.model_fields)


def test_folder_order_is_the_ingest_order() -> None:
    stated = re.search(r"in this order: ([^.]+)\.", _section("1"))
    assert stated
    order = [name.strip() for name in stated.group(1).replace("\n", " ").split(",")]
    assert order == list(dict.fromkeys(name for name, _ in FOLDER_LAYOUT))
    assert set(order) == set(FORMATS)


def test_estimative_levels_are_the_codes() -> None:
    rows = re.findall(r"^\| `([a-z ]+)` \| ([\d.]+) \| ([\d.]+)", _section("11"), re.MULTILINE)
    assert [term for term, _, _ in rows] == list(ESTIMATIVE_TERMS)
    for term, low, high in rows:
        assert level_floor(term) == float(low)
        assert estimative_level(float(low)) == term
        if float(high) < 1:
            assert estimative_level(float(high)) != term


def test_outputs_are_the_writers() -> None:
    outputs = _section("11")
    assert f"`{','.join(LINK_COLUMNS)}`" in outputs
    listed = re.search(r"\*\*Role categories\*\*[^\n]*\n((?:.+\n)+)", outputs)
    assert listed
    assert set(re.findall(r"`([a-z_]+)`", listed.group(0))) == set(CATEGORIES)
    empty = report.ReportData(
        applications=pl.DataFrame(schema=report.APPLICATIONS),
        companies=pl.DataFrame(schema=report.COMPANIES),
        identities=pl.DataFrame(schema=report.IDENTITIES),
        networks=pl.DataFrame(schema=report.NETWORKS),
        ruleset={"version": None, "hash": None},
    )
    figures = report.campaign_figures(
        empty, ReportOptions(), generated_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    report_keys = outputs.split("`report.json` holds at least:")[1].split("\n\n")[1]
    stated = set(_table(report_keys))
    assert stated, "the report.json table was not found"
    assert stated <= set(figures)
