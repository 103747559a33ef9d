"""Records read over JDBC from PostgreSQL: the tables `fauxhire export records --table` writes
(``store.record_tables``), or a pipeline's own in the same shape.

The database is named as the store names it (``postgresql://user:password@host:port/db``)
or as JDBC does (``jdbc:postgresql://host:port/db?user=...``); credentials travel as JDBC
properties and never appear in a message. The records table is read in parallel ranges of
``rec``, as many as the shuffle partitions a run of its size gets. Spark needs PostgreSQL's
JDBC driver on its classpath (``session`` adds the machine's; docs/linking-at-scale.md says
how on a cluster).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from fauxhire.link import record_files
from fauxhire.link.engines.spark.session import RECORDS_PER_PARTITION, few_partitions

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DRIVER: Final = "org.postgresql.Driver"
_SCHEMES: Final = ("postgresql://", "postgres://", "postgresql+psycopg://")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_SECRET_KEYS: Final = frozenset({"password", "sslpassword"})


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database as Spark's JDBC reader takes it."""

    url: str  # jdbc:postgresql://host:port/db, without credentials: safe in messages
    properties: dict[str, str] = field(repr=False)


def is_database(records: str) -> bool:
    return records.startswith(("jdbc:postgresql:", *_SCHEMES))


def database(records: str) -> Database:
    """The database ``records`` names; a ``ValueError`` when it names none."""
    if records.startswith("jdbc:postgresql:"):
        split = urlsplit(records.removeprefix("jdbc:"))
    elif records.startswith(_SCHEMES):
        split = urlsplit(records)
    else:
        raise ValueError(f"not a PostgreSQL URL: {records.split('://')[0]}://...")
    # Credentials may come in the user part or, as libpq and JDBC both allow, in the query:
    # either way they leave the URL, which messages show, for the driver's properties.
    query = dict(parse_qsl(split.query))
    credentials = {k: query.pop(k) for k in ("user", *_SECRET_KEYS) if k in query}
    if split.username:
        credentials["user"] = unquote(split.username)
    if split.password:
        credentials["password"] = unquote(split.password)
    if not split.hostname or not split.path.strip("/"):
        raise ValueError("a PostgreSQL URL names a host and a database")
    port = f":{split.port}" if split.port else ""
    url = f"jdbc:postgresql://{split.hostname}{port}{split.path}"
    url += f"?{urlencode(query)}" if query else ""
    properties = {"driver": DRIVER, **{k: v for k, v in credentials.items() if v}}
    return Database(url=url, properties=properties)


def quoted(table: str) -> str:
    """``table`` (or ``schema.table``) quoted for PostgreSQL; a ``ValueError`` for anything
    that is not a plain name (it goes into SQL)."""
    if not _TABLE.match(table):
        raise ValueError(f"not a table name: {table!r}")
    return ".".join(f'"{part}"' for part in table.split("."))


def read_records(spark: SparkSession, db: Database, table: str) -> DataFrame | None:
    """The records table, read in ranges of ``rec``; None when there is no such table."""
    bounds_sql = f"(SELECT min(rec) AS lo, max(rec) AS hi, count(*) AS n FROM {quoted(table)}) b"
    bounds = _read(spark, db, bounds_sql)
    if bounds is None:
        return None
    lo, hi, n = bounds.first() or (None, None, 0)
    if not n or lo is None or hi is None:
        return _read(spark, db, quoted(table))
    partitions = max(few_partitions(), math.ceil(n / RECORDS_PER_PARTITION))
    return spark.read.jdbc(
        db.url,
        quoted(table),
        column="rec",
        lowerBound=int(lo),
        upperBound=int(hi) + 1,
        numPartitions=partitions,
        properties=db.properties,
    )


def read_judgements(spark: SparkSession, db: Database, table: str) -> DataFrame | None:
    """The table's judgements (``TABLE_judgements``); None when a pipeline wrote none."""
    return _read(spark, db, quoted(table + record_files.JUDGEMENTS_TABLE_SUFFIX))


def _read(spark: SparkSession, db: Database, table: str) -> DataFrame | None:
    """``table`` (a name or a subquery) over JDBC, its schema fetched now: None when it does
    not exist, a ``ValueError`` saying why it cannot be read otherwise."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        return spark.read.jdbc(db.url, table, properties=db.properties)
    except (PySparkException, Py4JJavaError) as exc:  # carries the driver's message
        reason = _reason(str(exc))
        if "does not exist" in reason and "relation" in reason:
            return None
        raise ValueError(f"cannot read {table} over JDBC from {db.url}: {reason}") from exc


def _reason(message: str) -> str:
    """The driver's own sentence out of a JVM error's page of stack."""
    for line in message.splitlines():
        for marker in ("PSQLException:", "SQLException:", "ClassNotFoundException:"):
            if marker in line:
                reason = line.split(marker, 1)[1].strip()
                if marker.startswith("ClassNotFound"):
                    return f"no PostgreSQL JDBC driver on Spark's classpath ({reason})"
                return reason
    return message.strip().splitlines()[0] if message.strip() else "unknown error"
