"""the files ingested (not a screen's records) are indexed by when they started, so a screen
finds by index whether an ingest ran after an assessment

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 04:55:00

An ingest joins what waited (a meeting to an application a screen stored after it), which no
record's own time shows. A screen that carries an identity's stored assessment declines where
any ingest started after it (store/since_assessed.py). Partial: the screens' own rows, one a
screen, are not in it, so the probe reads only the files ingested since.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_INGESTS = sa.text("format <> 'records'")


def upgrade() -> None:
    op.create_index(
        "ix_ingest_files_ingests",
        "ingest_files",
        ["started_at"],
        sqlite_where=_INGESTS,
        postgresql_where=_INGESTS,
    )


def downgrade() -> None:
    op.drop_index("ix_ingest_files_ingests", table_name="ingest_files")
