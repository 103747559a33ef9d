"""GET /v1/identities/{identity_id}: one identity as the caller's role may see it
(services/identity_views.py decides what, and audits the read)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.schemas import PROTECTED_ERRORS, Identity, errors
from fauxhire.bootstrap import App
from fauxhire.services.identity_views import READERS, identity_view
from fauxhire.services.keys import Principal

# Deny by default, as app.py's protected router: a valid key before the route's own code.
identities = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)


@identities.get(
    "/identities/{identity_id}", response_model=Identity, responses=errors(403, 404, 422)
)
def identity(
    identity_id: str,
    request: Request,
    caller: Annotated[Principal, Depends(role_in(*READERS))],
    opened: Annotated[App, Depends(opened_app)],
    purpose: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> dict[str, Any]:
    """The identity: everything for the hub's analyst; for a member's analyst or recruiter,
    only if it applied at that member, with that member's applications and counts of the
    rest. 403 for admin and partner, 404 for an identity the caller may not see."""
    view = identity_view(
        opened.store,
        identity_id,
        caller,
        purpose=purpose,
        request_id=getattr(request.state, "request_id", None),
        now=opened.now(),
        titles=request.app.state.titles,
    )
    return {"role": caller.role, **asdict(view)}
