"""What linking and assessment produce, as a reader receives it: frozen, typed values.

Inside the kernels outcomes stay frames (a million identities are columns, not a million
objects); these types are what crosses to a person or another program: `fauxhire show`, the
API, the tests. The words are those of docs/concepts.md; the levels, domain.levels; the
evidence and its JSON, domain.evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, NamedTuple

from fauxhire.domain.evidence import E, IndicatorEvidence


class Link(NamedTuple):
    """An application's place in the outcome: its identity and its network, if it has one
    (a row of links.csv, docs/formats.md section 11). A tuple, unlike the other outcomes: a
    run reads a million of them, and they go into a frame as rows."""

    company_id: str
    application_id: str
    identity_id: str
    network_id: str | None


@dataclass(frozen=True, slots=True)
class LinkEdge(Generic[E]):
    """A link that holds an identity or a network together, or that split a borrowed
    identity off another, with its evidence (``ComparisonEvidence`` for the stages identity
    and borrowed, ``SharedEvidence`` for network)."""

    stage: str  # identity | network | borrowed
    a: str  # identity: an application's key; network and borrowed: an identity id
    b: str
    group_id: str  # the identity or network it holds together
    score: float  # identity: match weight (log2 odds); network: the families' summed weights
    probability: float | None  # identity and borrowed only
    evidence: tuple[E, ...]


@dataclass(frozen=True, slots=True)
class Identity:
    """A persona: the applications that are one presented person across companies and time."""

    identity_id: str
    applications: tuple[tuple[str, str], ...]  # (company_id, application_id)
    network_id: str | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """Identities run by one operator group, revealed by infrastructure they share."""

    network_id: str
    identities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """How likely an identity or a network is linked to scheme infrastructure, and why."""

    subject_kind: str  # identity | network
    subject_id: str
    network_id: str | None  # an identity's network; a network's own id
    probability: float
    level: str  # its ICD 203 term, domain.levels
    evidence: tuple[IndicatorEvidence, ...]  # strongest first
    ruleset_version: str | None = None  # the ruleset that made it, for replay
    ruleset_hash: str | None = None


class AuditEvent(NamedTuple):
    """Who read or changed what, about whom, why and when: one line of the audit trail
    (``ports.AuditLog``). A NamedTuple, as ``Link``: the store reads it back as rows."""

    actor: str  # the analyst, or the process and command of a run
    action: str  # e.g. "identity-summary", "judge:together", "dispose:cleared"
    subject: str  # the identity, network or application it is about, e.g. "identity:i-12"
    purpose: str  # why: the reason the person gave, or the command that read it
    at: datetime
    # Defaults, so the callers that predate them (the command line's) need not say.
    role: str | None = None  # the caller's role (services.keys.ROLES); None: a command line
    member: str | None = None  # the member company a member role acts for
    records: tuple[str, ...] = ()  # the ids of the records read or changed
    request_id: str | None = None  # the API request that made it, as its X-Request-ID


class AuditEntry(NamedTuple):
    """An event as the trail holds it: its id (the trail's order) and its link in the hash
    chain (``domain.audit_chain``)."""

    event_id: int
    event: AuditEvent
    prev_hash: str  # the previous entry's hash; 64 zeros for the first
    hash: str
