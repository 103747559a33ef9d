"""the members registry (id, display name, opt-in to be named), and hires by payout and address

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 18:40:00

A member's view of an identity names another member only where that member opted in, so the
hub keeps its members with a `named` flag (anonymous by default). The same view counts the
flagged identities sharing a hire's payout account or shipping address: two indexes find them
without a scan of every hire.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fauxhire.store.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column("created_at", fauxhire.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", fauxhire.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    # Plain index operations, not batch mode, which may copy the whole table (0010 says why).
    op.create_index("ix_hires_payout_account", "hires", ["payout_account"])
    op.create_index("ix_hires_shipping_address", "hires", ["shipping_address_key"])


def downgrade() -> None:
    op.drop_index("ix_hires_shipping_address", table_name="hires")
    op.drop_index("ix_hires_payout_account", table_name="hires")
    op.drop_table("members")
