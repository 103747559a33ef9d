"""The PII keyring's life: created, rotated, and the stored contact details sealed again under
its active key (``fauxhire keys pii init|rotate|status``; docs/security.md).

Sealing again reads personal data, so every batch commits with one audit event naming the
column and how many values it sealed; a rotation killed part-way is resumed by running it
again, and a run with nothing left to do writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from fauxhire.enrich.pii import Keyring, require_sealer
from fauxhire.ports import AuditEvent
from fauxhire.store import SqlStore, keyring_file, reseal

BATCH: Final = 5000  # values a transaction: small enough to resume, large enough to be quick
RESEAL_ACTION: Final = "pii:reseal"
ROTATE_ACTION: Final = "pii:rotate"


@dataclass(frozen=True, slots=True)
class ColumnStatus:
    column: str  # table.column
    by_key: dict[str, int]  # key id -> values it sealed; "" -> plain values


def init_keyring(url: str, named: Path | None, now: datetime) -> tuple[Path, Keyring]:
    """A new keyring for the store at ``url``; an existing one is never overwritten."""
    return keyring_file.init_keyring(url, named, now)


def rotate_keyring(url: str, named: Path | None, now: datetime) -> tuple[Path, Keyring]:
    """The keyring with a new active key; its old keys stay, to open what they sealed."""
    return keyring_file.rotate_keyring(url, named, now)


def record_rotation(store: SqlStore, *, actor: str, key_id: str, now: datetime) -> None:
    """The rotation to ``key_id`` in the audit trail."""
    purpose = f"new active key {key_id}"
    with store.unit_of_work("pii_rotate"):
        store.append_audit(AuditEvent(actor, ROTATE_ACTION, "pii:keyring", purpose, now))


def pending(store: SqlStore) -> int:
    """How many stored values are not sealed under the active key."""
    sealer = require_sealer(store.sealer, "contact details")
    with store.transaction("pii_pending") as conn:
        return reseal.count_pending(conn, sealer.active_id)


def reseal_all(
    store: SqlStore,
    *,
    actor: str,
    now: datetime,
    batch: int = BATCH,
    advanced: Callable[[int], None] = lambda _: None,
) -> int:
    """Seal every stored value not under the active key again under it, a batch a
    transaction with its audit event; how many were sealed."""
    sealer = require_sealer(store.sealer, "contact details")
    done = 0
    for sealed in reseal.COLUMNS:
        after: tuple[Any, ...] | None = None
        while True:
            with store.unit_of_work("pii_reseal"), store.transaction("pii_reseal") as conn:
                found = reseal.next_batch(conn, sealed, sealer.active_id, after, batch)
                if not found.keys:
                    break
                opened = sealer.open_many(found.values, sealed.label)
                reseal.write_batch(conn, sealed, found.keys, sealer.seal_many(opened, sealed.label))
                purpose = f"key rotation: {len(found.keys)} values sealed under {sealer.active_id}"
                subject = f"column:{sealed.label}"
                store.append_audit(AuditEvent(actor, RESEAL_ACTION, subject, purpose, now))
            after = found.keys[-1]
            done += len(found.keys)
            advanced(len(found.keys))
    return done


def status(store: SqlStore) -> list[ColumnStatus]:
    """Each sealed column's values by the key that sealed them."""
    sealer = require_sealer(store.sealer, "contact details")
    with store.transaction("pii_status") as conn:
        return [
            ColumnStatus(s.label, reseal.count_by_key(conn, s, sealer.key_ids))
            for s in reseal.COLUMNS
        ]
