"""Analysts' dispositions on identities: confirmed or cleared, kept with who, why and when.

A disposition is held by the applications of the identity it was given on, not by the
identity's id: ids are re-assigned when linking runs again, an application stays itself. At
read time the applications are mapped through ``links`` onto the identities that hold them now:
an identity carries every disposition any of its applications carries, and the latest decides.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import polars as pl
from sqlalchemy import insert, select

from fauxhire.store import schema
from fauxhire.store.store import Store

DISPOSITIONS = ("confirmed", "cleared")

# What every reader of the carried dispositions gets, one row an identity and disposition.
CARRIED_SCHEMA: dict[str, pl.DataType] = {
    "identity_id": pl.String(),  # the identity that holds the applications now
    "disposition_id": pl.Int64(),
    "disposition": pl.String(),
    "subject_id": pl.String(),  # the identity id it was given on, then
    "analyst": pl.String(),
    "reason": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
}
CURRENT_COLUMNS = ("identity_id", "disposition", "analyst", "reason", "created_at")


class Disposition(NamedTuple):
    disposition: str  # confirmed | cleared
    subject_id: str  # the identity id when it was given: for display, ids move
    app_keys: tuple[str, ...]  # every application of that identity then: they hold it
    analyst: str
    reason: str
    created_at: datetime


def add_disposition(store: Store, disposition: Disposition) -> int:
    """Store a disposition with its applications, in one transaction; its id."""
    d, held = schema.dispositions, schema.disposition_applications
    values = disposition._asdict()
    keys = sorted(set(values.pop("app_keys")))
    with store.transaction("add_disposition") as conn:
        added = insert(d).values(values).returning(d.c.disposition_id)
        disposition_id = int(conn.execute(added).scalar_one())
        conn.execute(insert(held), [{"disposition_id": disposition_id, "app_key": k} for k in keys])
    return disposition_id


def read_dispositions(store: Store) -> list[Disposition]:
    """Every disposition as it was given, oldest first."""
    d, held = schema.dispositions, schema.disposition_applications
    fields = [f for f in Disposition._fields if f != "app_keys"]
    with store.transaction("read_dispositions") as conn:
        keys: dict[int, list[str]] = {}
        for row in conn.execute(select(held).order_by(held.c.disposition_id, held.c.app_key)):
            keys.setdefault(row.disposition_id, []).append(row.app_key)
        rows = conn.execute(select(d).order_by(d.c.disposition_id)).mappings().all()
    return [
        Disposition(
            app_keys=tuple(keys.get(row["disposition_id"], ())), **{f: row[f] for f in fields}
        )
        for row in rows
    ]


def carried_dispositions(store: Store, identity_id: str | None = None) -> pl.DataFrame:
    """Which current identity carries which disposition (``CARRIED_SCHEMA``), for every
    identity or one. One join from the dispositions' applications into ``links`` by its key:
    the cost follows the number of disposed applications, not the size of the store."""
    d, held, links = schema.dispositions, schema.disposition_applications, schema.links
    query = (
        select(
            links.c.identity_id,
            d.c.disposition_id,
            d.c.disposition,
            d.c.subject_id,
            d.c.analyst,
            d.c.reason,
            d.c.created_at,
        )
        .select_from(
            held.join(links, links.c.app_key == held.c.app_key).join(
                d, d.c.disposition_id == held.c.disposition_id
            )
        )
        .distinct()  # the applications of one disposition mostly share an identity
    )
    if identity_id is not None:
        query = query.where(links.c.identity_id == identity_id)
    with store.transaction("carried_dispositions") as conn:
        rows = [tuple(row) for row in conn.execute(query)]
    return pl.DataFrame(rows, schema=CARRIED_SCHEMA, orient="row").sort(
        "identity_id", "created_at", "disposition_id"
    )


def latest(carried: pl.DataFrame) -> pl.DataFrame:
    """The deciding disposition of each identity in a frame of ``carried_dispositions``: the
    latest given (the later stored on a tie), in the carried frame's columns."""
    ordered = carried.sort("identity_id", "created_at", "disposition_id")
    return ordered.group_by("identity_id", maintain_order=True).last()


def current_dispositions(store: Store) -> pl.DataFrame:
    """The disposition each current identity carries, one row an identity that carries one:
    identity_id, disposition (confirmed | cleared), analyst, reason, created_at (UTC); sorted
    by identity_id. What the assessment reads as an analyst's evidence."""
    return latest(carried_dispositions(store)).select(CURRENT_COLUMNS)
