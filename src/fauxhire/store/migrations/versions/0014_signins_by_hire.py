"""sign-ins are indexed by the hire they belong to, so a few identities' sign-ins are read by
index

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 21:45:00

A screen reads the sign-ins of the identities it assesses (store/scoped_facts.py), from
their hires. Without an index on the hire, SQLite built a temporary one over every sign-in
for each screen: 1.2 s of a 1.6 s screen at a million applications (478,000 sign-ins).
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signin_events_hire", "signin_events", ["hire_key"])


def downgrade() -> None:
    op.drop_index("ix_signin_events_hire", table_name="signin_events")
