"""Screening one candidate while they are being hired (issue 17, item 5).

A screen takes one application as an ATS holds it (canonical JSON, a Greenhouse candidate or
application, an Ashby application), and in one call:

1. reads it with the format's own adapter, so it is validated and normalised exactly as an
   ingested file's would be (a bad field is an ``IngestError`` naming it);
2. stores it and appends the change to the audit trail, in one unit of work. Its key is its
   company and application id: the same application again stores nothing new, so a retried
   or replayed screen is not stored twice. An application that names an erased applicant
   (the store's tombstones, as ingest honours them: services/tombstones.py) is not stored:
   the screen is refused with ``erased_applicant`` and the refusal audited
   (``screen:refused``), naming the application by a keyed hash only;
3. links it into the last link run's identities with its model: in plain code where that
   is simple (``fast_link``), else by an incremental run (``increment.link_new``);
4. assesses the identity it joined: in plain Python where it is only an applicant, or where
   its stored assessment saw all else it holds; else with its network and ties by the
   detectors (``assess_screened``);
5. answers with why it linked, and the identity as the caller's role may see it
   (``identity_views``, which audits that read).

Screens run one at a time (``Screener.lock``): linking numbers new identities after the last
id given. The whole store's model, networks and store-wide indicators are refreshed by a
background job (``refresh``), never here.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal, Protocol

import orjson

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.domain import Application
from fauxhire.domain.api_roles import MEMBER_ROLES
from fauxhire.domain.evidence import ComparisonEvidence
from fauxhire.domain.quarantine import Quarantined
from fauxhire.enrich.share_keys import MatchingKeys
from fauxhire.errors import FauxhireError, IngestError, PermissionDenied, StoreNotReady
from fauxhire.ingest.base import IngestContext, SourceFile
from fauxhire.ingest.registry import get_format
from fauxhire.link import engines
from fauxhire.ports import AuditEvent, LinkingStore, RecordWriter
from fauxhire.services.assess_screened import ScreenedAssessingStore, assess_screened
from fauxhire.services.fast_link import ScorerCache, link_screened
from fauxhire.services.identity_views import (
    HubView,
    IdentityViewStore,
    MemberView,
    identity_view,
)
from fauxhire.services.keys import Principal
from fauxhire.services.linker import Linker
from fauxhire.services.scratch import Scratch
from fauxhire.services.screen_words import indicator_titles, next_steps
from fauxhire.services.tombstones import CODE as ERASED
from fauxhire.services.tombstones import (
    SCREEN_REASON,
    TombstoneFilter,
    Tombstones,
    tombstone_filter,
)
from fauxhire.store.schema import KEY_SEP, join_key, split_key

CandidateFormat = Literal["canonical", "greenhouse", "ashby"]
# The ingest format that reads each: canonical applications are the "applications" format.
_READER: Final = {"canonical": "applications", "greenhouse": "greenhouse", "ashby": "ashby"}
SCREENERS: Final = ("analyst", *MEMBER_ROLES)
ACTION: Final = "screen"
REFUSED: Final = "screen:refused"  # the audit action of a screen refused for an erasure
DEFAULT_PURPOSE: Final = "screening"
# A batch up to this size is linked a candidate at a time by the fast link (some 9 ms each at
# a million applications); a larger one by one incremental run (some 60 ms, shared).
FAST_BATCH: Final = 4
_SCRATCH: Final = Scratch("fauxhire-screen-")


class ScreeningStore(
    RecordWriter, LinkingStore, ScreenedAssessingStore, IdentityViewStore, Tombstones, Protocol
):
    """What a screen writes and reads: the record, the links, the assessments, the trail, and
    the erasures' tombstones it honours."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    format: CandidateFormat
    payload: dict[str, Any]  # one application, as the ATS gives it
    company_id: str | None  # the member it applied at (a vendor payload does not say)


@dataclass(frozen=True, slots=True)
class Why:
    """Why the application is in its identity: the comparisons of its strongest links to
    the identity's other applications, each with where that application is (the caller's
    own company, or "another member")."""

    status: Literal["new", "joined"]  # a new identity, or one that held applications before
    applications: int  # the identity's applications, this one included
    links: list[dict[str, Any]]


@dataclass
class Screener:
    """What every screen of a process shares: the ruleset, the linking engine, the lock."""

    ruleset: LoadedRuleset
    linker: Linker = field(default_factory=Linker)
    # The keys partners' hashes match with, read again as the keyring changes.
    keys: MatchingKeys = field(default_factory=MatchingKeys)
    erasure_key: bytes | None = None  # the key of the store's tombstones (App.erasure_key)
    lock: threading.Lock = field(default_factory=threading.Lock)
    scorers: ScorerCache = field(default_factory=ScorerCache)  # the fast link's, kept
    titles: dict[str, str] = field(init=False)  # the ruleset's indicator titles, read once

    def __post_init__(self) -> None:
        self.titles = indicator_titles(self.ruleset)


@dataclass(frozen=True, slots=True)
class ScreenResult:
    application: dict[str, str]  # company_id and application_id, as screened
    linked: Why
    identity: HubView | MemberView
    next_steps: list[str]
    assessed: dict[str, int]  # identities read to assess it, contributions carried


@dataclass(frozen=True, slots=True)
class Screening:
    """One candidate read and checked, ready to screen: what, for whom, why."""

    application: Application
    caller: Principal
    purpose: str
    request_id: str | None

    @property
    def key(self) -> str:
        return join_key(self.application.key)


def prepare(
    candidate: Candidate,
    caller: Principal,
    *,
    context: IngestContext,
    purpose: str | None = None,
    request_id: str | None = None,
) -> Screening:
    """The caller's candidate read by its format's adapter, after the role and member
    checks: all a screen's work that needs no store, done before it waits its turn."""
    company = _company(candidate, caller)
    application = parse_candidate(candidate, company, context, request_id)
    return Screening(application, caller, purpose or DEFAULT_PURPOSE, request_id)


def companies_of(candidate: Candidate) -> set[str]:
    """The companies a candidate may be at: the one the request names, and a canonical
    application's own. Its context needs their countries only (``IngestContext``)."""
    named = {candidate.company_id, candidate.payload.get("company_id")}
    return {company for company in named if isinstance(company, str)}


def screen_batch(
    store: ScreeningStore, screenings: Sequence[Screening], screener: Screener, *, now: datetime
) -> list[ScreenResult | FauxhireError]:
    """Screen these candidates together: each stored with its audit event, linked, and then
    one assessment of every identity they touched. A small batch (``FAST_BATCH``) is stored
    and linked one candidate at a time, each by the fast link where it can be
    (``fast_link``); a larger one is stored in one unit of work and linked by one incremental
    run, whose fixed cost it shares. Each gets its result, or the error that is its own
    (another application under its id, an erased applicant); an error of the whole batch
    (the store, tombstones without their key) is raised."""
    rounds = [[one] for one in screenings] if len(screenings) <= FAST_BATCH else [screenings]
    with screener.lock:
        refused: list[FauxhireError | None] = []
        for part in rounds:
            stored = _stored(store, part, screener.erasure_key, now)
            _linked(store, [s for s, error in zip(part, stored, strict=True) if error is None],
                    screener, now)  # fmt: skip
            refused += stored
        ready = [s.key for s, error in zip(screenings, refused, strict=True) if error is None]
        identity_of = store.links_of_keys(ready) if ready else {}
        new_of: dict[str, list[str]] = {}
        for key, identity in identity_of.items():
            new_of.setdefault(identity, []).append(key)
        done = assess_screened(
            store, new_of, now=now, ruleset=screener.ruleset,
            community_key=screener.keys.at(now),
        )  # fmt: skip
    assessed = {"scope": done.scope, "carried": done.carried}
    # The answers' reads and their audit events commit once, not once a candidate.
    with store.unit_of_work():
        return [
            error or _result(store, one, identity_of[one.key], assessed, now, screener.titles)
            for one, error in zip(screenings, refused, strict=True)
        ]


def _linked(
    store: ScreeningStore, ready: Sequence[Screening], screener: Screener, now: datetime
) -> None:
    """Link the stored ``ready``: a lone application by the fast link, which reproduces the
    embedded engine's incremental run, where it can; else by the incremental run."""
    if not ready:
        return
    if store.latest_link_run() is None:
        raise StoreNotReady("the store has no link run yet: run `fauxhire link` once")
    fast = len(ready) == 1 and screener.linker.name == engines.DEFAULT
    if fast and link_screened(store, screener.scorers, now=now) is not None:
        return
    screener.linker.link_new(store, now=now)


def _stored(
    store: ScreeningStore, screenings: Sequence[Screening], erasure_key: bytes | None, now: datetime
) -> list[FauxhireError | None]:
    """Store each application and its audit event, in one unit of work; per screening,
    None, or why nothing of it was stored: it names an erased applicant, or its id is stored
    with other content. The tombstones are read each batch: an erasure may have come since."""
    refused: list[FauxhireError | None] = []
    with store.unit_of_work():
        tombstones = tombstone_filter(store, erasure_key)
        for one in screenings:
            if tombstones is not None and tombstones.names_erased(one.application):
                refused.append(IngestError(SCREEN_REASON, field="application", code=ERASED))
                store.append_audit(_refused_event(one, tombstones, now))
                continue
            if store.write_records([one.application], now=now) != 1:
                refused.append(
                    IngestError(
                        "this application id is stored already with other content; "
                        "a screen does not overwrite it",
                        field="application_id",
                        code="conflict",
                    )
                )
                continue
            refused.append(None)
            store.append_audit(_event(one, now))
    return refused


def _result(
    store: ScreeningStore,
    one: Screening,
    identity_id: str,
    assessed: dict[str, int],
    now: datetime,
    titles: Mapping[str, str],
) -> ScreenResult:
    view = identity_view(
        store, identity_id, one.caller, purpose=one.purpose, request_id=one.request_id, now=now,
        titles=titles,
    )  # fmt: skip
    application = one.application
    return ScreenResult(
        application={
            "company_id": application.company_id,
            "application_id": application.application_id,
        },
        linked=_why(store, identity_id, one.key, one.caller),
        identity=view,
        next_steps=next_steps(view.verdict.level),
        assessed=assessed,
    )


def _company(candidate: Candidate, caller: Principal) -> str | None:
    """The member the application is at: a member role's own, and only its own (as the
    request names it, or a canonical application does)."""
    if caller.role not in SCREENERS:
        raise PermissionDenied(f"the role {caller.role} screens no candidate")
    named = candidate.company_id
    if named is None and candidate.format == "canonical":
        named = candidate.payload.get("company_id")
    if caller.role in MEMBER_ROLES:
        if named not in (None, caller.member):
            raise PermissionDenied("a member screens candidates of its own company only")
        return caller.member
    return candidate.company_id


def parse_candidate(
    candidate: Candidate, company: str | None, context: IngestContext, request_id: str | None
) -> Application:
    """The one application the payload holds, read by its format's adapter (which reads
    files: the payload is written to a private scratch one, ``scratch.Scratch``)."""
    reader = get_format(_READER[candidate.format]).adapter
    try:
        data = orjson.dumps(candidate.payload)
    except orjson.JSONEncodeError as exc:  # a lone surrogate, an integer past 64 bits
        raise IngestError(
            f"the application cannot be read as JSON: {exc}",
            field="application",
            code="unreadable",
        ) from None
    with _SCRATCH.file("candidate.json", data) as path:
        source = SourceFile(path, display=f"screen:{request_id or '-'}", company_id=company)
        items = list(reader(source, context))
    refused = [item for item in items if isinstance(item, Quarantined)]
    if refused:
        first = refused[0]
        raise IngestError(first.reason, field=f"application.{first.field}", code=first.code)
    found = [item for item in items if isinstance(item, Application)]
    if len(found) != 1:
        raise IngestError(
            f"a screen takes one application; this candidate holds {len(found)}",
            field="application",
            code="one_application",
        )
    return found[0]


def _event(one: Screening, now: datetime) -> AuditEvent:
    caller = one.caller
    return AuditEvent(
        actor=caller.key_id, action=ACTION, subject=f"application:{one.key}",
        purpose=one.purpose, at=now, role=caller.role, member=caller.member,
        records=(one.key,), request_id=one.request_id,
    )  # fmt: skip


def _refused_event(one: Screening, tombstones: TombstoneFilter, now: datetime) -> AuditEvent:
    """A screen refused for an erasure: the application named as the erasure's event names
    the records it removed, never by its key."""
    record = tombstones.audit_record("applications", one.key)
    return _event(one, now)._replace(action=REFUSED, subject=record, records=(record,))


def _why(store: ScreeningStore, identity_id: str, key: str, caller: Principal) -> Why:
    # Counted, not read: a persona's hundreds of applications were read here a second time.
    held = store.identity_sizes([identity_id]).get(identity_id, 0)
    edges = store.edges("identity", identity_id, touching=key)
    hub = caller.role not in MEMBER_ROLES
    links = []
    for edge in edges:
        other = edge.b if edge.a == key else edge.a
        own = split_key(other)[0] == caller.member  # an application's key leads with its company
        links.append(
            {
                "other": _shown(other)
                if hub or own
                else "an application at another member company",
                "probability": edge.probability,
                "comparisons": _comparisons(edge.evidence),
            }
        )
    return Why(status="joined" if held > 1 else "new", applications=held, links=links)


def _shown(key: str) -> str:
    """An application's key as people write it: company_id/application_id."""
    return key.replace(KEY_SEP, "/")


def _comparisons(items: Sequence[ComparisonEvidence]) -> list[dict[str, Any]]:
    """What agreed, in words, without the values: "email: exact match"."""
    return [
        {"comparison": c.comparison, "reading": c.reading, "weight": c.weight}
        for c in items
        if c.weight is None or c.weight > 0
    ]
