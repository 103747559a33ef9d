"""The audit trail: events appended one at a time, each chained to the one before by its hash
(domain.audit_chain), and read back in the order appended."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection, false, func, insert, select, update

from fauxhire.domain.audit_chain import GENESIS, event_hash
from fauxhire.ports import AuditEntry, AuditEvent
from fauxhire.store import schema
from fauxhire.store.store import Store

_T = schema.audit_events
# The key of the PostgreSQL advisory lock that makes appends take turns: "fauxhire audit".
_APPEND_LOCK: Final = 0x66617578_61756474


def append_audit(store: Store, event: AuditEvent) -> int:
    """Append one event, chained to the last; its id, which orders the trail."""
    with store.transaction("append_audit") as conn:
        _lock_appends(conn, store.dialect)
        last = conn.execute(select(_T.c.hash).order_by(_T.c.event_id.desc()).limit(1)).scalar()
        prev = last or GENESIS
        row = event._asdict() | {"records": list(event.records), "prev_hash": prev}
        result = conn.execute(insert(_T).values(row | {"hash": event_hash(event, prev)}))
        key: Sequence[Any] = result.inserted_primary_key or ()
        return int(key[0])


def _lock_appends(conn: Connection, dialect: str) -> None:
    """Two appends that read the same last hash would fork the chain, so each takes the trail
    for itself before reading it, until its transaction ends."""
    if dialect == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_APPEND_LOCK)))
        return
    # SQLite: the driver opens a transaction only at the first write, so a statement that
    # writes nothing takes the write lock (waiting out another writer) before the read.
    conn.execute(update(_T).where(false()).values(actor=_T.c.actor))


def audit_events(store: Store, subject: str | None = None) -> list[AuditEvent]:
    """Every event, or those about ``subject``, oldest first."""
    return [entry.event for entry in audit_trail(store, subject)]


def audit_trail(
    store: Store, subject: str | None = None, *, after: int = 0, limit: int | None = None
) -> list[AuditEntry]:
    fields = [_T.c[name] for name in AuditEvent._fields]
    query = select(_T.c.event_id, *fields, _T.c.prev_hash, _T.c.hash).where(_T.c.event_id > after)
    if subject is not None:
        query = query.where(_T.c.subject == subject)
    query = query.order_by(_T.c.event_id).limit(limit)
    with store.transaction("audit_trail") as conn:
        return [_entry(row) for row in conn.execute(query)]


def latest_about(store: Store, subject: str, limit: int) -> list[AuditEvent]:
    """The ``limit`` latest events about ``subject``, the latest first: by the subject's
    index, however many events the subject has (a page read appends one each time)."""
    fields = [_T.c[name] for name in AuditEvent._fields]
    query = select(*fields).where(_T.c.subject == subject)
    query = query.order_by(_T.c.event_id.desc()).limit(limit)
    with store.transaction("audit_latest") as conn:
        events = [AuditEvent(*row) for row in conn.execute(query)]
    return [event._replace(records=tuple(event.records)) for event in events]


def _entry(row: Any) -> AuditEntry:
    event_id, *fields, prev_hash, digest = row
    event = AuditEvent(*fields)
    return AuditEntry(event_id, event._replace(records=tuple(event.records)), prev_hash, digest)
