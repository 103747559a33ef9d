"""audit events and link runs are numbered in 64 bits on PostgreSQL

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 07:20:00

A server appends two or three audit events and one link run for every screen, and an audit
event for every read of personal data. A PostgreSQL ``serial`` stops at 2,147,483,647: at
300 screens a second, within three months. Both ids become ``bigint``, and so do their
sequences (a ``serial``'s sequence is capped at the int4 maximum). Nothing references either
column, so only these two tables are rewritten. SQLite's ``INTEGER PRIMARY KEY`` is 64 bits
already: nothing changes there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_IDS = (("audit_events", "event_id"), ("link_runs", "run_id"))


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger(), "bigint")


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer(), "integer")


def _retype(was: sa.types.TypeEngine[int], to: sa.types.TypeEngine[int], name: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in _IDS:
        op.alter_column(table, column, existing_type=was, type_=to, existing_nullable=False)
        op.execute(
            f"DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s AS {name}', "
            f"pg_get_serial_sequence('{table}', '{column}')); END $$"
        )
