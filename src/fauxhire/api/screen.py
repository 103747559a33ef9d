"""POST /v1/screen: one candidate screened while being hired (services/screen.py decides
what, writes and links it, assesses its identity and audits the call)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.schemas import PROTECTED_ERRORS, Screened, ScreenRequest, errors
from fauxhire.bootstrap import App
from fauxhire.ingest.base import IngestContext
from fauxhire.services.identity_views import RECOMMENDATION
from fauxhire.services.keys import Principal
from fauxhire.services.screen import SCREENERS, Candidate, companies_of, prepare
from fauxhire.services.screen_queue import ScreenQueue

# Deny by default, as app.py's protected router: a valid key before the route's own code.
screening = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)


def queue_of(request: Request) -> ScreenQueue:
    """The process's screening queue (app.py's lifespan starts and stops it)."""
    found: ScreenQueue = request.app.state.screens
    return found


@screening.post(
    "/screen", response_model=Screened, responses=errors(400, 403, 409, 422), status_code=200
)
def screen_candidate(
    body: ScreenRequest,
    request: Request,
    caller: Annotated[Principal, Depends(role_in(*SCREENERS))],
    opened: Annotated[App, Depends(opened_app)],
    screens: Annotated[ScreenQueue, Depends(queue_of)],
) -> dict[str, Any]:
    """Screen one candidate: store the application, link it to the identity it belongs to,
    assess that identity, and answer with why it linked, the verdict as the caller's role may
    see it, and what to do next. A recommendation for human review, never a decision. For the
    hub's analyst, and a member's analyst or recruiter (its own company's candidates only)."""
    candidate = Candidate(body.format, body.application, body.company_id)
    at = companies_of(candidate) | ({caller.member} if caller.member else set())
    prepared = prepare(
        candidate,
        caller,
        context=IngestContext(company_countries=opened.store.company_countries(at)),
        purpose=body.purpose,
        request_id=getattr(request.state, "request_id", None),
    )
    result = screens.screen(prepared)
    identity = {"role": caller.role, **asdict(result.identity)}
    return {**asdict(result), "identity": identity, "recommendation": RECOMMENDATION}
