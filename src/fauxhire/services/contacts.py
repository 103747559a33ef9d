"""Reading an identity's contact details: decrypted for a person who needs them, and audited
in the same unit of work as the read (docs/security.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from fauxhire.errors import NotFound
from fauxhire.ports import AuditEvent
from fauxhire.store import SqlStore
from fauxhire.store.contacts import Contact, identity_contacts
from fauxhire.store.views import identity_applications

ACTION: Final = "contacts:read"


def read_contacts(
    store: SqlStore, identity_id: str, *, actor: str, purpose: str, now: datetime
) -> list[Contact]:
    """The identity's contact details, with one audit event naming it, whoever read them and
    why; NotFound for an identity the links do not hold."""
    with store.unit_of_work("read_contacts"):
        if not identity_applications(store, identity_id, "read_contacts"):
            raise NotFound(f"no identity {identity_id!r} in the store", identity_id=identity_id)
        contacts = identity_contacts(store, identity_id)
        subject = f"identity:{identity_id}"
        store.append_audit(AuditEvent(actor, ACTION, subject, purpose, now))
    return contacts
