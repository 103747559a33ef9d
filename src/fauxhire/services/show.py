"""What an analyst reads about one identity or network: its members and why they are linked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic

from fauxhire.domain.evidence import ComparisonEvidence, E, SharedEvidence
from fauxhire.domain.outcomes import LinkEdge
from fauxhire.errors import NotFound
from fauxhire.store import outputs
from fauxhire.store.store import Store
from fauxhire.store.views import link_view


@dataclass(frozen=True)
class GroupView(Generic[E]):
    kind: str  # identity | network
    group_id: str
    members: list[dict[str, Any]]
    edges: list[LinkEdge[E]]
    # For an identity: the identities split from it as a possibly borrowed identity.
    borrowed: list[LinkEdge[ComparisonEvidence]] = field(default_factory=list)


def show_identity(store: Store, identity_id: str) -> GroupView[ComparisonEvidence]:
    with link_view(store, "show_identity") as view:
        members = view.identity_members(identity_id)
    if not members:
        raise NotFound(f"no identity {identity_id!r} in the store", identity_id=identity_id)
    return GroupView(
        "identity",
        identity_id,
        members,
        outputs.read_edges(store, "identity", identity_id),
        outputs.read_borrowed(store, identity_id),
    )


def show_network(store: Store, network_id: str) -> GroupView[SharedEvidence]:
    with link_view(store, "show_network") as view:
        rows = view.network_members(network_id)
    if not rows:
        raise NotFound(f"no network {network_id!r} in the store", network_id=network_id)
    members: dict[str, dict[str, Any]] = {}
    for identity, name, company in rows:
        entry = members.setdefault(
            identity, {"identity_id": identity, "names": set(), "companies": set()}
        )
        entry["names"].add(name)
        entry["companies"].add(company)
    listed = [
        {
            "identity_id": m["identity_id"],
            "names": sorted(n for n in m["names"] if n),
            "companies": len(m["companies"]),
        }
        for m in sorted(members.values(), key=lambda m: m["identity_id"])
    ]
    return GroupView(
        "network", network_id, listed, outputs.read_edges(store, "network", network_id)
    )
