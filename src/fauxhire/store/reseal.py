"""Sealing the stored contact details again under the keyring's active key, a batch at a time,
and counting them by the key that sealed them (``fauxhire keys pii rotate|status``).

A batch is the next rows, in primary-key order after the last one done, whose value is not
under the active key: plain ones from before encryption and those of older keys. Each batch
commits with its audit event (``services/pii_keys.py``), so a rotation killed part-way keeps
what it did, and the next run goes on with what is left; with nothing left it changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, func, not_, select, tuple_

from fauxhire.enrich.pii import PREFIX
from fauxhire.store import schema
from fauxhire.store.sealed import SEALED, label


class SealedColumn(NamedTuple):
    table: str
    column: str

    @property
    def label(self) -> str:
        return label(self.table, self.column)


COLUMNS: tuple[SealedColumn, ...] = tuple(
    SealedColumn(table, column) for table, columns in SEALED.items() for column in columns
)


class Batch(NamedTuple):
    keys: list[tuple[Any, ...]]  # primary keys, in order
    values: list[str]  # the stored values, sealed or plain


def _not_under(column: Any, key_id: str) -> Any:
    return and_(column.is_not(None), not_(column.like(f"{PREFIX}{key_id}:%")))


def next_batch(
    conn: Connection, sealed: SealedColumn, key_id: str, after: tuple[Any, ...] | None, size: int
) -> Batch:
    """The next ``size`` rows after ``after`` whose value is not sealed under ``key_id``."""
    table = schema.metadata.tables[sealed.table]
    pk = list(table.primary_key.columns)
    column = table.c[sealed.column]
    query = select(*pk, column).where(_not_under(column, key_id)).order_by(*pk).limit(size)
    if after is not None:
        query = query.where(tuple_(*pk) > tuple_(*after))
    rows = conn.execute(query).all()
    return Batch([tuple(row[:-1]) for row in rows], [row[-1] for row in rows])


def write_batch(
    conn: Connection,
    sealed: SealedColumn,
    keys: Sequence[tuple[Any, ...]],
    values: Sequence[str | None],
) -> None:
    """Put ``values`` (sealed anew) in place of the rows with these primary keys."""
    table = schema.metadata.tables[sealed.table]
    pk = list(table.primary_key.columns)
    where = and_(*(c == bindparam(f"pk_{c.name}") for c in pk))
    statement = table.update().where(where).values({sealed.column: bindparam("sealed")})
    conn.execute(
        statement,
        [
            {"sealed": value, **{f"pk_{c.name}": part for c, part in zip(pk, key, strict=True)}}
            for key, value in zip(keys, values, strict=True)
        ],
    )


def count_by_key(conn: Connection, sealed: SealedColumn, key_ids: Sequence[str]) -> dict[str, int]:
    """How many values of the column each key sealed, and how many are plain (``""``)."""
    table = schema.metadata.tables[sealed.table]
    column = table.c[sealed.column]
    counts = {}
    for key_id in key_ids:
        under = column.like(f"{PREFIX}{key_id}:%")
        counts[key_id] = conn.execute(
            select(func.count()).select_from(table).where(under)
        ).scalar_one()
    plain = and_(column.is_not(None), not_(column.like(f"{PREFIX}%")))
    counts[""] = conn.execute(select(func.count()).select_from(table).where(plain)).scalar_one()
    return counts


def count_pending(conn: Connection, key_id: str) -> int:
    """How many values, over every sealed column, are not sealed under ``key_id``."""
    total = 0
    for sealed in COLUMNS:
        table = schema.metadata.tables[sealed.table]
        column = table.c[sealed.column]
        query = select(func.count()).select_from(table).where(_not_under(column, key_id))
        total += conn.execute(query).scalar_one()
    return total
