"""a case file's size kept beside it, now that its content is sealed at rest

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 14:30:00

A case's notes, titles and files may hold an applicant's personal data, so they are sealed
with the PII keyring as contact details are (store/sealed.py). A sealed file is longer than
the file, so its size is kept in a column of its own; the files stored before are measured.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_entries") as batch:
        batch.add_column(sa.Column("size", sa.Integer(), nullable=True))
    op.execute("UPDATE case_entries SET size = length(content) WHERE content IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("case_entries") as batch:
        batch.drop_column("size")
