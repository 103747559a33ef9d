"""The hub's TAXII 2.1 collections (issue 19, item 3; docs/sharing.md): one for the sharing
community at each TLP level but RED, which is for named recipients and never published.
``publish`` puts an export into the collection of its TLP, in one unit of work with its
audit event; ``readable`` says which collections a caller may read: the hub's analyst every
one, a partner those up to the TLP its key is scoped to (``tlp:clear``, ``tlp:green``,
``tlp:amber``, ``tlp:amber-strict``; TLP:GREEN without one), nobody else any."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fauxhire.errors import InvalidQuery
from fauxhire.services.erasure import Actor
from fauxhire.services.keys import Principal
from fauxhire.services.share_export import Exported, ExportRequest, Sharer, export
from fauxhire.store import SqlStore
from fauxhire.store.shared_objects import Published, page, publish
from fauxhire.store.shared_objects import Shared as Shared  # a page of read_page

_NAMESPACE: Final = uuid.UUID("0b5c1d9e-4f3a-5e6b-8c7d-2a1f0e9d8c7b")
AUDIENCE: Final = "community"
TLPS: Final = ("clear", "green", "amber", "amber+strict")  # least to most restricted; no RED
PARTNER_DEFAULT: Final = "green"
READERS: Final = ("analyst", "partner")


@dataclass(frozen=True, slots=True)
class Collection:
    id: str
    tlp: str
    title: str
    description: str


def _collection(tlp: str) -> Collection:
    return Collection(
        str(uuid.uuid5(_NAMESPACE, f"{AUDIENCE}:{tlp}")),
        tlp,
        f"fauxhire {AUDIENCE}, TLP:{tlp.upper()}",
        f"Applicant personas linked to scheme infrastructure, marked TLP:{tlp.upper()}: keyed "
        "hashes of their contact values, sightings as counts, their networks (docs/sharing.md).",
    )


COLLECTIONS: Final = {c.id: c for c in map(_collection, TLPS)}
BY_TLP: Final = {c.tlp: c for c in COLLECTIONS.values()}


def readable(caller: Principal) -> list[Collection]:
    """The collections the caller may read, least restricted first."""
    if caller.role == "analyst":
        return list(COLLECTIONS.values())
    if caller.role != "partner":
        return []
    scoped = [
        s.removeprefix("tlp:").replace("-", "+") for s in caller.scopes if s.startswith("tlp:")
    ]
    clearance = max(
        (TLPS.index(t) for t in scoped if t in TLPS), default=TLPS.index(PARTNER_DEFAULT)
    )
    return [c for c in COLLECTIONS.values() if TLPS.index(c.tlp) <= clearance]


def publish_export(
    store: SqlStore, request: ExportRequest, sharer: Sharer, *, actor: Actor, now: datetime
) -> tuple[Collection, Exported, Published]:
    """The export of ``request`` into the community's collection of its TLP, audited as
    ``share:publish`` in the same unit of work: partners see the objects when the event is
    on record, and not before."""
    if request.tlp not in BY_TLP:
        raise InvalidQuery(
            "TLP:RED is for named recipients only: it is never published to a collection",
            field="tlp",
        )
    collection = BY_TLP[request.tlp]
    with store.unit_of_work():
        done = export(store, request, sharer, actor=actor, now=now, action="share:publish")
        published = publish(store, collection.id, done.bundle["objects"], now)
    return collection, done, published


def read_page(
    store: SqlStore,
    collection: Collection,
    *,
    added_after: datetime | None,
    after: tuple[datetime, int] | None,
    limit: int,
    types: list[str],
    ids: list[str],
) -> tuple[list[Shared], bool]:
    """A page of the collection's objects, in the order they were added; whether more follow."""
    return page(store, collection.id, added_after=added_after, after=after, limit=limit,
                types=types, ids=ids)  # fmt: skip
