"""One identity in brief, for a caller that asks about one person (an HTTP endpoint, a
console): its applications, its network, its assessment, and an audit event for the read.

The recipe for a new HTTP-style use case (docs/architecture.md): one function over the ports
it needs, run the same on the SQL store and in memory (tests/recipes/test_new_use_case.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from fauxhire.errors import NotFound
from fauxhire.ports import AuditEvent, AuditLog, OutcomeReader


class LookupStore(OutcomeReader, AuditLog, Protocol):
    """What a lookup reads, and where it records that it read."""


@dataclass(frozen=True, slots=True)
class IdentitySummary:
    identity_id: str
    applications: list[tuple[str, str]]  # (company_id, application_id), sorted
    network_id: str | None
    probability: float | None  # None: not assessed yet
    level: str | None
    links: int  # the links that hold its applications together


def identity_summary(
    store: LookupStore, identity_id: str, *, actor: str, purpose: str, now: datetime
) -> IdentitySummary:
    """The identity ``identity_id`` in brief; the read is appended to the audit trail (who,
    why, when), as every read of personal data is. An unknown id is ``NotFound``."""
    links = store.links(identity_id)
    if not links:
        raise NotFound(f"no identity {identity_id}", identity_id=identity_id)
    assessed = store.assessments("identity", identity_id)
    store.append_audit(
        AuditEvent(actor, "identity-summary", f"identity:{identity_id}", purpose, now)
    )
    return IdentitySummary(
        identity_id=identity_id,
        applications=sorted((link.company_id, link.application_id) for link in links),
        network_id=links[0].network_id,
        probability=assessed[0].probability if assessed else None,
        level=assessed[0].level if assessed else None,
        links=len(store.edges("identity", identity_id)),
    )
