"""assessments looked up by level

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 06:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assessments_level", "assessments", ["subject_kind", "level"])


def downgrade() -> None:
    op.drop_index("ix_assessments_level", table_name="assessments")
