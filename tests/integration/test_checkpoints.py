"""A service's SQLite log is checkpointed by a thread of its own (store/checkpoints.py), not
inside the commit of whichever request crosses the threshold."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, text

from fauxhire.store import Store
from fauxhire.store.checkpoints import BACKSTOP_PAGES, background_checkpoints

BULK_PAGES = 16_384  # store/database.py's threshold, for bulk loads


def _threshold(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


def _in_database_file(path: Path) -> bool:
    """Whether the database file itself (its log left unread) holds the table ``probe``."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'probe'").fetchone()
    finally:
        conn.close()
    return found is not None


def _write_probe(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (x INTEGER)"))
        conn.execute(text("INSERT INTO probe (x) VALUES (:x)"), [{"x": i} for i in range(500)])


def test_the_thread_copies_the_log_into_the_database_file(tmp_path: Path) -> None:
    """A write far below the threshold stays in the log without the thread; with it, the
    database file holds it within moments."""
    path = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{path}")
    try:
        _write_probe(store.engine)
        time.sleep(0.3)
        assert not _in_database_file(path)  # no commit crossed the threshold: only in the log
        with store.engine.begin() as conn:
            conn.execute(text("DROP TABLE probe"))
        with background_checkpoints(store.engine, every=0.05):
            _write_probe(store.engine)
            deadline = time.monotonic() + 10
            while not _in_database_file(path) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _in_database_file(path)
    finally:
        store.close()


def test_requests_keep_only_a_backstop_threshold_while_the_thread_runs(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        assert _threshold(store.engine) == BULK_PAGES
        with background_checkpoints(store.engine, every=0.05):
            assert _threshold(store.engine) == BACKSTOP_PAGES
            assert "wal-checkpoints" in {t.name for t in threading.enumerate()}
        assert _threshold(store.engine) == BULK_PAGES  # and the thread is gone
        assert "wal-checkpoints" not in {t.name for t in threading.enumerate()}
    finally:
        store.close()


def test_only_sqlite_starts_a_thread(open_store: Callable[[str], Store], db_url: str) -> None:
    """On either backend the store's own context works; PostgreSQL checkpoints itself."""
    store = open_store(db_url)
    with store.checkpoints_in_background():
        started = "wal-checkpoints" in {t.name for t in threading.enumerate()}
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    assert started == (store.engine.dialect.name == "sqlite")
