"""Opening a database by URL and bringing its schema to the current migration.

A store is opened to write (ingest, link, assess: it is created when new and migrated when
old) or to read (show, stats, export: it must exist at the current schema, and nothing is
written, so a store on a read-only disk or owned by another user can be read). A --db that is
neither a URL nor a SQLite file name is refused rather than created.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from fauxhire.errors import ConfigError, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")  # what a bare --db path may end with when new
_SQLITE_HEADER = b"SQLite format 3\x00"


def normalise_url(url: str) -> str:
    """``x.db`` and ``sqlite:///x.db`` are SQLite; ``postgresql://`` goes through psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def parse_url(given: str) -> URL:
    """The database URL ``given`` names, or a ConfigError saying why it names none."""
    url = normalise_url(given)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"not a database URL: {given!r}", url=given) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL",
            url=given,
        )
    return parsed


def shown_url(url: str) -> str:
    """``url`` as it may be printed or audited: its password hidden in the user part, and
    left out of the query, where the drivers take one too."""
    parsed = parse_url(url).difference_update_query(["password", "sslpassword"])
    return parsed.render_as_string(hide_password=True)


def sqlite_file(parsed: URL) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL and in-memory SQLite."""
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return Path(database)


def make_engine(url: str) -> Engine:
    """An engine to write the store at ``url``, which may be new."""
    parsed = parse_url(url)
    path = sqlite_file(parsed)
    if parsed.get_backend_name() == "sqlite":
        if path is not None:
            _check_new_or_sqlite(url, path)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def make_reader(url: str) -> Engine:
    """An engine that only reads the store at ``url``, which must exist."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "postgresql":
        # Every transaction read-only: the server refuses a write, whatever the code does.
        options = "-c default_transaction_read_only=on"
        return create_engine(parsed, pool_pre_ping=True, connect_args={"options": options})
    path = sqlite_file(parsed)
    if path is None:
        raise ConfigError(f"{url!r} is an in-memory database: there is no store to read", url=url)
    if not path.is_file():
        raise ConfigError(
            f"no store at {path}: a command that only reads never creates one "
            "(`fauxhire run DIR` or `fauxhire ingest` does)",
            url=url,
        )
    _check_sqlite(url, path)
    # The URL picks the dialect and a file database's pool; the creator opens it read-only.
    return create_engine(parsed, creator=_sqlite_read_only(path))


def _check_new_or_sqlite(url: str, path: Path) -> None:
    """A store to write: an existing SQLite file, or a new one in a folder that exists, named
    as a database when --db is a bare path (a typo must not become a file)."""
    if path.exists():
        _check_sqlite(url, path)
        return
    if not path.parent.is_dir():
        raise ConfigError(
            f"cannot create a store at {path}: the folder {path.parent} does not exist",
            url=url,
        )
    if "://" not in url and path.suffix.lower() not in SQLITE_SUFFIXES:
        raise ConfigError(
            f"{url!r} is neither a database URL (sqlite:///PATH, postgresql://USER@HOST/DB) nor "
            f"a SQLite file name ({', '.join(SQLITE_SUFFIXES)}); to create a store of that name "
            f"say sqlite:///{url}",
            url=url,
        )


def _check_sqlite(url: str, path: Path) -> None:
    if not path.is_file():
        raise ConfigError(f"{path} is not a file, so not a SQLite store", url=url)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise ConfigError(f"cannot read the store {path}: {exc.strerror}", url=url) from exc
    if header and header != _SQLITE_HEADER:  # SQLite makes an empty file a new database
        raise ConfigError(f"{path} is not a SQLite database", url=url)


def _sqlite_read_only(path: Path) -> Any:
    """A connection factory that never writes. SQLite reads a store in WAL mode through its
    shared-memory file, which it creates beside the store: where it cannot (a read-only disk,
    a folder of another user), the store is read as immutable, which is exact as long as no
    write-ahead log holds changes not yet in the file (a store closed cleanly holds none)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.OperationalError as exc:
        if wal.exists() and wal.stat().st_size:
            raise ConfigError(
                f"cannot read the store {path}: {exc}; its write-ahead log {wal.name} holds "
                "changes, so it must be opened once by a user who may write it",
                url=str(path),
            ) from exc
        uri += "&immutable=1"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA cache_size=-262144")
        return conn

    return connect


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
    # Its INFO lines are noise to users; set before the import, which logs its plugins.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise StoreError("migrate", exc) from exc


def check_readable(engine: Engine, url: str) -> None:
    """A store to read holds fauxhire's schema at the current migration; if not, say which
    command makes it so (reading never migrates: it may not write)."""
    try:
        engine.connect().close()
    except SQLAlchemyError as exc:
        raise StoreError("open", exc) from exc
    head, current = _head(), _revision(engine)
    if current == head:
        return
    url = engine.url.render_as_string(hide_password=True)  # an error line may be shared
    if current is None:
        raise ConfigError(
            f"{url} holds no fauxhire store (no schema): `fauxhire run DIR` or "
            "`fauxhire ingest` creates one",
            url=url,
        )
    raise ConfigError(
        f"the store {url} is at schema {current}, this fauxhire reads {head}: any command "
        "that writes (`fauxhire link`, `fauxhire ingest`) migrates it first",
        url=url,
    )


def _head() -> str:
    """The newest migration (revision ids are the files' numbers)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("0*_*.py"))


def _revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None  # a new store: no version table yet


def _at_head(engine: Engine) -> bool:
    """Whether the store is at the newest migration."""
    return _revision(engine) == _head()
