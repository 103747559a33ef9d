"""One identity as a caller of the API may see it, by role (issue 17, items 2 to 4).

- The hub's ``analyst`` sees everything the store holds about the identity.
- A member company's ``member_analyst`` or ``recruiter`` sees the identity only if it applied
  at that member, and then that member's own applications in full and, about the rest, facts
  that name no person and no company but one that opted in to be named
  (``services/cross_member.py``: applications, employer reports and shared infrastructure
  elsewhere), and the verdict. An identity that never applied at the member is "not found",
  exactly as an unknown one is, so a member cannot learn that it exists elsewhere.
- Other roles read no applicant (``admin`` manages; ``partner`` gets keyed hashes later).

Every read appends one audit event naming the application records shown. The verdict is a
recommendation for a person to review, and every view says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol

from fauxhire.domain.api_roles import MEMBER_ROLES
from fauxhire.errors import NotFound, PermissionDenied
from fauxhire.ports import AppliedApplication, AuditEvent, AuditLog, OutcomeReader
from fauxhire.ports.hub import CrossMemberReads
from fauxhire.services.cross_member import CrossMemberSummary, cross_member_summary
from fauxhire.services.keys import Principal
from fauxhire.services.screen_words import next_steps

HUB_READER: Final = "analyst"
READERS: Final = (HUB_READER, *MEMBER_ROLES)
ACTION: Final = "identity:read"
DEFAULT_PURPOSE: Final = "review"
RECOMMENDATION: Final = (
    "A recommendation for human review, not a decision: a person checks the evidence "
    "before anything is done about this applicant."
)


class IdentityViewStore(CrossMemberReads, OutcomeReader, AuditLog, Protocol):
    """What an identity view reads, and where it records that it read, in one unit of work."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...


@dataclass(frozen=True, slots=True)
class Verdict:
    level: str | None  # None: not assessed yet
    probability: float | None
    evidence: list[dict[str, object]]  # strongest first; what is in each depends on the role


@dataclass(frozen=True, slots=True)
class HubView:
    identity_id: str
    applications: list[dict[str, object]]  # every one: company, application id, applied_at
    network_id: str | None
    verdict: Verdict
    recommendation: str = RECOMMENDATION
    next_steps: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MemberView:
    identity_id: str
    member: str
    applications: list[dict[str, object]]  # the member's own: application id and applied_at
    elsewhere: CrossMemberSummary  # what the hub knows from the other members, as facts
    verdict: Verdict
    recommendation: str = RECOMMENDATION
    next_steps: list[str] = field(default_factory=list)


def identity_view(
    store: IdentityViewStore,
    identity_id: str,
    caller: Principal,
    *,
    purpose: str | None,
    request_id: str | None,
    now: datetime,
    titles: Mapping[str, str],
) -> HubView | MemberView:
    """``identity_id`` as ``caller``'s role may see it, the read appended to the audit trail;
    each indicator named in plain words by ``titles`` (``screen_words.indicator_titles``).
    ``PermissionDenied`` for a role that reads no applicant; ``NotFound`` for an unknown
    identity and, for a member role, for one that holds none of the member's applications."""
    if caller.role not in READERS:
        raise PermissionDenied(f"the role {caller.role} reads no applicant")
    # The read and its audit event in one unit of work: what the event names is what was read.
    with store.unit_of_work():
        held = store.identity_applications(identity_id)
        hub = caller.role == HUB_READER
        shown = held if hub else [a for a in held if a.company_id == caller.member]
        if not shown:  # the same answer as an unknown id: a member learns nothing of the others
            raise NotFound(f"no identity {identity_id}", identity_id=identity_id)
        view = (
            _hub_view(store, identity_id, held, titles)
            if hub
            else _member_view(store, identity_id, caller, shown, held, now, titles)
        )
        store.append_audit(
            AuditEvent(
                actor=caller.key_id,
                action=ACTION,
                subject=f"identity:{identity_id}",
                purpose=purpose or DEFAULT_PURPOSE,
                at=now,
                role=caller.role,
                member=caller.member,
                records=tuple(a.key for a in shown),
                request_id=request_id,
            )
        )
    return view


def _hub_view(
    store: IdentityViewStore,
    identity_id: str,
    held: list[AppliedApplication],
    titles: Mapping[str, str],
) -> HubView:
    links = store.links(identity_id)
    verdict = _verdict(store, identity_id, titles, full_evidence=True)
    return HubView(
        identity_id=identity_id,
        applications=[_application(a, with_company=True) for a in held],
        network_id=links[0].network_id if links else None,
        verdict=verdict,
        next_steps=next_steps(verdict.level),
    )


def _member_view(
    store: IdentityViewStore,
    identity_id: str,
    caller: Principal,
    own: list[AppliedApplication],
    held: list[AppliedApplication],
    now: datetime,
    titles: Mapping[str, str],
) -> MemberView:
    member = str(caller.member)
    verdict = _verdict(store, identity_id, titles, full_evidence=False)
    return MemberView(
        identity_id=identity_id,
        member=member,
        applications=[_application(a, with_company=False) for a in own],
        elsewhere=cross_member_summary(store, identity_id, member, now=now, applications=held),
        verdict=verdict,
        next_steps=next_steps(verdict.level),
    )


def _application(application: AppliedApplication, *, with_company: bool) -> dict[str, object]:
    shown: dict[str, object] = {"company_id": application.company_id} if with_company else {}
    return shown | {
        "application_id": application.application_id,
        "applied_at": application.applied_at.isoformat(),
    }


def _verdict(
    store: IdentityViewStore, identity_id: str, titles: Mapping[str, str], *, full_evidence: bool
) -> Verdict:
    """The identity's assessment. A member role gets each indicator's id and weight only:
    an indicator's sentence is filled in with the values that fired it (a payout account,
    an egress IP, the companies applied to) and its sources name other members' records, so
    either could tell a member another member's applicant data."""
    assessed = store.assessments("identity", identity_id)
    if not assessed:
        return Verdict(level=None, probability=None, evidence=[])
    found = assessed[0]
    evidence: list[dict[str, object]] = [
        {
            "indicator": item.indicator,
            "title": titles.get(item.indicator, item.indicator),
            "weight": item.weight,
        }
        | ({"detail": item.detail, "sources": list(item.sources)} if full_evidence else {})
        for item in found.evidence
    ]
    return Verdict(level=found.level, probability=found.probability, evidence=evidence)
