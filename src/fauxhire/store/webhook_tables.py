"""The tables of the ATS webhooks (services/webhooks.py): each member's signing secrets and
write-back settings per vendor, the deliveries received, and the outbox of write-backs."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from fauxhire.store.table_base import metadata
from fauxhire.store.types import UtcDateTime

webhook_secrets = Table(
    "webhook_secrets",
    metadata,
    # The key a vendor signs a member's deliveries with. HMAC needs the secret itself, so it is
    # kept as given, not hashed: to be encrypted with the PII keyring once that exists.
    Column("secret_id", String(32), primary_key=True),  # public: "whs_" and 12 characters
    Column("member", Text, nullable=False),
    Column("vendor", String(16), nullable=False),
    Column("secret", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("expires_at", UtcDateTime),  # NULL: the current secret; else accepted until then
    Index("ix_webhook_secrets_member_vendor", "member", "vendor"),
)

webhook_targets = Table(
    "webhook_targets",
    metadata,
    # Where and how a member's result is written back into its ATS (credentials: as above).
    Column("member", Text, primary_key=True),
    Column("vendor", String(16), primary_key=True),
    Column("api_base", Text, nullable=False),
    Column("api_key", Text, nullable=False),
    Column("on_behalf_of", Text),  # Greenhouse: the user the notes are written as
    Column("tag_id", Text),  # the tag put on a candidate of level likely or above; NULL: none
    Column("link_base", Text),  # the notes' link: {link_base}/v1/identities/{identity_id}
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", Text, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    # Each signed delivery once, by the digest of its body: a replay is answered from here.
    Column("member", Text, primary_key=True),
    Column("vendor", String(16), primary_key=True),
    Column("body_sha256", String(64), primary_key=True),
    Column("event_id", Text),  # the vendor's delivery id, when it sends one (not signed)
    Column("action", String(64), nullable=False),
    Column("application_key", Text),  # NULL: an event that screens nothing (a ping)
    Column("identity_id", Text),
    Column("level", String(32)),
    Column("received_at", UtcDateTime, nullable=False),
    # Why an application event holds no application: erased_applicant (its applicant was
    # erased on request, before the delivery or since: the application key, identity and
    # level are not kept) or expired (its application was deleted by retention).
    Column("refused", String(32)),
    Index("ix_webhook_deliveries_application", "application_key"),  # erasure finds by it
)

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    # One write-back an application, kept until the vendor's API has taken it.
    Column("outbox_id", Integer, primary_key=True, autoincrement=True),
    Column("member", Text, nullable=False),
    Column("vendor", String(16), nullable=False),
    Column("application_key", Text, nullable=False),
    Column("candidate_ref", Text, nullable=False),  # the vendor's candidate id
    Column("identity_id", Text, nullable=False),
    Column("level", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # pending | sent
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("claimed_until", UtcDateTime),  # a sender holds it until then
    UniqueConstraint("member", "vendor", "application_key", name="uq_webhook_outbox_application"),
    Index("ix_webhook_outbox_state", "state"),
    Index("ix_webhook_outbox_application", "application_key"),  # erasure finds by it
)
