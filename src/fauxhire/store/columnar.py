"""Whole tables read as columns, the fastest way each backend offers.

Linking reads every application of the store. Through SQLAlchemy rows, a million
applications with their resume texts took 20 s and gigabytes of Python objects. PostgreSQL
hands over Arrow columns through its ADBC driver (Apache Arrow database connectivity, over the
binary COPY protocol). SQLite is read through the same sqlite3 library SQLAlchemy uses, as
plain tuples: a second copy of SQLite in the process (ADBC's own) would share the database's
POSIX locks with it, and closing either drops both, which SQLite's documentation warns
corrupts databases (we saw "disk I/O error" within one test run).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy.engine import make_url

from fauxhire.errors import StoreError
from fauxhire.store.store import Store

_SLICE = 100_000


def read_columns(store: Store, query: str, schema: dict[str, Any], operation: str) -> pl.DataFrame:
    """The result of one query as a frame of this schema (its columns in the query's order)."""
    if store.dialect == "postgresql":
        with _postgresql(store, operation) as connection, connection.cursor() as cursor:
            cursor.execute(query)
            frame = pl.from_arrow(cursor.fetch_arrow_table())
        assert isinstance(frame, pl.DataFrame)
        # An empty result or an all-NULL column has no type of its own: give it the frame's.
        return frame.select(pl.col(column).cast(dtype) for column, dtype in schema.items())
    parts = [pl.DataFrame(schema=schema)]
    with store.transaction(operation) as conn:
        cursor = conn.connection.cursor()  # the driver's own: tuples, no Row objects
        try:
            cursor.execute(query)
            # In slices: a million rows of Python tuples at once would double the peak memory.
            while rows := cursor.fetchmany(_SLICE):
                parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
        finally:
            cursor.close()
    return pl.concat(parts, rechunk=True)


@contextmanager
def _postgresql(store: Store, operation: str) -> Iterator[Any]:
    import adbc_driver_postgresql.dbapi as postgresql  # type: ignore[import-untyped]

    url = make_url(store.engine.url).set(drivername="postgresql")
    try:
        connection = postgresql.connect(url.render_as_string(hide_password=False))
    except Exception as exc:  # the driver raises its own error types
        raise StoreError(operation, exc) from exc
    try:
        yield connection
    except StoreError:
        raise
    except Exception as exc:  # the driver's own error types, from the query
        raise StoreError(operation, exc) from exc
    finally:
        connection.close()
