"""the analysts' cases: an investigation of an identity or a network, and what was done in it

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 11:00:00

Issue 18, item 5: a case is opened on an identity or a network, assigned, moved through its
states (new, investigating, escalated, closed with a finding), and collects notes, files and
linked employer reports as entries appended to it. A case names its subject by an application
(its anchor), so it follows the identity that holds it after a relink.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fauxhire.store.types import UtcDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        sa.Column("anchor_app", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=True),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("opened_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_cases_state", "cases", ["state", "updated_at"])
    op.create_index("ix_cases_assignee", "cases", ["assignee", "state"])
    op.create_index("ix_cases_anchor", "cases", ["anchor_app"])
    op.create_table(
        "case_entries",
        sa.Column("entry_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("media_type", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("report_key", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"]),
        sa.PrimaryKeyConstraint("entry_id"),
    )
    op.create_index("ix_case_entries_case", "case_entries", ["case_id", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_case_entries_case", table_name="case_entries")
    op.drop_table("case_entries")
    op.drop_index("ix_cases_anchor", table_name="cases")
    op.drop_index("ix_cases_assignee", table_name="cases")
    op.drop_index("ix_cases_state", table_name="cases")
    op.drop_table("cases")
