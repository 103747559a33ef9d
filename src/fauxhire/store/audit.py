"""The audit trail: events appended one at a time and read back in the order appended."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from fauxhire.ports import AuditEvent
from fauxhire.store import schema
from fauxhire.store.store import Store


def append_audit(store: Store, event: AuditEvent) -> int:
    """Append one event; its id, which orders the trail."""
    with store.transaction("append_audit") as conn:
        result = conn.execute(insert(schema.audit_events).values(event._asdict()))
        key: Sequence[Any] = result.inserted_primary_key or ()
        return int(key[0])


def audit_events(store: Store, subject: str | None = None) -> list[AuditEvent]:
    """Every event, or those about ``subject``, oldest first."""
    t = schema.audit_events
    query = select(*(t.c[name] for name in AuditEvent._fields)).order_by(t.c.event_id)
    if subject is not None:
        query = query.where(t.c.subject == subject)
    with store.transaction("audit_events") as conn:
        return [AuditEvent(*row) for row in conn.execute(query)]
