"""The published objects of the TAXII collections (``shared_tables``): written by a
publication, paged by the TAXII server in the order they were added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import and_, delete, func, insert, or_, select

from fauxhire.store.erasure_outputs import select_in
from fauxhire.store.shared_tables import shared_objects as _T
from fauxhire.store.store import Store


@dataclass(frozen=True, slots=True)
class Published:
    added: int  # objects new to the collection, or newer versions of ones it held
    unchanged: int  # the same version was there already


@dataclass(frozen=True, slots=True)
class Shared:
    seq: int
    object_id: str
    object_type: str
    version: str
    date_added: datetime
    body: str  # the object's JSON


def publish(
    store: Store, collection_id: str, objects: Sequence[dict[str, Any]], now: datetime
) -> Published:
    """Each object into the collection unless the collection holds that version already; a
    newer version replaces the older one and is added anew (at ``now``)."""
    ids = [o["id"] for o in objects]
    with store.transaction("share_publish") as conn:
        query = select(_T.c.object_id, _T.c.version, _T.c.body).where(
            _T.c.collection_id == collection_id
        )
        held = {row[0]: (row[1], row[2]) for row in select_in(conn, query, _T.c.object_id, ids)}
        fresh = [v for o in objects if (v := _versioned(o, held.get(o["id"]), now)) is not None]
        replaced = [o["id"] for o in fresh if o["id"] in held]
        if replaced:
            gone = and_(_T.c.collection_id == collection_id, _T.c.object_id.in_(replaced))
            conn.execute(delete(_T).where(gone))
        rows = [_row(collection_id, o, now) for o in fresh]
        if rows:
            conn.execute(insert(_T), rows)
    return Published(len(fresh), len(objects) - len(fresh))


def _versioned(
    obj: dict[str, Any], held: tuple[str, str] | None, now: datetime
) -> dict[str, Any] | None:
    """The object to add: itself if the collection lacks it or holds an older version; None
    if it holds the same content, ``modified`` aside (every assessment moves every persona's
    time, and partners need not pull everything again for it).
    Other content under a version not newer (the export's options changed: a TLP, a
    validity) is a new version in STIX's terms: published with ``modified`` set to now."""
    if held is None:
        return obj
    held_version, held_body = held
    if _content(orjson.loads(held_body)) == _content(obj):
        return None
    if "modified" not in obj or version_of(obj) > held_version:
        return obj
    return obj | {
        "modified": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    }


def _content(obj: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in obj.items() if name != "modified"}


def _row(collection_id: str, obj: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "collection_id": collection_id, "object_id": obj["id"], "object_type": obj["type"],
        "version": version_of(obj), "date_added": now, "body": orjson.dumps(obj).decode(),
    }  # fmt: skip


def version_of(obj: dict[str, Any]) -> str:
    """TAXII's version of an object: its ``modified``, else its ``created``; an object with
    neither (an SCO) has one version, said as a fixed time so republishing changes nothing."""
    version = obj.get("modified") or obj.get("created") or "1970-01-01T00:00:00.000Z"
    return str(version)


def page(
    store: Store,
    collection_id: str,
    *,
    added_after: datetime | None,
    after: tuple[datetime, int] | None,
    limit: int,
    types: Sequence[str] = (),
    ids: Sequence[str] = (),
) -> tuple[list[Shared], bool]:
    """Up to ``limit`` objects added after ``added_after`` and after the cursor ``after`` (the
    time and seq of the last object of the page before), in the order they were added; and
    whether more follow. The cursor holds the time too, so it still holds when the object it
    names was replaced by a newer version since."""
    query = select(
        _T.c.seq, _T.c.object_id, _T.c.object_type, _T.c.version, _T.c.date_added, _T.c.body
    ).where(_T.c.collection_id == collection_id)
    if added_after is not None:
        query = query.where(_T.c.date_added > added_after)
    if after is not None:
        at, seq = after
        query = query.where(or_(_T.c.date_added > at, and_(_T.c.date_added == at, _T.c.seq > seq)))
    if types:
        query = query.where(_T.c.object_type.in_(list(types)))
    if ids:
        query = query.where(_T.c.object_id.in_(list(ids)))
    query = query.order_by(_T.c.date_added, _T.c.seq).limit(limit + 1)
    with store.transaction("share_page") as conn:
        rows = [Shared(*row) for row in conn.execute(query)]
    return rows[:limit], len(rows) > limit


def counts(store: Store) -> dict[str, int]:
    """How many objects each collection holds."""
    query = select(_T.c.collection_id, func.count()).group_by(_T.c.collection_id)
    with store.transaction("share_counts") as conn:
        return {str(c): int(n) for c, n in conn.execute(query)}
