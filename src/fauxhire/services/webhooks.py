"""An ATS webhook delivery, once its signature holds (api/webhooks.py checks it first):
the application read out of the vendor's envelope, screened as the member (through the
process's ``ScreenQueue``, as ``POST /v1/screen``), the delivery recorded, and the write-back
queued.

Which events screen: Greenhouse's ``new_candidate_application`` and Ashby's
``applicationSubmit``. Any other signed event (a ``ping`` when the webhook is saved, an update)
is acknowledged and recorded, and screens nothing.

Who screens: an internal principal, never a key anyone holds: ``webhook:<vendor>:<member>``
with the role ``recruiter`` and the member's scope. Recruiter is the narrowest role that may
screen, so a delivery can do no more than the member's own recruiter could through
``POST /v1/screen``: its own company's candidates, the masked view. The audit trail names it as
the actor of the screen and of the identity read.

An applicant erased on request is not brought back by a delivery: the screen refuses an
application that names them (services/screen.py), and the delivery is acknowledged (so the
vendor does not send it again and again) and recorded as ``refused: erased_applicant``, with
no application key, no write-back, and a log line that names no value. An applicant erased
after a delivery (or whose application retention deleted) is treated alike: the delivery is
kept without its application key, identity and level, marked refused (``erased_applicant``,
or ``expired``), and its write-back deleted, pending or sent (store/erasure_webhooks.py), so
a replay of it is answered from the record as a duplicate naming no application.

Replays change nothing: a delivery is recorded by the sha256 of its signed body, and the same
body again is answered from the record without a second screen or write-back; the screen is
idempotent by application id anyway, and the outbox holds one write-back an application.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Protocol, cast

import orjson

from fauxhire.errors import IngestError
from fauxhire.ingest.base import IngestContext
from fauxhire.ports.hub import Delivery, OutboxItem, Webhooks
from fauxhire.services.keys import Principal
from fauxhire.services.screen import (
    Candidate,
    CandidateFormat,
    Screening,
    ScreeningStore,
    ScreenResult,
    prepare,
)
from fauxhire.services.screen_queue import ScreenQueue
from fauxhire.services.tombstones import CODE as ERASED_APPLICANT
from fauxhire.store.schema import join_key, split_key

log = logging.getLogger(__name__)
WEBHOOK_ROLE: Final = "recruiter"
SCREENING_ACTIONS: Final = {"greenhouse": "new_candidate_application", "ashby": "applicationSubmit"}
PURPOSE: Final = "screening (ATS webhook)"


class WebhookStore(Webhooks, ScreeningStore, Protocol):
    """What a delivery is given: the webhooks' rows and what a screen needs."""


@dataclass(frozen=True, slots=True)
class SignedDelivery:
    vendor: str
    member: str
    body: bytes
    event_id: str | None  # the vendor's id of the delivery, when it sends one


@dataclass(frozen=True, slots=True)
class Received:
    status: str  # screened | ignored | refused | duplicate
    action: str
    application_id: str | None = None
    level: str | None = None
    write_back: str | None = None  # queued | none (no write-back configured)
    refused: str | None = None  # why no application is kept: erased_applicant | expired


@dataclass(frozen=True, slots=True)
class Envelope:
    action: str
    application: dict[str, Any] | None  # what the screen reads; None: nothing to screen
    candidate_ref: str | None  # the vendor's candidate id, where a write-back goes


def webhook_principal(vendor: str, member: str) -> Principal:
    return Principal(f"webhook:{vendor}:{member}", WEBHOOK_ROLE, member, ("webhook",))


def receive(
    store: WebhookStore,
    delivery: SignedDelivery,
    screens: ScreenQueue,
    *,
    context: IngestContext,
    now: datetime,
    request_id: str | None = None,
) -> Received:
    """Screen the delivery's application and record it; the same body twice, once."""
    digest = hashlib.sha256(delivery.body).hexdigest()
    seen = store.webhook_delivery(delivery.member, delivery.vendor, digest)
    if seen is not None:
        return Received(
            "duplicate", seen.action, _app_id(seen.application_key), seen.level,
            refused=seen.refused,
        )  # fmt: skip
    envelope = parse_envelope(delivery.vendor, delivery.body)
    record = Delivery(
        delivery.member, delivery.vendor, digest, delivery.event_id, envelope.action[:64],
        None, None, None, now,
    )  # fmt: skip
    if envelope.application is None or envelope.candidate_ref is None:
        store.add_webhook_delivery(record)
        return Received("ignored", envelope.action)
    caller = webhook_principal(delivery.vendor, delivery.member)
    reader = cast(CandidateFormat, delivery.vendor)  # greenhouse and ashby are screen formats
    candidate = Candidate(reader, envelope.application, delivery.member)
    screening = prepare(candidate, caller, context=context, purpose=PURPOSE, request_id=request_id)
    result = _screened(screens, screening, delivery)
    if result is None:
        store.add_webhook_delivery(record._replace(refused=ERASED_APPLICANT))
        return Received("refused", envelope.action, refused=ERASED_APPLICANT)
    key = join_key((result.application["company_id"], result.application["application_id"]))
    level, identity_id = result.identity.verdict.level, result.identity.identity_id
    queued = None
    with store.unit_of_work():
        screened = record._replace(application_key=key, identity_id=identity_id, level=level)
        store.add_webhook_delivery(screened)
        if store.webhook_target(delivery.member, delivery.vendor) is not None:
            item = OutboxItem(
                0, delivery.member, delivery.vendor, key, envelope.candidate_ref, identity_id,
                level or "not assessed", "pending", 0, None, now, None,
            )  # fmt: skip
            store.add_outbox(item)
            queued = "queued"
    return Received(
        "screened", envelope.action, result.application["application_id"], level, queued or "none"
    )


def _screened(
    screens: ScreenQueue, screening: Screening, delivery: SignedDelivery
) -> ScreenResult | None:
    """The screen's result, through the process's queue (batched with the API's screens);
    None when it is refused for an erasure (any other error is raised)."""
    try:
        return screens.screen(screening)
    except IngestError as exc:
        if exc.code != ERASED_APPLICANT:
            raise
    # Who and what stay out of the log: the member and vendor say whose ATS sent it.
    log.info(
        "webhook delivery refused: its applicant was erased on request",
        extra={"member": delivery.member, "vendor": delivery.vendor, "code": ERASED_APPLICANT},
    )
    return None


def parse_envelope(vendor: str, body: bytes) -> Envelope:
    """The event's name and, for an application event, the application as the format's
    ingest adapter reads it, and its candidate's id."""
    try:
        event = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise IngestError("the body is not JSON", field="body", code="not_json") from None
    if not isinstance(event, dict) or not isinstance(event.get("action"), str):
        raise IngestError("a webhook event has an action", field="action", code="missing")
    action = event["action"]
    if action != SCREENING_ACTIONS[vendor]:
        return Envelope(action, None, None)
    if vendor == "greenhouse":
        return _greenhouse(action, event.get("payload"))
    return _ashby(action, event.get("data"))


def _greenhouse(action: str, payload: Any) -> Envelope:
    """``payload.application`` embeds its candidate; the adapter reads a Harvest candidate
    with its applications, so the candidate is lifted out and the application put under it."""
    application = _object(payload, "application", "payload.application")
    candidate = _object(application, "candidate", "payload.application.candidate")
    ref = _ref(candidate, "payload.application.candidate.id")
    bare = {k: v for k, v in application.items() if k != "candidate"} | {"candidate_id": ref}
    return Envelope(action, {**candidate, "applications": [bare]}, ref)


def _ashby(action: str, data: Any) -> Envelope:
    """``data.application`` is an Ashby application object, as ``application.info`` gives it."""
    application = _object(data, "application", "data.application")
    candidate = _object(application, "candidate", "data.application.candidate")
    return Envelope(action, application, _ref(candidate, "data.application.candidate.id"))


def _object(parent: Any, key: str, where: str) -> dict[str, Any]:
    found = parent.get(key) if isinstance(parent, dict) else None
    if not isinstance(found, dict):
        raise IngestError("missing or not an object", field=where, code="missing")
    return found


def _ref(candidate: dict[str, Any], where: str) -> str:
    found = candidate.get("id")
    if isinstance(found, bool) or not isinstance(found, (str, int)) or not str(found).strip():
        raise IngestError("missing or not an id", field=where, code="missing")
    return str(found)


def _app_id(key: str | None) -> str | None:
    return None if key is None else split_key(key)[-1]
