"""What the hub's analyst does over the API (issue 17, item 7): read why records are linked,
judge links and dispose of identities, each appended to the audit trail in the same unit of
work as the change, so a change is never stored without its event.

The analyst is the caller's credential (an API key's id, or ``oidc:`` and the token's
subject), never a name the request gives: the trail says who really acted. A judgement is
recorded, not applied: the next linking run applies it, as `fauxhire judge --no-link` does,
because a full linking run inside a request would hold a worker for as long as linking the
whole store takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from fauxhire.domain.evidence import ComparisonEvidence, SharedEvidence
from fauxhire.errors import PermissionDenied
from fauxhire.ports import AuditEvent
from fauxhire.services import dispositions, judge, show
from fauxhire.services.keys import Principal
from fauxhire.store import SqlStore

ACTOR_ROLE: Final = "analyst"  # the hub's analyst; member roles judge nothing (yet)
PAIR_JUDGEMENTS: Final = {"together": judge.confirm, "apart": judge.keep_apart}
PairKind = Literal["together", "apart"]


@dataclass(frozen=True, slots=True)
class Acting:
    """Who acts, for which request, when: what every audit event of this module says."""

    caller: Principal
    request_id: str | None  # the API request's X-Request-ID
    now: datetime

    def __post_init__(self) -> None:
        if self.caller.role != ACTOR_ROLE:
            raise PermissionDenied(f"the role {self.caller.role} takes no analyst action")

    def event(
        self, action: str, subject: str, purpose: str, records: tuple[str, ...]
    ) -> AuditEvent:
        return AuditEvent(
            actor=self.caller.key_id,
            action=action,
            subject=subject,
            purpose=purpose,
            at=self.now,
            role=self.caller.role,
            member=self.caller.member,
            records=records,
            request_id=self.request_id,
        )


def identity_links(
    store: SqlStore, identity_id: str, acting: Acting
) -> show.GroupView[ComparisonEvidence]:
    """``fauxhire show identity``'s explanation, the read audited with the applications shown."""
    view = show.show_identity(store, identity_id)
    shown = tuple(str(member["key"]) for member in view.members)
    store.append_audit(
        acting.event("identity:links:read", f"identity:{identity_id}", "review", shown)
    )
    return view


def network_links(
    store: SqlStore, network_id: str, acting: Acting
) -> show.GroupView[SharedEvidence]:
    """``fauxhire show network``'s explanation, the read audited with the identities shown."""
    view = show.show_network(store, network_id)
    shown = tuple(str(member["identity_id"]) for member in view.members)
    store.append_audit(acting.event("network:links:read", f"network:{network_id}", "review", shown))
    return view


def judge_pair(
    store: SqlStore, kind: PairKind, ref_a: str, ref_b: str, reason: str, acting: Acting
) -> judge.Decision:
    """Two applications are one person (``together``) or not (``apart``), judged by the
    caller; the judgement and its audit event commit together."""
    decide = PAIR_JUDGEMENTS[kind]
    with store.unit_of_work():
        decision = decide(
            store, ref_a, ref_b, analyst=acting.caller.key_id, reason=reason, now=acting.now
        )
        pairs = tuple(key for j in decision.judgements for key in (j.a, j.b))
        store.append_audit(
            acting.event(f"judge:{kind}", f"application:{judge.app_ref(pairs[0])}", reason, pairs)
        )
    return decision


def dispose(
    store: SqlStore,
    identity_id: str,
    disposition: str,
    reason: str,
    acting: Acting,
) -> dispositions.Disposed:
    """The caller's disposition on an identity, and its audit event, committed together."""
    with store.unit_of_work():
        done = dispositions.dispose(
            store,
            identity_id,
            disposition,
            analyst=acting.caller.key_id,
            reason=reason,
            now=acting.now,
        )
        store.append_audit(
            acting.event(f"dispose:{disposition}", f"identity:{identity_id}", reason, done.held_by)
        )
    return done
