"""The write-back of a screen into the member's ATS, from the outbox (services/webhooks.py
queues one item an application): a note on the candidate, "fauxhire: <level> — recommendation
for human review, see <link>", and, for a level of likely or above, a tag when the member
configured one.

- Greenhouse (Harvest API v3, services/harvest.py): ``POST /v3/notes`` on the candidate and
  the application, ``visibility: admin_only``, written as the user ``--on-behalf-of`` names;
  the tag with ``POST /v3/applied_candidate_tags``. An OAuth access token from the member's
  client id and secret.
- Ashby: ``POST /candidate.createNote``; the tag with ``POST /candidate.addTag``; an answer
  whose ``success`` is false is a failure. HTTP Basic auth with the API key as the user name
  and no password.

A failure (the vendor down, a 4xx or 5xx) keeps the item pending with the reason (the vendor
and the status, never the credentials: services/vendor_http.py) for the next drain: after the
next delivery of the member, or `fauxhire webhooks retry`. Sending is at least once: an item
is claimed for a few minutes by one conditional update, so two drains never send it at the
same time, but a vendor that took a note and whose answer was lost gets it again on the retry.

An erasure deletes the write-backs of the applications it removes (store/erasure_webhooks.py):
an item erased before a sender claims it is never sent, since the claim is an update of its
row. One claimed before the erasure commits is already being sent, and may still reach the
vendor: a request in flight cannot be called back.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import quote

from fauxhire.errors import VendorError
from fauxhire.ports import AuditEvent
from fauxhire.ports.hub import OutboxItem, Webhooks, WebhookTarget
from fauxhire.services.harvest import HARVEST, Harvest, number, split_credential
from fauxhire.services.vendor_http import post_json
from fauxhire.store.schema import split_key

log = logging.getLogger(__name__)

FLAGGED: Final = ("likely", "very likely", "almost certain")
DEFAULT_API: Final = {
    "greenhouse": HARVEST,
    "ashby": "https://api.ashbyhq.com",
}
CLAIM: Final = timedelta(minutes=5)  # how long a sender holds an item

Sender = Callable[[WebhookTarget, OutboxItem], None]


@dataclass
class Drained:
    sent: int = 0
    failed: int = 0
    held: int = 0  # claimed by another sender just now, or erased since the outbox was read


def note_text(level: str, identity_id: str, link_base: str | None) -> str:
    where = (
        f"{link_base.rstrip('/')}/v1/identities/{quote(identity_id, safe='')}"
        if link_base
        else f"identity {identity_id} in fauxhire"
    )
    return f"fauxhire: {level} — recommendation for human review, see {where}"


def drain_outbox(
    store: Webhooks, *, now: datetime, member: str | None = None, send: Sender | None = None
) -> Drained:
    """Send every pending write-back (a member's only, when named); what became of them."""
    sender = send or send_write_back
    drained = Drained()
    for item in store.outbox(pending=True):
        if member is not None and item.member != member:
            continue
        if not store.claim_outbox(item.outbox_id, now=now, until=now + CLAIM):
            drained.held += 1
            continue
        target = store.webhook_target(item.member, item.vendor)
        try:
            if target is None:
                raise VendorError(f"no {item.vendor} write-back configured for {item.member}")
            sender(target, item)
        except VendorError as exc:
            log.warning(
                "write-back failed", extra={"outbox_id": item.outbox_id, "error": exc.message}
            )
            store.finish_outbox(item.outbox_id, sent_at=None, error=exc.message)
            drained.failed += 1
            continue
        with store.unit_of_work():
            store.finish_outbox(item.outbox_id, sent_at=now, error=None)
            store.append_audit(_written(item, now))
        drained.sent += 1
    return drained


def check_target(
    vendor: str, credential: str, on_behalf_of: str | None, tag_id: str | None
) -> None:
    """What a write-back's settings must hold before they are kept: for Greenhouse, a client
    id and secret, and the user and tag as Greenhouse's ids; ``VendorError`` naming what."""
    if vendor != "greenhouse":
        return
    split_credential(credential)
    number(on_behalf_of, "--on-behalf-of user")
    if tag_id is not None:
        number(tag_id, "--tag-id tag")


def send_write_back(target: WebhookTarget, item: OutboxItem) -> None:
    """The note, and the tag when due, through the vendor's API; ``VendorError`` if refused."""
    text = note_text(item.level, item.identity_id, target.link_base)
    tagged = bool(target.tag_id) and item.level in FLAGGED
    if target.vendor == "greenhouse":
        _greenhouse(target, item, text, tagged)
        return
    base = target.api_base.rstrip("/")
    _succeeded(_call(target, f"{base}/candidate.createNote",
                     {"candidateId": item.candidate_ref, "note": text}))  # fmt: skip
    if tagged:
        added = {"candidateId": item.candidate_ref, "tagId": target.tag_id}
        _succeeded(_call(target, f"{base}/candidate.addTag", added))


def _greenhouse(target: WebhookTarget, item: OutboxItem, text: str, tagged: bool) -> None:
    """The note on the candidate and its application, and the tag, through Harvest v3."""
    harvest = Harvest(target.api_base, target.api_key)
    candidate = number(item.candidate_ref, "candidate")
    note: dict[str, Any] = {
        "candidate_id": candidate, "body": text, "note_type": "NOTE",
        "visibility": "admin_only", "user_id": number(target.on_behalf_of, "--on-behalf-of user"),
    }  # fmt: skip
    application = split_key(item.application_key)[1]
    if application.isdigit():  # the vendor's own id, as its webhook gave it
        note["application_id"] = int(application)
    harvest.post("/notes", note)
    if tagged:
        tag = {"candidate_id": candidate, "candidate_tag_id": number(target.tag_id, "tag")}
        harvest.post("/applied_candidate_tags", tag)


def _call(target: WebhookTarget, url: str, body: dict[str, Any]) -> Any:
    """An Ashby call: HTTP Basic auth, the API key as the user name and no password."""
    token = base64.b64encode(f"{target.api_key}:".encode()).decode()
    return post_json(url, body, f"Basic {token}", target.vendor)


def _succeeded(answer: Any) -> None:
    """Ashby answers 200 to a refused call too, with ``success: false``."""
    if not (isinstance(answer, dict) and answer.get("success") is True):
        raise VendorError("ashby refused the call (success is not true)")


def _written(item: OutboxItem, now: datetime) -> AuditEvent:
    return AuditEvent(
        actor=f"webhook:{item.vendor}:{item.member}",
        action="webhook:write-back",
        subject=f"identity:{item.identity_id}",
        purpose=f"{item.level} written back to {item.vendor}",
        at=now,
        member=item.member,
        records=(item.application_key,),
    )
