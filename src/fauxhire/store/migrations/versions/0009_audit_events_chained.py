"""the audit trail hash-chained: role, member, records, request id, previous hash and hash

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 17:00:00

The events written before it get the new fields' defaults and are chained in event_id order,
with the function every later append uses (domain.audit_chain), so one check covers them all.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fauxhire.store.types
from fauxhire.domain.audit_chain import GENESIS, event_hash
from fauxhire.domain.outcomes import AuditEvent

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_OLD = sa.table(
    "audit_events",
    sa.column("event_id", sa.Integer()),
    sa.column("actor", sa.Text()),
    sa.column("action", sa.String()),
    sa.column("subject", sa.Text()),
    sa.column("purpose", sa.Text()),
    sa.column("at", fauxhire.store.types.UtcDateTime(timezone=True)),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("member", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "records", fauxhire.store.types.JsonText(), server_default="[]", nullable=False
            )
        )
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)


def _chain_existing_events() -> None:
    conn = op.get_bind()
    query = sa.select(_OLD.c.event_id, *(_OLD.c[f] for f in AuditEvent._fields[:5]))
    prev = GENESIS
    for event_id, *fields in conn.execute(query.order_by(_OLD.c.event_id)).all():
        digest = event_hash(AuditEvent(*fields), prev)
        conn.execute(
            sa.update(_OLD).where(_OLD.c.event_id == event_id).values(prev_hash=prev, hash=digest)
        )
        prev = digest


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for name in ("hash", "prev_hash", "request_id", "records", "member", "role"):
            batch_op.drop_column(name)
