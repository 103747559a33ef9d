"""Records as driver-ready rows: conversions per backend, the content hash, and the trip from
a worker process to the writer.

Preparing is pure CPU and runs wherever the records were parsed, in worker processes for
large files; writer.py writes what it prepares.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable, Sequence
from dataclasses import astuple
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Boolean, Date, Table

from fauxhire.domain import Record
from fauxhire.domain.quarantine import Quarantined
from fauxhire.store.rows import MAPPINGS, record_key
from fauxhire.store.storable import NUL_ESCAPE, unstorable, unstorable_field
from fauxhire.store.types import JsonText, UtcDateTime

Converters = list[tuple[int, Callable[[Any], Any]]]


class Prepared(NamedTuple):
    """One record as rows of plain values, so worker processes can hand it to the writer as JSON
    (several times cheaper than pickle); ``to_wire`` and ``from_wire`` make that trip."""

    table: str
    key: str
    location: str
    row: tuple[Any, ...]  # own columns, then PREPARED_TAIL
    children: tuple[tuple[str, list[list[Any]]], ...]


def to_wire(items: Sequence[Prepared | Quarantined]) -> bytes:
    """Items as bytes for the trip from a worker process. marshal, not pickle or JSON: it
    decodes several times faster, and both ends are this same interpreter and code."""
    return marshal.dumps([(0, *i) if isinstance(i, Prepared) else (1, *astuple(i)) for i in items])


def from_wire(data: bytes) -> list[Prepared | Quarantined]:
    return [Prepared(*i[1:]) if i[0] == 0 else Quarantined(*i[1:]) for i in marshal.loads(data)]


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def sqlite_datetime(value: datetime | None) -> str | None:
    # The text form SQLAlchemy's SQLite DateTime reads back: naive UTC with microseconds.
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _iso(value: datetime | None) -> str | None:
    # Text PostgreSQL's COPY reads as timestamptz; plain values can cross process boundaries.
    return None if value is None else value.isoformat()


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def converters(table: Table, columns: Sequence[str], dialect: str) -> Converters:
    """Per-column conversions to what the raw driver accepts, computed once per table."""
    out: Converters = []
    for index, name in enumerate(columns):
        col_type = table.c[name].type
        if isinstance(col_type, JsonText):
            out.append((index, _json))
        elif isinstance(col_type, UtcDateTime):
            out.append((index, sqlite_datetime if dialect == "sqlite" else _iso))
        elif isinstance(col_type, Date):
            out.append((index, _sqlite_date))
        elif dialect == "sqlite" and isinstance(col_type, Boolean):
            out.append((index, _sqlite_bool))
    return out


def apply_converters(row: tuple[Any, ...], conv: Converters) -> tuple[Any, ...]:
    values = list(row)
    for index, fn in conv:
        values[index] = fn(values[index])
    return tuple(values)


class Preparer:
    """Turns records into ``Prepared`` rows for one backend."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._conv: dict[type, Converters] = {}

    def prepare(self, record: Record) -> Prepared | Quarantined:
        """The record's rows, or a quarantine entry when a value is one no backend stores."""
        mapping = MAPPINGS[type(record)]
        conv = self._conv.get(type(record))
        if conv is None:
            conv = self._conv[type(record)] = converters(
                mapping.table, mapping.columns, self.dialect
            )
        raw = mapping.to_row(record)
        # str(): SQLAlchemy names are a str subclass that marshal refuses.
        children = tuple((str(child.name), rows(record)) for child, rows in mapping.children)
        try:
            own = apply_converters(raw, conv) if conv else raw
            data = orjson.dumps(own, option=orjson.OPT_NON_STR_KEYS)
            suspect = NUL_ESCAPE in data or (
                bool(children) and NUL_ESCAPE in orjson.dumps(children)
            )
        except orjson.JSONEncodeError:  # orjson refuses a lone surrogate: look for it
            suspect = True
        # The JSON text holds a NUL only as an escape, so this costs nothing on clean records;
        # a hit (or a literal backslash-u0000 in the text) is looked at closely.
        if suspect and (bad := unstorable_field(mapping.columns, raw, children)):
            return unstorable(record, *bad)
        prov = record.provenance
        row = (*own, prov.source_system, prov.file, prov.location, prov.company_id, _hash(data))
        return Prepared(str(mapping.table.name), record_key(record), prov.location, row, children)
