"""The identity page's records and the search (issue 18, items 2 and 4):
``GET /v1/identities/{identity_id}/dossier`` and ``GET /v1/search``. The services decide what
each role sees and audit the read."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.schemas import PROTECTED_ERRORS, Body, Timestamp, errors
from fauxhire.bootstrap import App
from fauxhire.ports import dossier as records
from fauxhire.services import dossier as services
from fauxhire.services.dossier import identity_dossier
from fauxhire.services.identity_views import READERS
from fauxhire.services.keys import Principal
from fauxhire.services.search import SEARCHERS, SearchKind, search

# Deny by default, as app.py's protected router: a valid key before the route's own code.
dossier = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Purpose = Annotated[str, Query(min_length=1, max_length=500)]
EventKind = Literal["application", "meeting", "signin", "hire", "report", "partner"]


class Event(Body):
    at: Timestamp | None  # a date for a hire's start
    kind: EventKind
    company_id: str | None  # None: a partner's indicator, or a member's own (not repeated)
    source: str  # as the assessment's evidence cites it
    summary: str


class SeenValue(Body):
    kind: str
    value: str  # masked for a recruiter
    key: str | None  # normalised; None when masked
    company_id: str | None
    application_id: str
    held_by: int


class Looked(Body):
    at: Timestamp
    actor: str
    role: str | None
    action: str
    purpose: str


class Dossier(Body):
    identity_id: str
    timeline: list[Event]
    values: list[SeenValue]
    history: list[Looked] | None  # None: the role does not read who looked
    masked: bool


class Hit(Body):
    identity_id: str
    applications: int  # of its applications, those holding the value


class SearchPage(Body):
    kind: SearchKind
    normalised: list[str]
    identities: list[Hit]
    more: bool


@dossier.get(
    "/identities/{identity_id}/dossier", response_model=Dossier, responses=errors(403, 404, 422)
)
def identity_records(
    identity_id: str,
    request: Request,
    caller: Annotated[Principal, Depends(role_in(*READERS))],
    opened: Annotated[App, Depends(opened_app)],
    purpose: Purpose = "review",
) -> Dossier:
    """The identity's timeline (applications, interview meetings, sign-ins, hires,
    employer reports and partner matches), its contact values with where each was seen,
    and for the hub's analyst who looked at it and who decided. A member's roles get their
    own company's records only, a recruiter's values masked; 404 for an identity the caller
    may not see. The read is audited."""
    found = identity_dossier(
        opened.store, identity_id, caller, purpose=purpose,
        request_id=getattr(request.state, "request_id", None), now=opened.now(),
    )  # fmt: skip
    hub = caller.role == "analyst"
    return Dossier(
        identity_id=found.identity_id,
        timeline=[_event(e, hub) for e in found.timeline],
        values=[_value(v, hub, masked=found.masked) for v in found.values],
        history=None if found.history is None else [_looked(h) for h in found.history],
        masked=found.masked,
    )


def _event(event: records.TimelineEvent, hub: bool) -> Event:
    return Event(
        at=None if event.at is None else event.at.isoformat(),
        kind=event.kind,
        company_id=event.company_id if hub else None,
        source=event.source,
        summary=event.summary,
    )


def _value(value: records.SeenValue, hub: bool, *, masked: bool) -> SeenValue:
    return SeenValue(
        kind=value.kind,
        value=value.display,
        key=None if masked else value.key,
        company_id=value.company_id if hub else None,
        application_id=value.application_id,
        held_by=value.held_by,
    )


def _looked(looked: services.Looked) -> Looked:
    return Looked(
        at=looked.at.isoformat(),
        actor=looked.actor,
        role=looked.role,
        action=looked.action,
        purpose=looked.purpose,
    )


@dossier.get("/search", response_model=SearchPage, responses=errors(403, 422))
def search_values(
    request: Request,
    caller: Annotated[Principal, Depends(role_in(*SEARCHERS))],
    opened: Annotated[App, Depends(opened_app)],
    kind: SearchKind,
    q: Annotated[str, Query(min_length=1, max_length=500, pattern=r"^[^\x00]*$")],
    purpose: Purpose = "search",
) -> SearchPage:
    """The identities holding a value: an e-mail, phone (with its + country code), name,
    LinkedIn or GitHub handle, postal address or IP, normalised as ingest normalises it and
    looked up by index. A member's analyst searches its own company's applications. 422
    naming ``q`` for a value that is not the kind given. The search is audited, without
    the value."""
    found = search(
        opened.store, kind, q, caller, purpose=purpose,
        request_id=getattr(request.state, "request_id", None), now=opened.now(),
    )  # fmt: skip
    return SearchPage(
        kind=kind,
        normalised=found.normalised,
        identities=[
            Hit(identity_id=f.identity_id, applications=f.applications) for f in found.found
        ],
        more=found.more,
    )
