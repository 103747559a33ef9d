"""POST /v1/webhooks/{vendor}/{member}: an ATS (Greenhouse, Ashby) delivers a candidate's
application as it is submitted; it is screened as the member and the result written back into
the ATS (services/webhooks.py, services/writeback.py).

The vendor holds no API key: the router's dependency checks the vendor's HMAC signature over
the raw body, with the member's secret for that vendor, before any route code runs or any of
the body is parsed. A missing or bad signature, an unknown vendor and an unknown member all get
the same 401, so the caller learns nothing of which members exist. The answer (2xx) is sent
once the screen is committed; the write-back runs after it, so the vendor's API being down
never holds up or fails the acknowledgement."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, status
from starlette.concurrency import run_in_threadpool

from fauxhire.api.auth import opened_app
from fauxhire.api.schemas import WebhookReceived, errors
from fauxhire.api.screen import queue_of
from fauxhire.bootstrap import App
from fauxhire.domain.webhook_vendors import SIGNATURE_HEADER
from fauxhire.errors import AuthenticationError, FauxhireError
from fauxhire.ingest.base import IngestContext
from fauxhire.ports.hub import Webhooks
from fauxhire.services.identity_views import RECOMMENDATION
from fauxhire.services.screen_queue import ScreenQueue
from fauxhire.services.webhook_secrets import verify_signature
from fauxhire.services.webhooks import SignedDelivery, receive
from fauxhire.services.writeback import drain_outbox

log = logging.getLogger(__name__)

_DENIED = {"code": "authentication_failed", "message": "invalid or missing signature"}
_BODY = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}


async def signed_delivery(
    request: Request, opened: Annotated[App, Depends(opened_app)]
) -> SignedDelivery:
    """The delivery, once its signature holds; 401 otherwise, before anything is parsed."""
    body = await request.body()
    vendor = str(request.path_params.get("vendor", ""))
    member = str(request.path_params.get("member", ""))
    header = request.headers.get(SIGNATURE_HEADER.get(vendor, "Signature"))
    try:
        await run_in_threadpool(
            verify_signature, opened.store, vendor, member, body, header, opened.now()
        )
    except AuthenticationError as exc:
        where = {"path": request.url.path, "request_id": getattr(request.state, "request_id", None)}
        log.info("denied", extra={**exc.detail, **where})
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=_DENIED) from None
    return SignedDelivery(vendor, member, body, request.headers.get("Greenhouse-Event-ID"))


# Deny by default: every route here needs the vendor's signature before its own code runs.
webhooks = APIRouter(
    prefix="/v1", dependencies=[Depends(signed_delivery)], responses=errors(401, 429, 503)
)


@webhooks.post(
    "/webhooks/{vendor}/{member}",
    response_model=WebhookReceived,
    responses=errors(409, 422),
    openapi_extra={"requestBody": _BODY},
)
def delivered(
    vendor: Literal["greenhouse", "ashby"],
    member: str,
    request: Request,
    background: BackgroundTasks,
    delivery: Annotated[SignedDelivery, Depends(signed_delivery)],
    opened: Annotated[App, Depends(opened_app)],
    screens: Annotated[ScreenQueue, Depends(queue_of)],
) -> dict[str, Any]:
    """A webhook delivery from the member's ATS, signed with the member's secret (Greenhouse:
    `Signature: sha256 <hex>`; Ashby: `Ashby-Signature: sha256=<hex>`). Greenhouse's
    `new_candidate_application` and Ashby's `applicationSubmit` are screened; any other event
    is acknowledged and screens nothing. The same body again is answered as a duplicate."""
    received = receive(
        opened.store, delivery, screens,
        context=IngestContext(company_countries=opened.store.company_countries([delivery.member])),
        now=opened.now(), request_id=getattr(request.state, "request_id", None),
    )  # fmt: skip
    background.add_task(_write_back, opened.store, opened, delivery.member)
    return {**asdict(received), "recommendation": RECOMMENDATION}


def _write_back(store: Webhooks, opened: App, member: str) -> None:
    """After the answer: the member's pending write-backs, this one and any that failed."""
    try:
        drained = drain_outbox(store, now=opened.now(), member=member)
    except FauxhireError as exc:  # the store failed: the items stay pending for the next drain
        log.error("write-back drain failed", extra={"code": exc.code})
        return
    log.info("write-back", extra={"member": member, **asdict(drained)})
