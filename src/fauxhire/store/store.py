"""The store: the one object the services use to read and write persistent state."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from fauxhire.domain.quarantine import Quarantined
from fauxhire.errors import StoreError
from fauxhire.store import schema
from fauxhire.store.database import make_engine, migrate
from fauxhire.store.writer import ChunkWriter, Prepared, Preparer


@dataclass(frozen=True, slots=True)
class FileState:
    """An ingest of one file's content: where a previous run got to, if there was one."""

    file_id: int
    status: str  # started | done | refused
    items_done: int
    records: int
    quarantined: int


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        engine = make_engine(url)
        if migrate_schema:
            migrate(engine)
        store = cls(engine)
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

    @contextmanager
    def transaction(self, operation: str) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except (SQLAlchemyError, sqlite3.Error, psycopg.Error) as exc:
            # The bulk paths use the drivers' own cursors, whose errors SQLAlchemy never sees.
            raise StoreError(operation, exc) from exc

    # -- ingest runs -------------------------------------------------------------------

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
        t = schema.ingest_files
        company = company_id or ""
        where = (t.c.format == fmt) & (t.c.company_id == company) & (t.c.sha256 == sha256)
        with self.transaction("begin_file") as conn:
            row = conn.execute(select(t).where(where)).mappings().first()
            if row is None:
                conn.execute(
                    t.insert().values(
                        format=fmt,
                        company_id=company,
                        sha256=sha256,
                        size=size,
                        display=display,
                        status="started",
                        items_done=0,
                        records=0,
                        quarantined=0,
                        started_at=now,
                    )
                )
                row = conn.execute(select(t).where(where)).mappings().one()
        return FileState(
            row["file_id"], row["status"], row["items_done"], row["records"], row["quarantined"]
        )

    def finish_file(
        self, file_id: int, *, status: str, now: datetime, error: str | None = None
    ) -> None:
        with self.transaction("finish_file") as conn:
            conn.execute(
                schema.ingest_files.update()
                .where(schema.ingest_files.c.file_id == file_id)
                .values(status=status, finished_at=now, error=error)
            )

    def write_chunk(
        self,
        writer: ChunkWriter,
        *,
        file_id: int,
        fmt: str,
        now: datetime,
        records: Sequence[Prepared],
        quarantined: Sequence[tuple[str, Quarantined]],
        progress: tuple[int, int, int],
    ) -> None:
        with self.transaction("write_chunk") as conn:
            writer.write(
                conn,
                file_id=file_id,
                fmt=fmt,
                now=now,
                records=records,
                quarantined=quarantined,
                progress=progress,
            )

    def chunk_writer(self) -> ChunkWriter:
        return ChunkWriter(self.dialect)

    def preparer(self) -> Preparer:
        return Preparer(self.dialect)

    # -- reads -----------------------------------------------------------------------------

    def company_countries(self) -> dict[str, str]:
        t = schema.companies
        with self.transaction("company_countries") as conn:
            return {
                r.company_id: r.country for r in conn.execute(select(t.c.company_id, t.c.country))
            }

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
