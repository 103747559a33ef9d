"""the ATS webhooks: signing secrets, write-back settings, deliveries and the outbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fauxhire.store.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_UTC = fauxhire.store.types.UtcDateTime


def upgrade() -> None:
    op.create_table(
        "webhook_secrets",
        sa.Column("secret_id", sa.String(length=32), nullable=False),
        sa.Column("member", sa.Text(), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("expires_at", _UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("secret_id"),
    )
    op.create_index(
        "ix_webhook_secrets_member_vendor", "webhook_secrets", ["member", "vendor"], unique=False
    )
    op.create_table(
        "webhook_targets",
        sa.Column("member", sa.Text(), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("api_base", sa.Text(), nullable=False),
        sa.Column("api_key", sa.Text(), nullable=False),
        sa.Column("on_behalf_of", sa.Text(), nullable=True),
        sa.Column("tag_id", sa.Text(), nullable=True),
        sa.Column("link_base", sa.Text(), nullable=True),
        sa.Column("updated_at", _UTC(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("member", "vendor"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("member", sa.Text(), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("application_key", sa.Text(), nullable=True),
        sa.Column("identity_id", sa.Text(), nullable=True),
        sa.Column("level", sa.String(length=32), nullable=True),
        sa.Column("received_at", _UTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member", "vendor", "body_sha256"),
    )
    op.create_table(
        "webhook_outbox",
        sa.Column("outbox_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member", sa.Text(), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("application_key", sa.Text(), nullable=False),
        sa.Column("candidate_ref", sa.Text(), nullable=False),
        sa.Column("identity_id", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _UTC(timezone=True), nullable=False),
        sa.Column("sent_at", _UTC(timezone=True), nullable=True),
        sa.Column("claimed_until", _UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("outbox_id"),
        sa.UniqueConstraint(
            "member", "vendor", "application_key", name="uq_webhook_outbox_application"
        ),
    )
    op.create_index("ix_webhook_outbox_state", "webhook_outbox", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_state", table_name="webhook_outbox")
    op.drop_table("webhook_outbox")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_targets")
    op.drop_index("ix_webhook_secrets_member_vendor", table_name="webhook_secrets")
    op.drop_table("webhook_secrets")
