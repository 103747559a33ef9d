"""webhook deliveries say why one screened nothing: refused for an erasure

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 21:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("webhook_deliveries", sa.Column("refused", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries") as batch:
        batch.drop_column("refused")
