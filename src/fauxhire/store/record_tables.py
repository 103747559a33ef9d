"""Records as PostgreSQL tables, for an engine that reads them over JDBC (Spark).

A records folder (``link.record_files``) holds the records and the analysts' judgements as
Parquet. The same two frames can instead be written into a PostgreSQL database, as tables
``NAME`` and ``NAME_judgements``, which the Spark engine reads over JDBC in parallel ranges of
``rec``. The columns are the folder's, signed as the folder stores them; lists become
PostgreSQL arrays (``text[]``, ``bigint[]``), which Spark's PostgreSQL dialect reads as
arrays. Writing replaces both tables in one transaction, by COPY: a reader sees the old pair
or the new one, never half of either.
"""

from __future__ import annotations

import io
import re
from typing import Any, Final

import polars as pl
from sqlalchemy import text

from fauxhire.errors import ConfigError
from fauxhire.link import record_files
from fauxhire.link.engine import Judgements
from fauxhire.link.spec import LinkSpec
from fauxhire.store.database import make_engine, parse_url, shown_url
from fauxhire.store.table_base import metadata

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,49}$")  # room for the suffix in 63 bytes
_SCALARS: Final[dict[Any, str]] = {pl.Int64: "bigint", pl.String: "text", pl.Boolean: "boolean"}
_SLICE: Final = 100_000  # rows per COPY chunk: a bounded buffer whatever the records


def check_table_name(name: str) -> None:
    """A ``ConfigError`` unless ``name`` is a plain lower-case identifier that is none of the
    store's own tables (writing replaces the table: it must never be the store's)."""
    if not _NAME.match(name):
        raise ConfigError(
            f"not a table name: {name!r} (lower-case letters, digits and _, at most 50)",
            table=name,
        )
    for taken in (name, name + record_files.JUDGEMENTS_TABLE_SUFFIX):
        if taken in metadata.tables or taken == "alembic_version":
            raise ConfigError(f"{taken!r} is one of the store's own tables", table=name)


def write_record_tables(
    url: str, name: str, records: pl.DataFrame, judgements: Judgements, spec: LinkSpec
) -> int:
    """Replace tables ``name`` and ``name_judgements`` in the PostgreSQL database at ``url``
    with the records (their stable order added, as in a folder) and the judgements."""
    check_table_name(name)
    if parse_url(url).get_backend_name() != "postgresql":
        raise ConfigError(
            "records tables are for PostgreSQL, which Spark reads over JDBC; "
            "for this database write a records folder (--out)",
            url=shown_url(url),
        )
    ordered = records.with_columns(record_files.content_order(records, spec).alias("order"))
    frames = {
        name: record_files.signed(ordered),
        name + record_files.JUDGEMENTS_TABLE_SUFFIX: record_files.judgement_frame(judgements),
    }
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for table, frame in frames.items():
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
                connection.execute(text(_create(table, frame.schema)))
                raw: Any = connection.connection.dbapi_connection  # psycopg: COPY is its own
                cursor = raw.cursor()
                columns = ", ".join(f'"{c}"' for c in frame.columns)
                with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN (FORMAT csv)') as copy:
                    for start in range(0, frame.height, _SLICE):
                        copy.write(_csv(frame.slice(start, _SLICE)))
    finally:
        engine.dispose()
    return records.height


def _create(table: str, schema: pl.Schema) -> str:
    columns = ", ".join(f'"{name}" {_column_type(name, dtype)}' for name, dtype in schema.items())
    return f'CREATE TABLE "{table}" ({columns})'


def _column_type(name: str, dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List) and dtype.inner in _SCALARS:
        return _SCALARS[dtype.inner] + "[]"
    if dtype in _SCALARS:
        return _SCALARS[dtype]
    raise ValueError(f"records column {name!r}: {dtype} has no PostgreSQL column here")


def _csv(frame: pl.DataFrame) -> bytes:
    """``frame`` as CSV for COPY, its lists as PostgreSQL array literals."""
    literal = frame.with_columns(
        _array_literal(name, dtype)
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    buffer = io.BytesIO()
    literal.write_csv(buffer, include_header=False, null_value="")
    return buffer.getvalue()


def _array_literal(name: str, dtype: pl.List) -> pl.Expr:
    """``{"a","b\\"c"}`` for strings (backslash and quote escaped), ``{1,2}`` for numbers;
    a null element is NULL, a null list stays null (an empty CSV field: SQL NULL)."""
    element = pl.element().cast(pl.String)
    if dtype.inner == pl.String:
        escaped = element.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
            '"', '\\"', literal=True
        )
        element = pl.lit('"') + escaped + pl.lit('"')
    quoted = pl.when(pl.element().is_null()).then(pl.lit("NULL")).otherwise(element)
    joined = pl.col(name).list.eval(quoted).list.join(",")
    return (pl.lit("{") + joined + pl.lit("}")).alias(name)
