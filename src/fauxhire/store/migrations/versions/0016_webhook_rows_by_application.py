"""webhook deliveries and write-backs are indexed by their application, so an erasure finds
them by index

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 22:20:00

An erasure, and each of retention's batches, blanks the deliveries that screened the
applications it removes and deletes their write-backs (store/erasure_webhooks.py). The
deliveries' key is (member, vendor, body digest) and the outbox's unique key starts with the
member: without these, each would be a scan of the table.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_webhook_deliveries_application", "webhook_deliveries", ["application_key"])
    op.create_index("ix_webhook_outbox_application", "webhook_outbox", ["application_key"])


def downgrade() -> None:
    op.drop_index("ix_webhook_outbox_application", table_name="webhook_outbox")
    op.drop_index("ix_webhook_deliveries_application", table_name="webhook_deliveries")
