"""A SQLite store's write-ahead log copied into the database by a thread of its own while a
service writes (``fauxhire serve``), not by whichever request happens to cross the line.

SQLite copies the log into the database (a checkpoint) inside the commit that takes the log
past ``wal_autocheckpoint`` pages (16,384 here: store/database.py, for bulk loads). On a
million-application store, the screen whose commit crossed it waited 0.2 to 1.1 s while
64 MiB were copied, once every few hundred screens: the tail of a service's latency.

``background_checkpoints`` gives that work to a thread that checkpoints every ``every``
seconds, PASSIVE (it never waits on a reader or a writer; what it cannot copy yet, it copies
next time), so each copy is small. The service's own connections keep a threshold, raised
to a backstop: were the thread to fall far behind, a commit would checkpoint as before
rather than let the log grow without end. PostgreSQL's checkpointer is a server process of
its own: there, nothing is done.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, event

from fauxhire.store.database import sqlite_file

log = logging.getLogger(__name__)
BACKSTOP_PAGES: Final = 262_144  # 1 GiB of 4 KiB pages: only if the thread falls behind
DEFAULT_EVERY: Final = 1.0  # seconds between checkpoints


@contextmanager
def background_checkpoints(engine: Engine, every: float = DEFAULT_EVERY) -> Iterator[None]:
    """While inside, ``engine``'s SQLite log is checkpointed by a thread every ``every``
    seconds, and its connections' own threshold is the backstop. Nothing for PostgreSQL or
    an in-memory database."""
    path = sqlite_file(engine.url)
    if path is None:
        yield
        return
    event.listen(engine, "connect", _backstop)
    engine.dispose()  # the pooled connections were opened with the bulk loads' threshold
    stop = threading.Event()
    worker = threading.Thread(
        target=_checkpoint_until, args=(path, every, stop), name="wal-checkpoints", daemon=True
    )
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()
        event.remove(engine, "connect", _backstop)
        engine.dispose()


def _backstop(dbapi_conn: Any, _record: Any) -> None:
    # After store/database.py's own connect listener, which set the bulk loads' threshold.
    dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")


def _checkpoint_until(path: Path, every: float, stop: threading.Event) -> None:
    conn = sqlite3.connect(path, check_same_thread=False)
    try:
        while not stop.wait(every):
            try:
                busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as exc:  # the next round tries again
                log.warning("checkpoint of %s failed: %s", path.name, exc)
                continue
            log.debug("checkpoint: %s of %s log pages copied (busy: %s)", copied, logged, busy)
    finally:
        conn.close()
