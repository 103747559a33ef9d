"""The identity page's records (issue 18, item 2), as the caller's role may see them: the
timeline of what the identity did, its contact values with where each was seen, and, for the
hub's analyst, who looked at it and who decided about it.

- The hub's ``analyst`` reads every company's records, the values in clear, and the history.
- A member's ``member_analyst`` reads its own company's records and values, in clear: they
  are its own applicants. A ``recruiter`` reads the same, the values masked. Neither reads the
  history, nor anything of another member (``identity_views`` gives them the hub's summary).

The read and its audit event commit together, and the event names every record shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fauxhire.domain.evidence import IndicatorEvidence
from fauxhire.domain.masking import masked
from fauxhire.errors import NotFound, PermissionDenied
from fauxhire.ports import AuditEvent
from fauxhire.ports.dossier import SeenValue, TimelineEvent
from fauxhire.services.identity_views import HUB_READER, READERS
from fauxhire.services.keys import Principal
from fauxhire.store import SqlStore
from fauxhire.store.audit import latest_about
from fauxhire.store.dossier import identity_timeline, identity_values

ACTION: Final = "identity:dossier:read"
HISTORY: Final = 200  # the latest events of an identity's history a page shows
PARTNERS: Final = 50  # partner indicators a timeline shows: a persona matches a few
MASKED_ROLES: Final = frozenset({"recruiter"})


@dataclass(frozen=True, slots=True)
class Looked:
    at: datetime
    actor: str
    role: str | None
    action: str  # identity:read, dispose:confirmed, ...
    purpose: str


@dataclass(frozen=True, slots=True)
class Dossier:
    identity_id: str
    timeline: list[TimelineEvent]
    values: list[SeenValue]
    history: list[Looked] | None  # None: the role does not read it
    masked: bool


def identity_dossier(
    store: SqlStore,
    identity_id: str,
    caller: Principal,
    *,
    purpose: str,
    request_id: str | None,
    now: datetime,
) -> Dossier:
    """The identity's timeline, values and (for the hub) history; ``NotFound`` as the
    identity view's: for a member, an identity with none of its applications is unknown."""
    if caller.role not in READERS:
        raise PermissionDenied(f"the role {caller.role} reads no applicant")
    hub = caller.role == HUB_READER
    member = None if hub else caller.member
    subject = f"identity:{identity_id}"
    with store.unit_of_work():
        assessed = store.assessments("identity", identity_id)
        cited = _partner_ids(assessed[0].evidence) if hub and assessed else []
        timeline = identity_timeline(store, identity_id, member=member, partner_ids=cited)
        if not any(event.kind == "application" for event in timeline):
            raise NotFound(f"no identity {identity_id}", identity_id=identity_id)
        values = identity_values(store, identity_id, member=member)
        hidden = caller.role in MASKED_ROLES
        if hidden:
            values = [v._replace(display=masked(v.kind, v.display), key="") for v in values]
        history = _history(store, subject) if hub else None
        store.append_audit(
            AuditEvent(
                actor=caller.key_id,
                action=ACTION,
                subject=subject,
                purpose=purpose,
                at=now,
                role=caller.role,
                member=caller.member,
                records=tuple(event.source for event in timeline),
                request_id=request_id,
            )
        )
    return Dossier(identity_id, timeline, values, history, hidden)


def _partner_ids(evidence: Sequence[IndicatorEvidence]) -> list[str]:
    """The STIX ids of the partner indicators an assessment cites (``indicator:<id>``)."""
    cited = {
        source.removeprefix("indicator:")
        for item in evidence
        for source in item.sources
        if source.startswith("indicator:")
    }
    return sorted(cited)[:PARTNERS]


def _history(store: SqlStore, subject: str) -> list[Looked]:
    """Who read or decided about the identity, the latest first: its latest ``HISTORY``
    events, however often it was read."""
    return [
        Looked(e.at, e.actor, e.role, e.action, e.purpose)
        for e in latest_about(store, subject, HISTORY)
    ]
