"""The ATS webhooks' secrets and write-back settings (`fauxhire webhooks`), and the check of
a delivery's signature.

A member's ATS (Greenhouse, Ashby) signs every webhook delivery with HMAC-SHA256 of the raw
body under a secret both sides hold. fauxhire makes the secret (32 random bytes, hex), shows
it once, and keeps it: HMAC needs the secret itself, so unlike an API key's it cannot be kept
as a one-way hash. It sits in the store in plain text until the PII keyring (another slice)
can encrypt it; the write-back API keys likewise. Listings and logs never show either.

Rotation keeps the secret it replaces valid for an overlap (a day by default), so the member
can paste the new one into the vendor's settings without losing deliveries in between.
Every change is audited in the same unit of work, naming the secret's public id, never it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from fauxhire.domain.webhook_vendors import VENDORS
from fauxhire.errors import AuthenticationError, ConfigError, NotFound
from fauxhire.ports import AuditEvent
from fauxhire.ports.hub import OutboxItem, Webhooks, WebhookSecret, WebhookTarget

# How each vendor writes the hex digest in its signature header.
_SIGNED: Final = {
    "greenhouse": re.compile(r"sha256 ([0-9a-f]{64})"),
    "ashby": re.compile(r"sha256=([0-9a-f]{64})"),
}
DEFAULT_OVERLAP: Final = timedelta(hours=24)
_ID_ALPHABET: Final = string.ascii_lowercase + string.digits
_LOOPBACK: Final = ("127.0.0.1", "::1", "localhost")
# What a delivery for a member without a secret is checked against, so that it takes as long
# as a wrong signature and an unknown member learns nothing.
_NO_SECRET: Final = secrets.token_hex(32)


def add_secret(
    store: Webhooks, *, member: str, vendor: str, by: str, now: datetime
) -> WebhookSecret:
    """The member's first secret for the vendor (returned with its value: show it once)."""
    _check(member, vendor)
    if _current(store, member, vendor):
        raise ConfigError(
            f"{member} has a {vendor} webhook secret already: rotate it instead", member=member
        )
    made = _new_secret(member, vendor, by, now)
    with store.unit_of_work():
        store.add_webhook_secret(made)
        store.append_audit(_event(by, "add", made, f"secret {made.secret_id}", now))
    return made


def rotate_secret(
    store: Webhooks,
    *,
    member: str,
    vendor: str,
    by: str,
    now: datetime,
    overlap: timedelta = DEFAULT_OVERLAP,
) -> tuple[WebhookSecret, datetime]:
    """A new secret; the ones it replaces are accepted until the returned time."""
    _check(member, vendor)
    if overlap < timedelta(0):
        raise ConfigError("the overlap of a rotation cannot be negative", field="overlap")
    if not _current(store, member, vendor):
        raise NotFound(f"{member} has no {vendor} webhook secret to rotate: add one", member=member)
    made, until = _new_secret(member, vendor, by, now), now + overlap
    why = f"secret {made.secret_id}; the previous accepted until {until.isoformat()}"
    with store.unit_of_work():
        store.expire_webhook_secrets(member, vendor, at=until)
        store.add_webhook_secret(made)
        store.append_audit(_event(by, "rotate", made, why, now))
    return made, until


def remove_webhook(store: Webhooks, *, member: str, vendor: str, by: str, now: datetime) -> int:
    """Delete the member's secrets and write-back settings for the vendor: its deliveries are
    refused from now on. Deliveries and the outbox stay, as history."""
    _check(member, vendor)
    with store.unit_of_work():
        removed = store.remove_webhook(member, vendor)
        if not removed:
            raise NotFound(f"{member} has no {vendor} webhook", member=member)
        subject = f"webhook:{vendor}:{member}"
        store.append_audit(AuditEvent(by, "webhook:remove", subject, "removed", now, member=member))
    return removed


def listing(store: Webhooks) -> tuple[list[WebhookSecret], list[OutboxItem]]:
    """Every secret, oldest first, and every write-back, sent or pending."""
    return store.webhook_secrets(), store.outbox()


def secret_state(secret: WebhookSecret, now: datetime) -> str:
    if secret.expires_at is None:
        return "current"
    if secret.expires_at > now:
        return f"accepted until {secret.expires_at:%Y-%m-%d %H:%M} UTC"
    return f"expired {secret.expires_at:%Y-%m-%d %H:%M} UTC"


def set_target(store: Webhooks, target: WebhookTarget) -> WebhookTarget:
    """Where and how results are written back (the vendor's API base URL and key; for
    Greenhouse the user the notes are written as). Audited without the key."""
    _check(target.member, target.vendor)
    _check_url(target.api_base, "api_base")
    if target.link_base:
        _check_url(target.link_base, "link_base")
    if not target.api_key.strip():
        raise ConfigError("the vendor API key is empty", field="api_key")
    if target.vendor == "greenhouse" and not (target.on_behalf_of or "").strip():
        raise ConfigError(
            "Greenhouse writes notes on behalf of a user: give its id", field="on_behalf_of"
        )
    subject = f"webhook:{target.vendor}:{target.member}"
    event = AuditEvent(
        target.updated_by, "webhook:target", subject, f"write back to {target.api_base}",
        target.updated_at, member=target.member,
    )  # fmt: skip
    with store.unit_of_work():
        store.set_webhook_target(target)
        store.append_audit(event)
    return target


def verify_signature(
    store: Webhooks, vendor: str, member: str, body: bytes, header: str | None, now: datetime
) -> WebhookSecret:
    """The secret the raw ``body`` was signed with, among the member's accepted ones;
    ``AuthenticationError`` otherwise (its ``reason`` is for the log only)."""
    signed = _SIGNED.get(vendor)
    found = signed.fullmatch(header.strip()) if signed and header else None
    accepted = [
        s
        for s in store.webhook_secrets(member)
        if s.vendor == vendor and (s.expires_at is None or s.expires_at > now)
    ]
    given = found.group(1) if found else ""
    tried: list[tuple[WebhookSecret | None, str]] = [(s, s.secret) for s in accepted]
    matched = None
    for candidate, key in tried or [(None, _NO_SECRET)]:
        expected = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, given) and candidate is not None:
            matched = candidate
    if matched is None:
        reason = "no accepted secret" if not accepted else "bad or missing signature"
        raise AuthenticationError(
            "invalid or missing signature", reason=reason, vendor=vendor, member=member
        )
    return matched


def sign(secret: str, body: bytes, vendor: str) -> str:
    """The header value the vendor would send (for tests and the docs' examples)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256 {digest}" if vendor == "greenhouse" else f"sha256={digest}"


def _current(store: Webhooks, member: str, vendor: str) -> list[WebhookSecret]:
    return [s for s in store.webhook_secrets(member) if s.vendor == vendor and s.expires_at is None]


def _new_secret(member: str, vendor: str, by: str, now: datetime) -> WebhookSecret:
    secret_id = "whs_" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))
    return WebhookSecret(secret_id, member, vendor, secrets.token_hex(32), now, by, None)


def _event(by: str, verb: str, secret: WebhookSecret, why: str, now: datetime) -> AuditEvent:
    subject = f"webhook:{secret.vendor}:{secret.member}"
    return AuditEvent(by, f"webhook:secret:{verb}", subject, why, now, member=secret.member)


def _check(member: str, vendor: str) -> None:
    if vendor not in VENDORS:
        raise ConfigError(f"unknown vendor {vendor!r}: one of {', '.join(VENDORS)}", field="vendor")
    if not member.strip() or "/" in member:
        raise ConfigError("a member needs an id without '/' (its company id)", field="member")


def _check_url(url: str, field: str) -> None:
    """HTTPS, or plain HTTP on loopback (a local fake of the vendor): credentials sent over
    plain HTTP elsewhere could be read on the way."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise ConfigError(f"{field} must be an https URL (plain http on loopback only)", field=field)
