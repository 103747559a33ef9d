"""Writing a chunk of records in one transaction, by the fastest path each backend has.

One chunk is atomic: its records, their child rows, its quarantine entries and the file's
progress counter commit together or not at all. That is what makes a killed ingest safe to
re-run: the store holds whole chunks, and the file's ``items_done`` says where to resume.

Upserts replace a record when its content changed and leave it untouched when it did not, so
re-ingesting a file changes nothing. Child rows (an application's values, a report's subject
values) are deleted and rewritten with their parent. SQLite takes ``executemany``; PostgreSQL
takes ``COPY`` into a staging table and one ``INSERT ... SELECT ... ON CONFLICT``.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson
from sqlalchemy import Boolean, Connection, Date, Table

from fauxhire.domain import Record
from fauxhire.ingest.base import Quarantined
from fauxhire.store import schema
from fauxhire.store.rows import JOIN_COLUMNS, MAPPINGS, PROVENANCE_COLUMNS, Mapping
from fauxhire.store.types import JsonText, UtcDateTime

DELETE_BATCH = 500


def content_hash(row: tuple[Any, ...]) -> str:
    return hashlib.blake2b(
        orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS), digest_size=16
    ).hexdigest()


def _sqlite_datetime(value: datetime | None) -> str | None:
    # The text form SQLAlchemy's SQLite DateTime reads back: naive UTC with microseconds.
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _converters(
    table: Table, columns: Sequence[str], dialect: str
) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per-column conversions to what the raw driver accepts, computed once per table."""
    out: list[tuple[int, Callable[[Any], Any]]] = []
    for index, name in enumerate(columns):
        col_type = table.c[name].type
        if isinstance(col_type, JsonText):
            out.append((index, _json))
        elif dialect == "sqlite" and isinstance(col_type, UtcDateTime):
            out.append((index, _sqlite_datetime))
        elif dialect == "sqlite" and isinstance(col_type, Date):
            out.append((index, lambda v: None if v is None else date.isoformat(v)))
        elif dialect == "sqlite" and isinstance(col_type, Boolean):
            out.append((index, lambda v: None if v is None else int(v)))
    return out


class ChunkWriter:
    """Writes chunks for one file; prepares its SQL once."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._mark = "?" if dialect == "sqlite" else "%s"
        self._conv: dict[str, list[tuple[int, Callable[[Any], Any]]]] = {}

    def write(
        self,
        conn: Connection,
        *,
        file_id: int,
        fmt: str,
        now: datetime,
        records: Sequence[Record],
        quarantined: Sequence[tuple[str, Quarantined]],
        progress: tuple[int, int, int],
    ) -> None:
        by_type: dict[type, list[Record]] = defaultdict(list)
        for record in records:
            by_type[type(record)].append(record)
        for record_type, group in by_type.items():
            self._write_group(conn, MAPPINGS[record_type], group, file_id, now)
        if quarantined:
            rows = [
                (key, file_id, fmt, q.file, q.location, q.field, q.reason, q.code, q.excerpt, now)
                for key, q in quarantined
            ]
            columns = [c.name for c in schema.quarantine.columns]
            self._insert(conn, schema.quarantine, rows, columns=columns, on_conflict="nothing")
        items_done, n_records, n_quarantined = progress
        conn.execute(
            schema.ingest_files.update()
            .where(schema.ingest_files.c.file_id == file_id)
            .values(items_done=items_done, records=n_records, quarantined=n_quarantined)
        )

    def _write_group(
        self, conn: Connection, mapping: Mapping, group: list[Record], file_id: int, now: datetime
    ) -> None:
        rows = []
        for record in group:
            own = mapping.to_row(record)
            prov = record.provenance
            rows.append(
                (
                    *own,
                    prov.source_system,
                    prov.file,
                    prov.location,
                    prov.company_id,
                    file_id,
                    now,
                    content_hash(own),
                )
            )
        keys = [row[0] for row in rows]
        for child, _ in mapping.children:
            parent_col = child.columns.keys()[0]
            for start in range(0, len(keys), DELETE_BATCH):
                batch = keys[start : start + DELETE_BATCH]
                marks = ",".join([self._mark] * len(batch))
                conn.exec_driver_sql(
                    f"DELETE FROM {child.name} WHERE {parent_col} IN ({marks})", tuple(batch)
                )
        columns = [*mapping.columns, *PROVENANCE_COLUMNS]
        self._insert(conn, mapping.table, rows, columns=columns, on_conflict="update")
        for child, child_rows in mapping.children:
            flat = [row for record in group for row in child_rows(record)]
            if flat:
                self._insert(
                    conn, child, flat, columns=list(child.columns.keys()), on_conflict="nothing"
                )

    def _insert(
        self,
        conn: Connection,
        table: Table,
        rows: list[tuple[Any, ...]],
        *,
        columns: list[str],
        on_conflict: str,
    ) -> None:
        conv = self._conv.get(table.name)
        if conv is None:
            conv = self._conv[table.name] = _converters(table, columns, self.dialect)
        if conv:
            rows = [_apply(row, conv) for row in rows]
        pk = [c.name for c in table.primary_key.columns]
        conflict = f"ON CONFLICT ({', '.join(pk)}) DO NOTHING"
        if on_conflict == "update":
            updated = [
                c
                for c in columns
                if c not in pk and c not in JOIN_COLUMNS and c not in ("ingested_at", "file_id")
            ]
            sets = ", ".join(f"{c} = excluded.{c}" for c in updated)
            conflict = (
                f"ON CONFLICT ({', '.join(pk)}) DO UPDATE SET {sets}, "
                f"ingested_at = excluded.ingested_at, file_id = excluded.file_id "
                f"WHERE {table.name}.content_hash <> excluded.content_hash"
            )
        names = ", ".join(columns)
        if self.dialect == "postgresql":
            _copy_upsert(conn, table.name, names, rows, conflict)
            return
        marks = ", ".join([self._mark] * len(columns))
        conn.exec_driver_sql(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}", rows
        )


def _apply(row: tuple[Any, ...], conv: list[tuple[int, Callable[[Any], Any]]]) -> tuple[Any, ...]:
    values = list(row)
    for index, fn in conv:
        values[index] = fn(values[index])
    return tuple(values)


def _copy_upsert(
    conn: Connection, table: str, names: str, rows: Iterable[tuple[Any, ...]], conflict: str
) -> None:
    """COPY into a per-transaction staging table, then one set-based upsert."""
    stage = f"stage_{table}"
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table} INCLUDING DEFAULTS) "
        "ON COMMIT DELETE ROWS"
    )
    conn.exec_driver_sql(f"TRUNCATE {stage}")
    raw = conn.connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    # DISTINCT ON keeps one row a key: ON CONFLICT DO UPDATE may not touch a row twice.
    pk = conflict.split("(", 1)[1].split(")", 1)[0]
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) SELECT DISTINCT ON ({pk}) {names} FROM {stage} {conflict}"
    )
