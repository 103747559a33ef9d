"""the API's keys: public id, hash of the secret, role, member, scopes, expiry, revocation

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fauxhire.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("member", sa.Text(), nullable=True),
        sa.Column("scopes", fauxhire.store.types.JsonText(), nullable=False),
        sa.Column("created_at", fauxhire.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", fauxhire.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", fauxhire.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
