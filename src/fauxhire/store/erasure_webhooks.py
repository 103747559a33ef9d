"""What an erasure (or a retention batch) does to the ATS webhooks' rows
(``store/webhook_tables.py``) of the applications it removes.

- A delivery that screened one of them is kept, without its application key, identity and
  level, and marked ``refused`` with the reason: its body's digest is what answers the
  vendor's replay of the same delivery as a duplicate, so a replay stores nothing and brings
  no one back. The digest, the vendor's event id and the action name no one.
- Its write-back in the outbox is deleted, sent or not: a pending one is never sent (a
  sender claims an item by a conditional update of its row, which a deleted row fails), and
  a sent one holds nothing the member's ATS does not already have.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, update

from fauxhire.store import schema
from fauxhire.store.erasure_outputs import batches, delete_in

_DELIVERIES, _OUTBOX = schema.webhook_deliveries, schema.webhook_outbox


def erase_webhook_rows(
    conn: Connection, app_keys: Sequence[str], *, refused: str
) -> dict[str, int]:
    """Blank and mark the deliveries of ``app_keys``, delete their write-backs: rows by table."""
    d = _DELIVERIES.c
    forgotten = {"application_key": None, "identity_id": None, "level": None, "refused": refused}
    blanked = sum(
        conn.execute(
            update(_DELIVERIES).where(d.application_key.in_(part)).values(forgotten)
        ).rowcount
        for part in batches(app_keys)
    )
    return {
        "webhook_deliveries": blanked,
        "webhook_outbox": delete_in(conn, _OUTBOX, _OUTBOX.c.application_key, app_keys),
    }
