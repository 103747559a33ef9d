"""The audit trail read back: checked end to end (`fauxhire audit verify`) and served a page
at a time (GET /v1/audit)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from fauxhire.domain.audit_chain import ChainReport, check_chain
from fauxhire.errors import ConfigError
from fauxhire.ports import AuditEntry, AuditLog

MAX_PAGE: Final = 1000  # the most events one request of GET /v1/audit returns
# The largest event id: its column is an Integer, 32 bits on PostgreSQL. A larger ``after``
# would reach the database as a value it cannot compare (on SQLite, past 64 bits, a crash).
MAX_EVENT_ID: Final = 2**31 - 1
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


def audit_page(
    store: AuditLog, *, subject: str | None = None, after: int = 0, limit: int = 100
) -> list[AuditEntry]:
    """At most ``limit`` (up to ``MAX_PAGE``) entries after the event id ``after``, oldest
    first, about ``subject`` if given; the last one's id is where the next page starts."""
    if not 1 <= limit <= MAX_PAGE:
        raise ConfigError(f"limit must be from 1 to {MAX_PAGE}", limit=limit)
    if after < 0:
        raise ConfigError("after is an event id: 0 or more", after=after)
    return store.audit_trail(subject, after=after, limit=limit)
