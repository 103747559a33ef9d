"""The ATS webhooks' rows on SQL (ports.Webhooks): secrets, write-back settings, deliveries,
the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fauxhire.ports.hub import Delivery, OutboxItem, WebhookSecret, WebhookTarget
from fauxhire.store import schema
from fauxhire.store.sealed import RowSealer
from fauxhire.store.store import Store

_SECRETS, _TARGETS = schema.webhook_secrets, schema.webhook_targets
_DELIVERIES, _OUTBOX = schema.webhook_deliveries, schema.webhook_outbox


def add_secret(store: Store, secret: WebhookSecret) -> None:
    with store.transaction("add_webhook_secret") as conn:
        conn.execute(insert(_SECRETS).values(secret._asdict()))


def secrets(store: Store, member: str | None) -> list[WebhookSecret]:
    query = select(*(_SECRETS.c[name] for name in WebhookSecret._fields))
    if member is not None:
        query = query.where(_SECRETS.c.member == member)
    with store.transaction("webhook_secrets") as conn:
        rows = conn.execute(query.order_by(_SECRETS.c.created_at, _SECRETS.c.secret_id))
        return [WebhookSecret(*row) for row in rows]


def expire_secrets(store: Store, member: str, vendor: str, *, at: datetime) -> int:
    current = (_SECRETS.c.member == member, _SECRETS.c.vendor == vendor)
    with store.transaction("expire_webhook_secrets") as conn:
        done = conn.execute(
            update(_SECRETS).where(*current, _SECRETS.c.expires_at.is_(None)).values(expires_at=at)
        )
        return int(done.rowcount)


def remove(store: Store, member: str, vendor: str) -> int:
    removed = 0
    with store.transaction("remove_webhook") as conn:
        for table in (_SECRETS, _TARGETS):
            query = delete(table).where(table.c.member == member, table.c.vendor == vendor)
            removed += int(conn.execute(query).rowcount)
    return removed


def set_target(store: Store, target: WebhookTarget) -> None:
    """Insert or replace the member's settings for the vendor, its credential sealed."""
    row = RowSealer(store.sealer).seal_mapping("webhook_targets", target._asdict())
    statement = _insert(store, _TARGETS).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=["member", "vendor"],
        set_={name: statement.excluded[name] for name in row if name not in ("member", "vendor")},
    )
    with store.transaction("set_webhook_target") as conn:
        conn.execute(statement)


def target(store: Store, member: str, vendor: str) -> WebhookTarget | None:
    query = select(*(_TARGETS.c[name] for name in WebhookTarget._fields)).where(
        _TARGETS.c.member == member, _TARGETS.c.vendor == vendor
    )
    with store.transaction("webhook_target") as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    (opened,) = RowSealer(store.sealer).open_rows("webhook_targets", WebhookTarget._fields, [row])
    return WebhookTarget(*opened)


def delivery(store: Store, member: str, vendor: str, body_sha256: str) -> Delivery | None:
    c = _DELIVERIES.c
    query = select(*(c[name] for name in Delivery._fields)).where(
        c.member == member, c.vendor == vendor, c.body_sha256 == body_sha256
    )
    with store.transaction("webhook_delivery") as conn:
        row = conn.execute(query).first()
    return None if row is None else Delivery(*row)


def add_delivery(store: Store, found: Delivery) -> bool:
    keys = ["member", "vendor", "body_sha256"]
    return _insert_new(store, _DELIVERIES, found._asdict(), keys, _DELIVERIES.c.body_sha256)


def add_outbox(store: Store, item: OutboxItem) -> bool:
    row = {k: v for k, v in item._asdict().items() if k != "outbox_id"}
    keys = ["member", "vendor", "application_key"]
    return _insert_new(store, _OUTBOX, row, keys, _OUTBOX.c.outbox_id)


def outbox(store: Store, *, pending: bool) -> list[OutboxItem]:
    query = select(*(_OUTBOX.c[name] for name in OutboxItem._fields))
    if pending:
        query = query.where(_OUTBOX.c.state == "pending")
    with store.transaction("webhook_outbox") as conn:
        return [OutboxItem(*row) for row in conn.execute(query.order_by(_OUTBOX.c.outbox_id))]


def claim(store: Store, outbox_id: int, *, now: datetime, until: datetime) -> bool:
    """One conditional update: of two senders, the database lets exactly one through."""
    c = _OUTBOX.c
    free = or_(c.claimed_until.is_(None), c.claimed_until <= now)
    query = (
        update(_OUTBOX)
        .where(c.outbox_id == outbox_id, c.state == "pending", free)
        .values(claimed_until=until, attempts=c.attempts + 1)
    )
    with store.transaction("claim_outbox") as conn:
        return int(conn.execute(query).rowcount) == 1


def finish(store: Store, outbox_id: int, *, sent_at: datetime | None, error: str | None) -> None:
    values: dict[str, Any] = {"claimed_until": None, "last_error": error}
    if sent_at is not None:
        values |= {"state": "sent", "sent_at": sent_at}
    with store.transaction("finish_outbox") as conn:
        conn.execute(update(_OUTBOX).where(_OUTBOX.c.outbox_id == outbox_id).values(values))


def _insert(store: Store, table: Table) -> Any:
    return (pg_insert if store.dialect == "postgresql" else sqlite_insert)(table)


def _insert_new(
    store: Store, table: Table, row: dict[str, Any], keys: list[str], returned: Any
) -> bool:
    """Insert unless a row holds the same ``keys``: whether it went in (RETURNING says, as a
    rowcount may not)."""
    statement = _insert(store, table).values(row).on_conflict_do_nothing(index_elements=keys)
    with store.transaction(f"add_{table.name}") as conn:
        return conn.execute(statement.returning(returned)).first() is not None
