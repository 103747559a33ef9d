"""Bulk inserts of driver-ready rows: PostgreSQL's COPY (into the table, or into a per-session
staging table for an upsert), SQLite's executemany."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    dialect: str,
) -> None:
    """Plain inserts of driver-ready rows into a table none of them conflicts in: COPY on
    PostgreSQL, the driver's executemany on SQLite."""
    names = ", ".join(columns)
    if dialect == "postgresql":
        copy_rows(conn, table.name, names, rows, stage=False)
        return
    marks = ", ".join("?" * len(columns))
    raw: Any = conn.connection.dbapi_connection
    raw.cursor().executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)


def copy_rows(
    conn: Connection, table: str, names: str, rows: Iterable[Sequence[Any]], stage: bool = True
) -> None:
    """COPY rows into a per-session staging table emptied at every commit.

    The INSERT ... SELECT DISTINCT ON that follows keeps one row a key: an ON CONFLICT DO
    UPDATE may not touch the same row twice in one statement.
    """
    target = table
    if stage:
        target = f"stage_{table}"
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {target} ON COMMIT DELETE ROWS "
            f"AS SELECT {names} FROM {table} WITH NO DATA"
        )
        conn.exec_driver_sql(f"TRUNCATE {target}")
    raw: Any = conn.connection.dbapi_connection  # a psycopg Connection: COPY is its own API
    with raw.cursor() as cur, cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
