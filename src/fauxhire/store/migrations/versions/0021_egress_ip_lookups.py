"""the console's search finds identities by an egress IP, by index

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 10:15:00

An analyst searches for the identities seen behind an IP (issue 18, item 4): the interview
meetings joined from it and the hires' sign-ins from it. Without these indexes that search
reads every meeting and every sign-in of the store.
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_meeting_participants_ip", "meeting_participants", ["ip_address"])
    op.create_index("ix_signin_events_ip", "signin_events", ["ip_address"])


def downgrade() -> None:
    op.drop_index("ix_signin_events_ip", table_name="signin_events")
    op.drop_index("ix_meeting_participants_ip", table_name="meeting_participants")
