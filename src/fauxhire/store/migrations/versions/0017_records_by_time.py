"""records of the kinds an assessment carries, and partner indicators, are indexed by when
they came, so a screen finds by index whether any came after an assessment

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:40:00

A screen that adds an application to an identity carries what its meetings, hires, sign-ins,
employer reports, dispositions and partner matches gave from its stored assessment, where
none of those came (and no indicator expired) after it (store/since_assessed.py). Each probe
reads only the records after a time, from these indexes: none, in a store where nothing but
screens came since the last refresh.
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_meeting_participants_ingested_at", "meeting_participants", "ingested_at"),
    ("ix_signin_events_ingested_at", "signin_events", "ingested_at"),
    ("ix_hires_ingested_at", "hires", "ingested_at"),
    ("ix_employer_reports_ingested_at", "employer_reports", "ingested_at"),
    ("ix_dispositions_created_at", "dispositions", "created_at"),
    ("ix_indicators_ingested_at", "indicators", "ingested_at"),
    ("ix_indicators_valid_until", "indicators", "valid_until"),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
