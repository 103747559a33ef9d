"""After a stage rewrites its tables, PostgreSQL's planner statistics of them are refreshed
(``Store.refresh_statistics``): a screen's queries right after a bulk load were planned for
empty tables (a name's holders read by a scan of every link, 8 s at a million applications)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.store import SqlStore, schema
from fauxhire.store.store import STATISTICS


def _analysed(url: str) -> dict[str, bool]:
    """Per table of the database, whether ANALYZE (not autovacuum's) has run on it."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables"
        ).fetchall()
    return dict(rows)


def test_a_full_run_refreshes_the_statistics_of_its_links_and_assessments(
    demo_world: Path, pg_url: str
) -> None:
    assert not any(_analysed(pg_url).values())  # a fresh database: nothing analysed yet
    result = CliRunner().invoke(app, ["run", str(demo_world / "input"), "--db", pg_url])
    assert result.exit_code == 0, result.output
    analysed = _analysed(pg_url)
    for table in (*STATISTICS["links"], *STATISTICS["assessments"]):
        assert analysed[table], table


def test_every_table_a_bulk_ingest_writes_is_analysed(pg_url: str) -> None:
    store = SqlStore.open(pg_url)
    try:
        store.refresh_statistics("records")
    finally:
        store.close()
    analysed = _analysed(pg_url)
    assert all(analysed[table] for table in STATISTICS["records"])


def test_sqlite_keeps_no_statistics_to_refresh(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        for written in STATISTICS:
            store.refresh_statistics(written)  # type: ignore[arg-type]
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "store.db") as conn:
        found = conn.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert found.fetchall() == []  # SQLite's plans stay those of its indexes alone


@pytest.mark.parametrize("written", sorted(STATISTICS))
def test_the_tables_named_exist(written: str) -> None:
    assert set(STATISTICS[written]) <= set(schema.metadata.tables)
