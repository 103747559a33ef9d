"""GET /v1/queue: the analysts' review queue (services/review_queue.py decides who sees
what and audits the read)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.schemas import PROTECTED_ERRORS, Body, Timestamp, errors
from fauxhire.bootstrap import App
from fauxhire.ports.review import QueueFilter
from fauxhire.services.keys import Principal
from fauxhire.services.review_queue import MAX_PAGE, QUEUE_READERS, review_queue

# Deny by default, as app.py's protected router: a valid key before the route's own code.
queue = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Level = Literal[
    "almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
    "very likely", "almost certain",
]  # fmt: skip  # domain.levels.ESTIMATIVE_TERMS (a test holds them equal)
Name = Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class QueueItem(Body):
    identity_id: str
    level: Level
    probability: float
    network_id: str | None
    assessed_at: Timestamp | None
    indicators: list[str]
    applications: int
    disposition: Literal["confirmed", "cleared"] | None
    new: bool


class QueuePage(Body):
    items: list[QueueItem]
    next_offset: int | None


@queue.get("/queue", response_model=QueuePage, responses=errors(403, 422))
def review(
    request: Request,
    caller: Annotated[Principal, Depends(role_in(*QUEUE_READERS))],
    opened: Annotated[App, Depends(opened_app)],
    level: Annotated[list[Level] | None, Query()] = None,
    member: Name | None = None,
    sector: Name | None = None,
    indicator: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,64}$")] = None,
    network: Name | None = None,
    disposition: Literal["none", "confirmed", "cleared"] | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    purpose: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> dict[str, Any]:
    """Identities to review, the highest level first, then the latest assessed; ``level``
    (repeatable) defaults to likely and above. Each says whether it is ``new``: assessed
    since the caller last read it. The hub's analyst filters by member, sector, indicator,
    network and disposition; a member's analyst sees its own candidates' identities, by
    level and indicator, without network ids or dispositions. The read is audited."""
    page = review_queue(
        opened.store, caller,
        QueueFilter(tuple(level or ()), member, sector, indicator, network, disposition),
        now=opened.now(), limit=limit, offset=offset, purpose=purpose,
        request_id=getattr(request.state, "request_id", None),
    )  # fmt: skip
    return asdict(page)
