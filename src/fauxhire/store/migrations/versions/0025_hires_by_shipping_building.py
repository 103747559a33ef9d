"""each hire's shipping building kept beside its shipping address

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 22:30:00

Issue 14: equipment shipped away from home weighs less when it goes to a building that many
unrelated identities' equipment goes to (a mail-receiving service). The building is the
address key without its unit, private mailbox and box numbers (``normalise.address.building``);
it is kept, indexed, so that an assessment of a few identities counts a building's holders by
index. The hires stored before are given theirs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from fauxhire.domain.normalise.address import building

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_BATCH = 10_000


def upgrade() -> None:
    with op.batch_alter_table("hires") as batch:
        batch.add_column(sa.Column("shipping_building_key", sa.Text(), nullable=True))
        batch.create_index("ix_hires_shipping_building", ["shipping_building_key"])
    hires = sa.table(
        "hires",
        sa.column("id", sa.Integer),
        sa.column("shipping_address_key", sa.Text),
        sa.column("shipping_building_key", sa.Text),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(hires.c.id, hires.c.shipping_address_key).where(
            hires.c.shipping_address_key.is_not(None)
        )
    ).all()
    update = (
        hires.update()
        .where(hires.c.id == sa.bindparam("hire"))
        .values(shipping_building_key=sa.bindparam("building"))
    )
    for start in range(0, len(rows), _BATCH):
        conn.execute(
            update,
            [
                {"hire": hire, "building": building(key)}
                for hire, key in rows[start : start + _BATCH]
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("hires") as batch:
        batch.drop_index("ix_hires_shipping_building")
        batch.drop_column("shipping_building_key")
