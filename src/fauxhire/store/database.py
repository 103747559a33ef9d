"""Opening a database by URL and bringing its schema to the current migration."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from fauxhire.errors import ConfigError, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """``x.db`` and ``sqlite:///x.db`` are SQLite; ``postgresql://`` goes through psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"not a database URL: {url!r}", url=url) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL",
            url=url,
        )
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL: readers never block the writer; synchronous=NORMAL is durable against a killed
    # process (the case we test), trading only the last commits on power loss.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-262144")  # 256 MiB: index builds after bulk loads sort in it
    cur.execute("PRAGMA threads=2")  # let the sorter of CREATE INDEX use the second core
    # Checkpoint the WAL every ~64 MiB, not every 4 MiB: a page rewritten by many chunks of a
    # bulk load is then copied into the database once instead of many times.
    cur.execute("PRAGMA wal_autocheckpoint=16384")
    cur.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and _at_head(engine):
        return  # every command opens the store: no alembic (a second of imports) when current
    from alembic import command
    from alembic.config import Config

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its INFO lines are noise to users
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise StoreError("migrate", exc) from exc


def _at_head(engine: Engine) -> bool:
    """Whether the store is at the newest migration (revision ids are the files' numbers)."""
    head = max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("0*_*.py"))
    try:
        with engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return False  # a new store: no version table yet
    return current == head
