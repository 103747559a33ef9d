"""the STIX objects published to partners, by TAXII collection

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 14:20:00

Issue 19, item 3: `fauxhire share publish` puts the export's objects in a collection (one a
TLP level for the community), and the TAXII server pages them by the time they were added.
One row an object: a newer version replaces the row, and is added anew.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fauxhire.store.types import UtcDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_objects",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("collection_id", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.Text(), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("date_added", UtcDateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("collection_id", "object_id", name="uq_shared_objects_object"),
    )
    op.create_index(
        "ix_shared_objects_added", "shared_objects", ["collection_id", "date_added", "seq"]
    )


def downgrade() -> None:
    op.drop_index("ix_shared_objects_added", table_name="shared_objects")
    op.drop_table("shared_objects")
