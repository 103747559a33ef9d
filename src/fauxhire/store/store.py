"""The store: the one object the services use to read and write persistent state."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, NamedTuple, Self

import psycopg
from sqlalchemy import Connection, Engine, func, select, text, tuple_
from sqlalchemy.exc import SQLAlchemyError

from fauxhire.enrich.pii import Sealer
from fauxhire.errors import StoreError
from fauxhire.ports import Written
from fauxhire.store import schema
from fauxhire.store.checkpoints import background_checkpoints
from fauxhire.store.database import check_readable, make_engine, make_reader, migrate
from fauxhire.store.prepare import Prepared, Preparer
from fauxhire.store.writer import ID_BATCH, ChunkWriter, FileProgress, QuarantineEntry

# What a stage rewrites (ports.Written), and its tables: their planner statistics are
# refreshed after it.
STATISTICS: Final[dict[str, tuple[str, ...]]] = {
    "records": (
        "applications", "applicant_values", "meeting_participants", "signin_events", "hires",
        "employer_reports", "report_subject_values", "report_matches", "companies",
    ),
    "links": ("links", "link_edges", "link_runs"),
    "assessments": ("assessments",),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class FileState:
    """An ingest of one file's content: where a previous run got to, if there was one."""

    file_id: int
    status: str  # started | done | refused
    items_done: int
    records: int
    quarantined: int


class FileEntry(NamedTuple):
    """A file about to be ingested, named by its content."""

    company_id: str | None
    sha256: str
    size: int
    display: str


def _file_states(
    conn: Connection, fmt: str, files: Sequence[FileEntry]
) -> dict[tuple[str, str], FileState]:
    t = schema.ingest_files
    wanted = sorted({(f.company_id or "", f.sha256) for f in files})
    states: dict[tuple[str, str], FileState] = {}
    for start in range(0, len(wanted), ID_BATCH):
        query = select(
            t.c.company_id,
            t.c.sha256,
            t.c.file_id,
            t.c.status,
            t.c.items_done,
            t.c.records,
            t.c.quarantined,
        ).where(
            t.c.format == fmt,
            tuple_(t.c.company_id, t.c.sha256).in_(wanted[start : start + ID_BATCH]),
        )
        for company, sha256, *state in conn.execute(query):
            states[company, sha256] = FileState(*state)
    return states


class Store:
    def __init__(self, engine: Engine, sealer: Sealer | None = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # Seals contact details at rest (store/sealed.py); None writes them in clear.
        self.sealer = sealer
        self._unit = threading.local()  # the connection of the unit of work under way

    @classmethod
    def open(
        cls,
        url: str,
        *,
        migrate_schema: bool = True,
        read_only: bool = False,
        sealer: Sealer | None = None,
    ) -> Self:
        """The store at ``url``: to write (created when new, migrated when old), or, with
        ``read_only``, to read as it is (it must exist; nothing is written). ``sealer`` seals
        and opens the contact details (bootstrap gives the keyring's)."""
        if read_only:
            engine = make_reader(url)
            try:
                check_readable(engine, url)
            except BaseException:
                engine.dispose()
                raise
            return cls(engine, sealer)
        engine = make_engine(url)
        if migrate_schema:
            migrate(engine)
        store = cls(engine, sealer)
        store.ensure_indexes()  # a bulk load killed part-way leaves them dropped
        return store

    # -- secondary indexes -----------------------------------------------------------------

    def drop_secondary_indexes(self, tables: Sequence[str]) -> None:
        """Drop the lookup indexes of tables about to take a bulk load.

        Building an index once over sorted data is several times cheaper than keeping it up to
        date through a million scattered inserts. ``ensure_indexes`` builds them again, at the
        end of the load or, if the load was killed, the next time the store is opened.
        """
        with self.transaction("drop_secondary_indexes") as conn:
            for name in tables:
                for index in schema.metadata.tables[name].indexes:
                    index.drop(conn, checkfirst=True)

    def ensure_indexes(self) -> None:
        with self.transaction("ensure_indexes") as conn:
            for table in schema.metadata.sorted_tables:
                for index in table.indexes:
                    index.create(conn, checkfirst=True)

    def close(self) -> None:
        self.engine.dispose()

    def checkpoints_in_background(self) -> AbstractContextManager[None]:
        """A service's: the SQLite log copied into the database by a thread of its own, not
        inside a request's commit (``checkpoints.py``); nothing on PostgreSQL."""
        return background_checkpoints(self.engine)

    @contextmanager
    def transaction(self, operation: str) -> Iterator[Connection]:
        """A transaction of its own, or, inside ``unit_of_work``, the unit's: its writes
        commit with the unit's, or roll back with it."""
        held: Connection | None = getattr(self._unit, "conn", None)
        try:
            if held is not None:
                yield held
                return
            with self.engine.begin() as conn:
                yield conn
        except (SQLAlchemyError, sqlite3.Error, psycopg.Error) as exc:
            # The bulk paths use the drivers' own cursors, whose errors SQLAlchemy never sees.
            raise StoreError(operation, exc) from exc

    def refresh_statistics(self, written: Written) -> None:
        """After a stage rewrote its tables (a bulk ingest's records, a full run's links, a
        whole-store assessment): on PostgreSQL, the planner's statistics of those tables, so
        that the next queries are planned for what the tables now hold. Right after a million
        applications were loaded, before autovacuum had analysed them, PostgreSQL planned a
        screen's lookup of a name's holders as a scan of every link: 8 s, against 10 ms
        after ANALYZE. SQLite plans by its indexes without statistics: nothing to do.
        Outside any unit of work: ANALYZE sees what has committed."""
        if self.dialect != "postgresql":
            return
        tables = ", ".join(STATISTICS[written])
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"ANALYZE {tables}"))
        except (SQLAlchemyError, psycopg.Error) as exc:
            raise StoreError("refresh_statistics", exc) from exc

    @contextmanager
    def unit_of_work(self, operation: str = "unit_of_work") -> Iterator[None]:
        """One transaction for every ``transaction`` opened inside it (in this thread): a
        stage's writes commit together, so a reader sees the old outcome or the whole new one.
        PostgreSQL's columnar reads (``columnar.py``) take a connection of their own and see
        what the unit has committed, not what it has written: read first, then write."""
        if getattr(self._unit, "conn", None) is not None:
            yield  # already inside one: the outer unit commits
            return
        try:
            with self.engine.begin() as conn:
                self._unit.conn = conn
                try:
                    yield
                finally:
                    self._unit.conn = None
        except (SQLAlchemyError, sqlite3.Error, psycopg.Error) as exc:
            raise StoreError(operation, exc) from exc

    # -- ingest runs -------------------------------------------------------------------

    def register_files(
        self, fmt: str, files: Sequence[FileEntry], *, now: datetime
    ) -> list[FileState]:
        """The state of each file's ingest, by content, in one transaction: what an earlier
        run did with the same content (done, refused, or started and how far it got), or a new
        ingest, started, for content never seen. Two entries with one content share a state."""
        t = schema.ingest_files
        with self.transaction("register_files") as conn:
            states = _file_states(conn, fmt, files)
            new = {
                (f.company_id or "", f.sha256): f
                for f in files
                if (f.company_id or "", f.sha256) not in states
            }
            if new:
                conn.execute(
                    t.insert(),
                    [
                        {
                            "format": fmt,
                            "company_id": company,
                            "sha256": sha256,
                            "size": f.size,
                            "display": f.display,
                            "status": "started",
                            "items_done": 0,
                            "records": 0,
                            "quarantined": 0,
                            "started_at": now,
                        }
                        for (company, sha256), f in new.items()
                    ],
                )
                states.update(_file_states(conn, fmt, list(new.values())))
        return [states[(f.company_id or "", f.sha256)] for f in files]

    def begin_file(
        self,
        *,
        fmt: str,
        company_id: str | None,
        sha256: str,
        size: int,
        display: str,
        now: datetime,
    ) -> FileState:
        """The state of this content's ingest, creating it when it is new."""
        (state,) = self.register_files(fmt, [FileEntry(company_id, sha256, size, display)], now=now)
        return state

    def write_batch(
        self,
        writer: ChunkWriter,
        *,
        now: datetime,
        records: Sequence[tuple[int, Prepared]] = (),
        quarantined: Sequence[QuarantineEntry] = (),
        files: Sequence[FileProgress] = (),
    ) -> dict[int, int]:
        """Records of one or many files, their quarantine entries and the files' progress, in
        one transaction: all of it is stored or none. Returns, by file id, how many records
        met a stored record of the same key with other content, and were quarantined."""
        with self.transaction("write_batch") as conn:
            return writer.write(
                conn, now=now, records=records, quarantined=quarantined, files=files
            )

    def chunk_writer(self) -> ChunkWriter:
        return ChunkWriter(self.dialect, self.sealer)

    def preparer(self) -> Preparer:
        return Preparer(self.dialect)

    # -- reads -----------------------------------------------------------------------------

    def company_countries(self, company_ids: Collection[str] | None = None) -> dict[str, str]:
        """Each company's country; only ``company_ids``' where given (a screen needs one, and
        reading all 7,800 of a large store took longer than the screen's own link)."""
        t = schema.companies
        query = select(t.c.company_id, t.c.country)
        if company_ids is not None:
            # By the unique key (a company's key is its id), not a scan of company_id.
            query = query.where(t.c.key.in_(sorted(schema.join_key([c]) for c in company_ids)))
        with self.transaction("company_countries") as conn:
            return {r.company_id: r.country for r in conn.execute(query)}

    def count(self, table: str, where: Any = None) -> int:
        t = schema.metadata.tables[table]
        query = select(func.count()).select_from(t)
        if where is not None:
            query = query.where(where)
        with self.transaction("count") as conn:
            return int(conn.execute(query).scalar_one())

    def rows(self, query: Any) -> list[dict[str, Any]]:
        with self.transaction("query") as conn:
            return [dict(r) for r in conn.execute(query).mappings()]
