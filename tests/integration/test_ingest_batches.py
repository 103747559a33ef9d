"""Many files a transaction, on SQLite and PostgreSQL: small files share commits, a bad file
among good ones is refused alone, a re-run skips everything, and a batch the store fails still
stores its good files, written again one by one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.ingest import get_format
from fauxhire.services import FileResult, ingest_files, quarantine_entries, store_stats
from fauxhire.services.parsing import ParsePool
from fauxhire.store import Store
from fauxhire.store import schema as s
from support.clock import Ticks  # tests/ is on sys.path (its conftest.py)

APPS = get_format("applications")
BAD = Path(__file__).parents[1] / "fixtures" / "bad"
runner = CliRunner()


def _line(app_id: str, title: str = "QA Engineer") -> str:
    return json.dumps({
        "company_id": "c-1",
        "application_id": app_id,
        "candidate_id": f"p-{app_id}",
        "applied_at": "2025-01-02T03:04:05Z",
        "job_title": title,
        "first_name": "Gina",
        "last_name": "Good",
        "emails": [f"{app_id}@example.com"],
    })  # fmt: skip


def _files(folder: Path, count: int, per_file: int = 3, prefix: str = "a") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{prefix}-{n:03d}.jsonl"
        ids = [f"{prefix}-{n}-{i}" for i in range(per_file)]
        path.write_text("".join(_line(i) + "\n" for i in ids))
        paths.append(path)
    return paths


def _titles(store: Store) -> dict[str, str]:
    t = s.applications
    return {r["application_id"]: r["job_title"] for r in store.rows(select(t))}


def _files_by_name(store: Store) -> dict[str, dict[str, Any]]:
    t = s.ingest_files
    return {Path(r["display"]).name: r for r in store.rows(select(t))}


@pytest.fixture
def pool(request: pytest.FixtureRequest, db_url: str) -> Iterator[ParsePool | None]:
    """No pool (the files are parsed in this process), or real worker processes that parse
    whatever there is, however little."""
    if request.param == "here":
        yield None
        return
    dialect = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    with ParsePool(dialect, 2, min_bytes=0) as workers:
        yield workers


def test_many_small_files_go_in_one_transaction(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    paths = _files(tmp_path / "in", 200)
    results = ingest_files(store, APPS, paths, clock=Ticks())
    assert [r.status for r in results] == ["done"] * 200
    assert [r.records for r in results] == [3] * 200
    assert store.count("applications") == 600
    files = store.rows(select(s.ingest_files.c.finished_at, s.ingest_files.c.items_done))
    assert len({f["finished_at"] for f in files}) == 1  # one commit for all 200 files
    assert {f["items_done"] for f in files} == {3}


def test_batches_are_bounded_by_the_chunk_size(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    paths = _files(tmp_path / "in", 40, per_file=5)
    ingest_files(store, APPS, paths, clock=Ticks(), chunk_size=50)
    stamps = [r["ingested_at"] for r in store.rows(select(s.applications.c.ingested_at))]
    assert len(stamps) == 200
    assert len(set(stamps)) == 4  # 200 records in commits of 50
    assert max(stamps.count(t) for t in set(stamps)) == 50


@pytest.mark.parametrize("pool", ["here", "workers"], indirect=True)
def test_a_bad_file_among_good_ones_is_refused_and_the_rest_go_in(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path, pool: ParsePool | None
) -> None:
    store = open_store(db_url)
    good = _files(tmp_path / "in", 30)
    paths = [
        *good[:10],
        BAD / "applications_truncated_array.json",  # refused: not JSON to the end
        *good[10:20],
        BAD / "applications_missing_field.jsonl",  # one line quarantined, two in
        *good[20:],
    ]
    results = ingest_files(store, APPS, paths, clock=Ticks(), pool=pool)

    by_name = {Path(r.file).name: r for r in results}
    refused = by_name["applications_truncated_array.json"]
    assert (refused.status, refused.records, refused.quarantined) == ("refused", 0, 1)
    assert "truncated" in (refused.error or "")
    partly = by_name["applications_missing_field.jsonl"]
    assert (partly.status, partly.records, partly.quarantined) == ("done", 2, 1)
    assert [by_name[p.name].status for p in good] == ["done"] * 30
    assert store.count("applications") == 30 * 3 + 2
    entries = {
        (Path(e["file"]).name, e["code"], e["location"][:4]) for e in quarantine_entries(store)
    }
    assert entries == {
        ("applications_truncated_array.json", "invalid_json", "line"),
        ("applications_missing_field.jsonl", "missing", "line"),
    }
    assert _files_by_name(store)["applications_truncated_array.json"]["status"] == "refused"


def test_running_again_skips_every_file_and_changes_nothing(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    paths = [*_files(tmp_path / "in", 50), BAD / "applications_missing_field.jsonl"]
    ingest_files(store, APPS, paths, clock=Ticks())
    before = store_stats(store), store.rows(select(s.applications).order_by(s.applications.c.key))
    files_before = store.rows(select(s.ingest_files).order_by(s.ingest_files.c.file_id))

    again = ingest_files(store, APPS, paths, clock=Ticks())

    assert {r.status for r in again} == {"skipped"}
    assert sum(r.records for r in again) == 50 * 3 + 2  # what the first run stored
    after = store_stats(store), store.rows(select(s.applications).order_by(s.applications.c.key))
    assert after == before
    assert store.rows(select(s.ingest_files).order_by(s.ingest_files.c.file_id)) == files_before


def test_the_same_content_twice_in_one_call_is_ingested_once(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    [path] = _files(tmp_path / "in", 1)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(path.read_bytes())
    first, second = ingest_files(store, APPS, [path, copy], clock=Ticks())
    assert (first.status, first.records) == ("done", 3)
    assert (second.status, second.records) == ("skipped", 3)
    assert store.count("ingest_files") == 1


@pytest.mark.parametrize("one_call", [True, False], ids=["one-batch", "two-runs"])
def test_a_conflicting_duplicate_in_a_later_file_is_quarantined_and_the_first_kept(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path, one_call: bool
) -> None:
    store = open_store(db_url)
    older, newer = tmp_path / "1-older.jsonl", tmp_path / "2-newer.jsonl"
    older.write_text(_line("x", "Old Title") + "\n" + _line("y") + "\n")
    newer.write_text(_line("z") + "\n" + _line("y") + "\n" + _line("x", "New Title") + "\n")
    if one_call:
        results = ingest_files(store, APPS, [older, newer], clock=Ticks())
    else:
        results = ingest_files(store, APPS, [older], clock=Ticks())
        results += ingest_files(store, APPS, [newer], clock=Ticks())
    assert [(r.status, r.records, r.quarantined) for r in results] == [
        ("done", 2, 0),
        ("done", 2, 1),  # z new, y identical (a no-op), x conflicting
    ]
    assert _titles(store) == {"x": "Old Title", "y": "QA Engineer", "z": "QA Engineer"}
    (entry,) = quarantine_entries(store)
    assert (entry["file"], entry["location"], entry["field"], entry["code"]) == (
        str(newer),
        "line 3",
        "application_id",
        "conflicting_duplicate",
    )
    assert f"from {older} line 1" in entry["reason"]
    assert "kept until an analyst decides" in entry["reason"]
    assert json.loads(entry["excerpt"]) == {
        "job_title": {"stored": "Old Title", "new": "New Title"}
    }
    files = store.rows(select(s.ingest_files.c.records, s.ingest_files.c.quarantined))
    assert sorted((f["records"], f["quarantined"]) for f in files) == [(2, 0), (2, 1)]
    emails = store.rows(select(s.applicant_values).where(s.applicant_values.c.kind == "email"))
    assert sorted(e["key"] for e in emails) == ["x@example.com", "y@example.com", "z@example.com"]
    before = store_stats(store)
    again = ingest_files(store, APPS, [newer, older], clock=Ticks())
    assert {r.status for r in again} == {"skipped"}
    assert store_stats(store) == before


def test_a_value_no_backend_stores_quarantines_its_record_naming_line_and_field(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    """PostgreSQL refuses NUL in text: one such value lost the whole file, naming nothing."""
    store = open_store(db_url)
    path = tmp_path / "apps.jsonl"
    nul_in_extra = json.loads(_line("w"))
    nul_in_extra["notes"] = {"free text": "a\u0000b"}
    path.write_text(
        _line("x")
        + "\n"
        + _line("y", "QA\u0000Engineer")  # json.dumps writes it as the escape \\u0000
        + "\n"
        + json.dumps(nul_in_extra)
        + "\n"
        + _line("z", "Back\\u0000slash")  # a literal backslash-u0000: stored as it is
        + "\n"
    )
    (result,) = ingest_files(store, APPS, [path], clock=Ticks())
    assert (result.status, result.records, result.quarantined) == ("done", 2, 2)
    assert _titles(store) == {"x": "QA Engineer", "z": "Back\\u0000slash"}
    got = sorted((e["location"], e["field"], e["code"]) for e in quarantine_entries(store))
    assert got == [
        ("line 2", "job_title", "unstorable_value"),
        ("line 3", "extra/notes/free text", "unstorable_value"),
    ]
    assert all("NUL character" in e["reason"] for e in quarantine_entries(store))


# -- a batch the store fails -------------------------------------------------------------------

_SQLITE_TRIGGER = """
CREATE TRIGGER refuse_poison BEFORE INSERT ON applications
WHEN NEW.application_id LIKE 'poison%'
BEGIN SELECT RAISE(ABORT, 'poisoned record refused by the database'); END
"""
_PG_TRIGGER = (
    """
CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.application_id LIKE 'poison%' THEN
    RAISE EXCEPTION 'poisoned record refused by the database';
  END IF;
  RETURN NEW;
END $$
""",
    """
CREATE TRIGGER refuse_poison BEFORE INSERT ON applications
FOR EACH ROW EXECUTE FUNCTION refuse_poison()
""",
)


def _refuse_poison(store: Store) -> None:
    """A rule of the database itself (as a DBA might add): rows it refuses fail the whole
    statement, as a constraint violation or a value the server cannot store would."""
    statements = (_SQLITE_TRIGGER,) if store.dialect == "sqlite" else _PG_TRIGGER
    with store.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def _allow_poison(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "DROP TRIGGER refuse_poison"
                + ("" if store.dialect == "sqlite" else " ON applications")
            )
        )


def test_a_batch_the_store_fails_still_stores_its_good_files(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    _refuse_poison(store)
    paths = _files(tmp_path / "in", 20)
    poisoned = paths[7]
    poisoned.write_text(_line("good-before") + "\n" + _line("poison-1") + "\n")

    results = ingest_files(store, APPS, paths, clock=Ticks())

    statuses = {Path(r.file).name: r.status for r in results}
    assert statuses.pop(poisoned.name) == "refused"
    assert set(statuses.values()) == {"done"}
    titles = _titles(store)
    assert len(titles) == 19 * 3  # every good file whole
    assert "good-before" not in titles  # the refused file's records are not half in
    [entry] = quarantine_entries(store)
    assert (Path(entry["file"]).name, entry["code"], entry["location"]) == (
        poisoned.name,
        "store_error",
        "(file)",
    )
    assert "poisoned record refused by the database" in entry["reason"]
    assert _files_by_name(store)[poisoned.name]["status"] == "refused"

    # Once the store takes it, running the same ingest again stores the refused file alone.
    _allow_poison(store)
    again = ingest_files(store, APPS, paths, clock=Ticks())
    assert [r.status for r in again].count("skipped") == 19
    assert {Path(r.file).name: r.status for r in again}[poisoned.name] == "done"
    assert {"good-before", "poison-1"} <= set(_titles(store))


def test_a_file_the_store_fails_part_way_keeps_what_was_committed(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    _refuse_poison(store)
    path = tmp_path / "big.jsonl"
    ids = [f"a-{n}" for n in range(7)] + ["poison-1"] + [f"b-{n}" for n in range(4)]
    path.write_text("".join(_line(i) + "\n" for i in ids))
    after = _files(tmp_path / "more", 2)

    results: list[FileResult] = ingest_files(
        store, APPS, [path, *after], clock=Ticks(), chunk_size=5
    )

    assert [r.status for r in results] == ["refused", "done", "done"]
    # Items 1-5 were committed before the chunk with the poisoned record failed.
    assert results[0].records == 5
    assert set(_titles(store)) >= {f"a-{n}" for n in range(5)}
    assert not set(_titles(store)) & {"a-5", "a-6", "poison-1", "b-0"}
    assert store.count("applications") == 5 + 2 * 3


# -- what the command line says ----------------------------------------------------------------


def test_the_command_line_counts_files_and_lists_them_only_when_asked(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    paths = [str(p.relative_to(tmp_path)) for p in _files(tmp_path / "in", 120)]
    bad = str(BAD / "applications_truncated_array.json")
    first = runner.invoke(app, ["ingest", "applications", *paths, bad, "--db", db_url])
    assert first.exit_code == 2  # a file was refused
    assert "a-007.jsonl" not in first.stdout  # no row a file
    [row] = [line for line in first.stdout.splitlines() if "applications" in line]
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells == ["applications", "121", "120", "0", "1", "360", "1"]
    assert "applications_truncated_array.json" in first.stderr  # a refused file is named

    again = runner.invoke(app, ["ingest", "applications", *paths, "--db", db_url, "--verbose"])
    assert again.exit_code == 0
    listed = [line for line in again.stdout.splitlines() if ".jsonl" in line]
    assert [line.split("│")[1].strip() for line in listed] == paths
    assert all("skipped" in line for line in listed)
