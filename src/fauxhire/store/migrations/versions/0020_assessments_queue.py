"""the review queue reads identities by level and the latest assessed first, by index

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 07:40:00

The console's review queue (issue 18) lists identities by level, then by when they were
last assessed, then by id (the latest and the highest first). At a million applications one
level holds half a million identities: with this index a page of one level is read in
order, not sorted whole.
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_assessments_queue",
        "assessments",
        ["subject_kind", "level", "assessed_at", "subject_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_assessments_queue", table_name="assessments")
