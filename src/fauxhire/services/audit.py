"""The audit trail read back: checked end to end (`fauxhire audit verify`) and served a page
at a time (GET /v1/audit)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Final, Protocol

from fauxhire.domain.audit_chain import ChainReport, check_chain
from fauxhire.errors import ConfigError
from fauxhire.ports import AuditEntry, AuditEvent, AuditLog
from fauxhire.services.keys import Principal

MAX_PAGE: Final = 1000  # the most events one request of GET /v1/audit returns
# The largest event id: 64 bits on both backends (migration 0019). A larger ``after`` would
# reach the database as a value it cannot compare (on SQLite, a crash).
MAX_EVENT_ID: Final = 2**63 - 1
READ: Final = "audit:read"  # the action of a page of the trail served
DEFAULT_PURPOSE: Final = "audit review"
_VERIFY_PAGE: Final = 10_000  # verify reads the trail in pages, so a long one fits in memory


def verify_audit(store: AuditLog) -> ChainReport:
    """The whole trail's chain recomputed: how many events, the last hash (to keep elsewhere:
    it is what shows that the newest events were not removed) and every problem, each naming
    the event where the chain breaks (``domain.audit_chain.check_chain``)."""
    return check_chain(_whole_trail(store))


def _whole_trail(store: AuditLog) -> Iterator[AuditEntry]:
    after = 0
    while page := store.audit_trail(after=after, limit=_VERIFY_PAGE):
        yield from page
        after = page[-1].event_id


class AuditReadStore(AuditLog, Protocol):
    def unit_of_work(self) -> AbstractContextManager[None]: ...


def audit_page(
    store: AuditReadStore,
    reader: Principal,
    *,
    now: datetime,
    subject: str | None = None,
    after: int = 0,
    limit: int = 100,
    purpose: str | None = None,
    request_id: str | None = None,
) -> list[AuditEntry]:
    """At most ``limit`` (up to ``MAX_PAGE``) entries after the event id ``after``, oldest
    first, about ``subject`` if given; the last one's id is where the next page starts.

    The trail says who read which applicant's records, and when: reading it is itself
    appended to it (``audit:read``, naming the events served), in the same unit of work."""
    if not 1 <= limit <= MAX_PAGE:
        raise ConfigError(f"limit must be from 1 to {MAX_PAGE}", limit=limit)
    if after < 0:
        raise ConfigError("after is an event id: 0 or more", after=after)
    with store.unit_of_work():
        entries = store.audit_trail(subject, after=after, limit=limit)
        store.append_audit(
            AuditEvent(
                actor=reader.key_id,
                action=READ,
                subject="audit" if subject is None else f"audit:{subject}",
                purpose=purpose or DEFAULT_PURPOSE,
                at=now,
                role=reader.role,
                member=reader.member,
                records=tuple(str(entry.event_id) for entry in entries),
                request_id=request_id,
            )
        )
    return entries
