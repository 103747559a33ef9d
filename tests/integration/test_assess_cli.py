"""The assessment from the command line, on a small demo world: `fauxhire assess` stores an
assessment for every linked identity with the ruleset that made it, `export assessments` writes
the objects of docs/formats.md section 11 (and `--min-level` keeps the higher ones), `rules check`
passes the shipped ruleset and reports every problem of a broken one at its `file:line`,
`rules docs` documents every indicator, and a private ruleset named by FAUXHIRE_RULESET
replaces the shipped one with no code change."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from fauxhire import cli
from fauxhire.assess.ruleset import content_hash
from fauxhire.cli import app
from fauxhire.domain import Assessment
from fauxhire.domain.levels import estimative_level, level_floor
from fauxhire.errors import RuleError
from fauxhire.store import SqlStore, Store
from fauxhire.store.outputs import (
    read_assessments,
    read_links,
    replace_assessments,
)
from fauxhire_lab.world.feeds import COMMUNITY_KEY

runner = CliRunner()
SHIPPED = Path(str(resources.files("fauxhire.assess").joinpath("rules/default.yaml")))
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")
SHIPPED_IDS = [i["id"] for i in yaml.safe_load(SHIPPED_TEXT)["indicators"]]


@pytest.fixture
def world(demo_world: Path) -> Path:
    """The session's small linked world; each test assesses a copy of its store."""
    return demo_world


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped ruleset unless a test names another; a console wide enough that a
    problem's `file:line` is never folded."""
    monkeypatch.delenv("FAUXHIRE_RULESET", raising=False)
    monkeypatch.setenv("FAUXHIRE_COMMUNITY_KEY", COMMUNITY_KEY.decode())
    monkeypatch.setattr(cli.out, "width", 1000)
    monkeypatch.setattr(cli.err, "width", 1000)


@pytest.fixture
def db(world: Path, tmp_path: Path) -> str:
    copy = tmp_path / "assessed.db"
    shutil.copyfile(world / "fauxhire.db", copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    opened = SqlStore.open(db)
    yield opened
    opened.close()


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _assessed(db: str) -> str:
    return _invoke("assess", "--db", db)


def _linked(store: Store) -> dict[str, str | None]:
    """Identity -> its network, from the links table."""
    networks: dict[str, set[str | None]] = {}
    for link in read_links(store):
        networks.setdefault(link.identity_id, set()).add(link.network_id)
    assert all(len(held) == 1 for held in networks.values())  # one network an identity
    return {identity: next(iter(held)) for identity, held in networks.items()}


def _shipped_version() -> str:
    return str(yaml.safe_load(SHIPPED_TEXT)["version"])


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- fauxhire assess ------------------------------------------------------------------------


def test_assess_stores_every_linked_identity_with_its_ruleset(db: str, store: Store) -> None:
    replace_assessments(store, [], now=datetime.now(UTC))  # the demo assessed; start empty
    assert read_assessments(store) == []
    printed = _assessed(db)
    linked = _linked(store)
    identities = read_assessments(store, "identity")
    assert len(identities) == len(linked) > 500
    assert {row.subject_id for row in identities} == set(linked)
    networks = read_assessments(store, "network")
    assert {row.subject_id for row in networks} == {n for n in linked.values() if n}
    label = f"fauxhire-default@{_shipped_version()}"
    for row in identities + networks:
        assert row.ruleset_version == label
        assert row.ruleset_hash == content_hash(SHIPPED_TEXT)
        assert row.level == estimative_level(row.probability)
    assert f"assessed {len(linked):,} identities" in printed
    assert label in printed
    assert "for review" in printed  # a recommendation for review, never a verdict


def test_assess_runs_again_and_replaces_its_assessments(db: str, store: Store) -> None:
    _assessed(db)
    first = _by_subject(read_assessments(store))
    _assessed(db)
    again = _by_subject(read_assessments(store))
    assert again == first


def _by_subject(rows: list[Assessment]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Each subject's probability, level and the indicators that fired with their weights."""
    return {
        (r.subject_kind, r.subject_id): (
            r.probability,
            r.level,
            sorted((e.indicator, e.weight) for e in r.evidence),
        )
        for r in rows
    }


# --- fauxhire export assessments ------------------------------------------------------------


def test_export_writes_the_objects_of_formats_section_11(
    db: str, store: Store, tmp_path: Path
) -> None:
    _assessed(db)
    out = tmp_path / "assessments.jsonl"
    printed = _invoke("export", "assessments", "--out", str(out), "--db", db)
    objects = _jsonl(out)
    linked = _linked(store)
    assert f"wrote {len(objects):,} identity assessments" in printed
    assert len(objects) == len(linked)
    assert {o["identity_id"] for o in objects} == set(linked)
    required = {"identity_id", "network_id", "probability", "level", "evidence"}
    with_evidence = 0
    for o in objects:
        assert required <= set(o), o
        assert o["network_id"] == linked[o["identity_id"]]
        assert isinstance(o["probability"], float) and 0 <= o["probability"] <= 1
        assert o["level"] == estimative_level(o["probability"])
        assert isinstance(o["evidence"], list)
        for item in o["evidence"]:
            assert set(item) == {"indicator", "weight", "detail", "sources"}, item
            assert item["indicator"] in SHIPPED_IDS
            assert isinstance(item["weight"], int | float) and item["weight"] != 0
            assert isinstance(item["detail"], str) and item["detail"]
            assert item["sources"] and all(isinstance(s, str) for s in item["sources"])
        weights = [item["weight"] for item in o["evidence"]]
        assert weights == sorted(weights, reverse=True)  # strongest first
        with_evidence += bool(o["evidence"])
    assert with_evidence >= 20
    probabilities = [o["probability"] for o in objects]
    assert probabilities == sorted(probabilities, reverse=True)


def test_export_min_level_keeps_that_level_and_higher(db: str, tmp_path: Path) -> None:
    _assessed(db)
    everything, likely = tmp_path / "all.jsonl", tmp_path / "likely.jsonl"
    _invoke("export", "assessments", "--out", str(everything), "--db", db)
    _invoke("export", "assessments", "--out", str(likely), "--min-level", "likely", "--db", db)
    kept = _jsonl(likely)
    wanted = [o for o in _jsonl(everything) if o["probability"] >= level_floor("likely")]
    assert 10 <= len(kept) < len(_jsonl(everything))
    assert kept == wanted
    assert {o["level"] for o in kept} <= {"likely", "very likely", "almost certain"}


def test_export_refuses_an_unknown_level(db: str, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = runner.invoke(
        app, ["export", "assessments", "--out", str(out), "--min-level", "probable", "--db", db]
    )
    assert result.exit_code == 2, result.output
    assert "--min-level" in result.output
    assert not out.exists()


# --- fauxhire rules check / docs ------------------------------------------------------------


def test_rules_check_passes_the_shipped_ruleset() -> None:
    printed = _invoke("rules", "check", str(SHIPPED))
    assert f"{SHIPPED}: ok" in printed
    assert content_hash(SHIPPED_TEXT) in printed


def _line_of(text: str, pattern: str, after: str = "") -> int:
    """The 1-based line of the first line matching ``pattern`` after the line ``after``."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if after in line) if after else 0
    return next(n + 1 for n in range(start, len(lines)) if re.search(pattern, lines[n]))


def _broken(text: str, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_check_reports_every_problem_at_its_line(tmp_path: Path) -> None:
    """An unknown detector and a behavioural indicator weighed to reach `likely` alone: both
    reported, each at its own line, in one run."""
    text = SHIPPED_TEXT.replace("detector: virtual_camera", "detector: virtual_camra", 1)
    volume = _line_of(text, r"^\s+weight:", after="id: application-volume")
    lines = text.splitlines(keepends=True)
    lines[volume - 1] = re.sub(r"weight: [\d.]+", "weight: 6.0", lines[volume - 1])
    text = "".join(lines)
    path = _broken(text, tmp_path, "broken.yaml")
    detector = _line_of(text, r"detector: virtual_camra")

    result = runner.invoke(app, ["rules", "check", str(path)])
    assert result.exit_code == 1, result.output
    problems = [line for line in result.stdout.splitlines() if line.startswith(f"{path}:")]
    assert len(problems) == 2, result.output
    assert problems[0].startswith(f"{path}:{detector}: error: ")
    assert "unknown detector 'virtual_camra'" in problems[0]
    assert problems[1].startswith(f"{path}:{volume}: error: ")
    assert "likely" in problems[1]
    assert f"{path}: 2 error(s)" in result.stderr


def test_rules_check_reports_a_yaml_error_at_its_line(tmp_path: Path) -> None:
    text = SHIPPED_TEXT.replace("params: {low: 8, high: 30}", "params: {low: 8, high: 30", 1)
    assert text != SHIPPED_TEXT
    path = _broken(text, tmp_path, "unparsable.yaml")
    broken = _line_of(text, r"params: \{low: 8, high: 30$")

    result = runner.invoke(app, ["rules", "check", str(path)])
    assert result.exit_code == 1, result.output
    found = re.search(
        rf"^{re.escape(str(path))}:(\d+): error: .*not valid YAML", result.stdout, re.M
    )
    assert found, result.output
    assert broken <= int(found.group(1)) <= broken + 2  # where the parser noticed it


def test_rules_check_refuses_a_file_that_is_not_there(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rules", "check", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuleError)  # main() prints it as one line, exit 1
    assert "absent.yaml: cannot read the ruleset" in str(result.exception)


def test_rules_docs_writes_a_reference_of_every_indicator(tmp_path: Path) -> None:
    out = tmp_path / "indicators.md"
    _invoke("rules", "docs", "--out", str(out))
    written = out.read_text(encoding="utf-8")
    assert written.startswith("# Indicator reference: fauxhire-default@")
    assert len(SHIPPED_IDS) >= 20
    for indicator in SHIPPED_IDS:
        assert f"## `{indicator}`" in written, indicator
    assert content_hash(SHIPPED_TEXT) in written


# --- a private ruleset, by configuration ----------------------------------------------------


def _private(tmp_path: Path) -> Path:
    text, n = re.subn(r"^version: .*$", 'version: "private-7"', SHIPPED_TEXT, count=1, flags=re.M)
    assert n == 1
    text = text.replace("weight: 2.0\n", "weight: 2.1\n", 1)  # and its own tuning
    return _broken(text, tmp_path, "private.yaml")


def test_a_private_ruleset_replaces_the_shipped_one(
    db: str, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = _private(tmp_path)
    monkeypatch.setenv("FAUXHIRE_RULESET", str(private))
    printed = _assessed(db)
    assert "fauxhire-default@private-7" in printed
    rows = read_assessments(store)
    assert rows
    assert {r.ruleset_version for r in rows} == {"fauxhire-default@private-7"}
    assert {r.ruleset_hash for r in rows} == {content_hash(private.read_text(encoding="utf-8"))}
    docs = tmp_path / "private.md"
    _invoke("rules", "docs", "--out", str(docs))
    assert docs.read_text(encoding="utf-8").startswith(
        "# Indicator reference: fauxhire-default@private-7"
    )


def test_a_broken_private_ruleset_stops_assess_with_its_problems(
    db: str, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SHIPPED_TEXT.replace("detector: virtual_camera", "detector: virtual_camra", 1)
    private = _broken(text, tmp_path, "private.yaml")
    before = _by_subject(read_assessments(store))
    assert before
    monkeypatch.setenv("FAUXHIRE_RULESET", str(private))
    result = runner.invoke(app, ["assess", "--db", db])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, RuleError)  # main() prints it as one line, exit 1
    line = _line_of(text, r"detector: virtual_camra")
    assert f"{private}:{line}: error: " in str(result.exception)
    after = read_assessments(store)  # the last assessment stands, none under the broken one
    assert _by_subject(after) == before
    assert {r.ruleset_version for r in after} == {f"fauxhire-default@{_shipped_version()}"}
