"""The analysts' review queue (issue 18, item 1): the assessed identities to work through,
the highest level first and, within a level, the latest assessed, each marked ``new`` when
its assessment is newer than the caller's last read of it (the audit trail's
``identity:read``: what the reviewer has seen is what the trail says they read).

For the hub's analyst, every identity; for a member's analyst, only those holding one of its
own applications, without the hub's network ids and dispositions (as its identity view),
filtered by level and indicator only (a sector would tell where else its candidates
applied). A recruiter works one candidate at a time (``POST /v1/screen``, the identity
view), not a queue. The queue shows no applicant data, but
which identities a reviewer was shown is on the trail (``queue:read``), as every read about
people is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fauxhire.domain.api_roles import MEMBER_ROLES
from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.errors import ConfigError, PermissionDenied
from fauxhire.ports import AuditEvent
from fauxhire.ports.review import QueueFilter, QueueRow, ReviewQueue
from fauxhire.services.identity_views import ACTION as IDENTITY_READ
from fauxhire.services.keys import Principal

QUEUE_READERS: Final = ("analyst", "member_analyst")
FLAGGED: Final = ("likely", "very likely", "almost certain")  # the queue's default levels
DISPOSITIONS: Final = ("none", "confirmed", "cleared")
MAX_PAGE: Final = 200
ACTION: Final = "queue:read"
INDICATOR_ID: Final = re.compile(r"[a-z0-9-]{1,64}")  # as the rulesets name indicators
DEFAULT_PURPOSE: Final = "review"


@dataclass(frozen=True, slots=True)
class QueueItem:
    identity_id: str
    level: str
    probability: float
    network_id: str | None  # None for a member's roles
    assessed_at: str | None  # ISO 8601, UTC
    indicators: list[str]  # strongest first
    applications: int  # at every member
    disposition: str | None  # the hub's latest; None for a member's roles
    new: bool  # assessed since the caller last read it, or never read by the caller


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[QueueItem]
    next_offset: int | None  # the offset of the next page; None on the last


def review_queue(
    store: ReviewQueue,
    caller: Principal,
    given: QueueFilter,
    *,
    now: datetime,
    limit: int = 50,
    offset: int = 0,
    purpose: str | None = None,
    request_id: str | None = None,
) -> QueuePage:
    """A page of the queue ``given`` selects, as ``caller`` may see it; the read audited."""
    given = _scoped(caller, _checked(given, limit, offset))
    hub = caller.role not in MEMBER_ROLES
    with store.unit_of_work():
        rows = store.review_queue(given, limit=limit + 1, offset=offset)
        page = rows[:limit]
        subjects = [f"identity:{row.identity_id}" for row in page]
        seen = store.latest_acts(caller.key_id, IDENTITY_READ, subjects)
        store.append_audit(
            AuditEvent(
                actor=caller.key_id, action=ACTION, subject="queue",
                purpose=purpose or DEFAULT_PURPOSE, at=now, role=caller.role,
                member=caller.member, records=tuple(row.identity_id for row in page),
                request_id=request_id,
            )
        )  # fmt: skip
    items = [_item(row, seen.get(f"identity:{row.identity_id}"), hub=hub) for row in page]
    return QueuePage(items, offset + limit if len(rows) > limit else None)


def _checked(given: QueueFilter, limit: int, offset: int) -> QueueFilter:
    if not given.levels:
        given = given._replace(levels=FLAGGED)
    unknown = sorted(set(given.levels) - set(ESTIMATIVE_TERMS))
    if unknown:
        raise ConfigError(f"not an estimative level: {unknown[0]!r}", field="level")
    if given.indicator is not None and not INDICATOR_ID.fullmatch(given.indicator):
        raise ConfigError("an indicator id is lower-case letters, digits and -", field="indicator")
    if given.disposition not in (None, *DISPOSITIONS):
        raise ConfigError(f"disposition is one of {', '.join(DISPOSITIONS)}", field="disposition")
    if not 1 <= limit <= MAX_PAGE:
        raise ConfigError(f"limit must be from 1 to {MAX_PAGE}", field="limit")
    if offset < 0:
        raise ConfigError("offset must be 0 or more", field="offset")
    return given


def _scoped(caller: Principal, given: QueueFilter) -> QueueFilter:
    if caller.role not in QUEUE_READERS:
        raise PermissionDenied(f"the role {caller.role} has no review queue")
    if caller.role not in MEMBER_ROLES:
        return given
    if given.member not in (None, caller.member):
        raise PermissionDenied("a member's queue holds its own candidates only")
    # A sector would tell where else its candidates applied; networks and dispositions are
    # the hub's findings: a member's queue filters by level and indicator only.
    if given.network is not None or given.disposition is not None or given.sector is not None:
        raise PermissionDenied("a member's queue filters by level and indicator only")
    return given._replace(member=caller.member)


def _item(row: QueueRow, seen: datetime | None, *, hub: bool) -> QueueItem:
    at = row.assessed_at
    return QueueItem(
        identity_id=row.identity_id,
        level=row.level,
        probability=row.probability,
        network_id=row.network_id if hub else None,
        assessed_at=at.isoformat() if at is not None else None,
        indicators=list(row.indicators),
        applications=row.applications,
        disposition=row.disposition if hub else None,
        new=seen is None or at is None or at > seen,
    )
