"""An identity's contact details as presented, decrypted (``fauxhire show contacts``)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from fauxhire.store import schema
from fauxhire.store.sealed import RowSealer
from fauxhire.store.store import Store


class Contact(NamedTuple):
    company_id: str
    application_id: str
    kind: str  # email | phone | address | linkedin | github
    display: str  # as the applicant gave it, decrypted


def identity_contacts(store: Store, identity_id: str) -> list[Contact]:
    """The contact details of an identity's applications, by application and kind."""
    a, v, links = schema.applications, schema.applicant_values, schema.links
    query = (
        select(a.c.company_id, a.c.application_id, v.c.kind, v.c.display)
        .join(links, links.c.app_key == a.c.key)
        .join(v, v.c.app_ref == a.c.id)
        .where(links.c.identity_id == identity_id)
        .order_by(a.c.company_id, a.c.application_id, v.c.kind, v.c.key)
    )
    with store.transaction("identity_contacts") as conn:
        rows = [tuple(row) for row in conn.execute(query)]
    columns = ("company_id", "application_id", "kind", "display")
    opened = RowSealer(store.sealer).open_rows("applicant_values", columns, rows)
    return [Contact(*row) for row in opened]
