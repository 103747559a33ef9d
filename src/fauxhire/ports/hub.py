"""The ports of the service a hub runs for its members (issue 17): the members registry,
what a member is told of an identity from the others, and the ATS webhooks."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import NamedTuple, Protocol

from fauxhire.ports import AuditLog, IdentityApplications


class Member(NamedTuple):
    """A member company of the hub: ``member_id`` is the company_id its records carry. It is
    anonymous to the other members unless ``named`` (it opted in): then its ``name`` may be
    shown to them, its id never."""

    member_id: str
    name: str
    named: bool
    created_at: datetime
    updated_at: datetime


class Members(Protocol):
    """The members registry: kept, listed, found by id; never deleted."""

    def save_member(self, member: Member) -> None:
        """Store ``member``, replacing the one with its id if any."""
        ...

    def members(self) -> list[Member]:
        """Every member, by id."""
        ...

    def member(self, member_id: str) -> Member | None: ...


class MemberAdmin(Members, AuditLog, Protocol):
    """What the members use cases are given: the registry, and the audit trail its changes
    are appended to in the same unit of work."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...


class FiledReport(NamedTuple):
    """An employer report matched to one of an identity's applications."""

    report_key: str
    reporting_company_id: str
    disposition: str  # confirmed_fraud | suspected | cleared


class SharedHolder(NamedTuple):
    """Another identity assessed at a flagged level that holds a value one of this identity's
    applications or hires holds: the kind of value only, never the value."""

    kind: str  # payout_account | shipping_address, or an applicant value's kind (email, ...)
    identity_id: str


class CrossMemberReads(IdentityApplications, Protocol):
    """What the cross-member summary reads about one identity, each by index."""

    def reports_about(self, identity_id: str) -> list[FiledReport]:
        """The employer reports matched to the identity's applications, each once."""
        ...

    def shared_with_flagged(self, identity_id: str, levels: Sequence[str]) -> list[SharedHolder]:
        """Each other identity assessed at one of ``levels`` that shares a payout account or
        a shipping address (through hires) or an applicant value but a name with this one,
        once a kind of value."""
        ...

    def members_named(self, member_ids: Sequence[str]) -> dict[str, str]:
        """The display names of those of ``member_ids`` that opted in to be named."""
        ...


class WebhookSecret(NamedTuple):
    """A key a vendor signs a member's webhook deliveries with (services/webhooks.py)."""

    secret_id: str  # public: names the secret in lists and in the audit trail
    member: str
    vendor: str  # greenhouse | ashby
    secret: str  # HMAC needs it whole: kept, never logged or listed
    created_at: datetime
    created_by: str
    expires_at: datetime | None  # None: current; a rotated-out secret is accepted until then


class WebhookTarget(NamedTuple):
    """Where a member's results are written back, with the vendor API's credentials."""

    member: str
    vendor: str
    api_base: str
    api_key: str
    on_behalf_of: str | None
    tag_id: str | None
    link_base: str | None
    updated_at: datetime
    updated_by: str


class Delivery(NamedTuple):
    member: str
    vendor: str
    body_sha256: str
    event_id: str | None
    action: str
    application_key: str | None
    identity_id: str | None
    level: str | None
    received_at: datetime
    refused: str | None = None  # why an application event stored nothing (erased_applicant)


class OutboxItem(NamedTuple):
    outbox_id: int
    member: str
    vendor: str
    application_key: str
    candidate_ref: str
    identity_id: str
    level: str
    state: str  # pending | sent
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class Webhooks(AuditLog, Protocol):
    """The webhooks' secrets, write-back settings, deliveries and outbox, and the audit trail
    their changes go to, in one ``unit_of_work``."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...

    def add_webhook_secret(self, secret: WebhookSecret) -> None: ...

    def webhook_secrets(self, member: str | None = None) -> list[WebhookSecret]:
        """Every secret, or a member's, oldest first."""
        ...

    def expire_webhook_secrets(self, member: str, vendor: str, *, at: datetime) -> int:
        """Accept the current secrets (those without an expiry) until ``at`` only."""
        ...

    def remove_webhook(self, member: str, vendor: str) -> int:
        """Delete its secrets and write-back settings; the number of rows deleted."""
        ...

    def set_webhook_target(self, target: WebhookTarget) -> None: ...

    def webhook_target(self, member: str, vendor: str) -> WebhookTarget | None: ...

    def webhook_delivery(self, member: str, vendor: str, body_sha256: str) -> Delivery | None: ...

    def add_webhook_delivery(self, delivery: Delivery) -> bool:
        """Record it; False when that body was recorded already (it stays as first recorded)."""
        ...

    def add_outbox(self, item: OutboxItem) -> bool:
        """Queue it (its ``outbox_id`` is ignored); False when its application has one."""
        ...

    def outbox(self, *, pending: bool = False) -> list[OutboxItem]: ...

    def claim_outbox(self, outbox_id: int, *, now: datetime, until: datetime) -> bool:
        """Take a pending item for sending until ``until``: False when it is sent, or held by
        another sender whose hold has not ended."""
        ...

    def finish_outbox(
        self, outbox_id: int, *, sent_at: datetime | None, error: str | None
    ) -> None: ...
