"""The API's keys on SQL: added, listed, found by id, revoked (never deleted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from fauxhire.ports import ApiKey
from fauxhire.store import schema
from fauxhire.store.store import Store

_KEYS = schema.api_keys


def add_api_key(store: Store, key: ApiKey) -> None:
    """A key id already held fails the insert (a ``StoreError``): a key is never overwritten."""
    with store.transaction("add_api_key") as conn:
        conn.execute(_KEYS.insert().values(key._asdict() | {"scopes": list(key.scopes)}))


def api_keys(store: Store, key_id: str | None = None) -> list[ApiKey]:
    """Every key oldest first, or the one with ``key_id`` (by its primary key)."""
    query = select(*(_KEYS.c[name] for name in ApiKey._fields))
    if key_id is not None:
        query = query.where(_KEYS.c.key_id == key_id)
    with store.transaction("api_keys") as conn:
        rows = conn.execute(query.order_by(_KEYS.c.created_at, _KEYS.c.key_id))
        return [_key(row._mapping) for row in rows]


def revoke_api_key(store: Store, key_id: str, *, at: datetime) -> ApiKey | None:
    with store.transaction("revoke_api_key") as conn:
        conn.execute(
            update(_KEYS)
            .where(_KEYS.c.key_id == key_id, _KEYS.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
    found = api_keys(store, key_id)
    return found[0] if found else None


def _key(row: Any) -> ApiKey:
    return ApiKey(**{**row, "scopes": tuple(row["scopes"])})
