"""A network as the console draws it (issue 18, item 3): its identities, and the
infrastructure they share as satellite nodes (a payout account, a shipping address, an
egress IP, a device, a phone, an e-mail, a resume's template), each tied to the identities
seen with it and sized by its rarity. Built from the network's links as linking stored them
(``SharedEvidence``), so the graph shows exactly what linked the network, no more.

And the analyst's answer to a wrong network: an identity split off it, recorded as a
judgement (``network_apart`` from each other identity) that the next linking run applies.
Both are the hub analyst's, and audited (``analyst_actions.Acting``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.services import judge, show
from fauxhire.services.analyst_actions import Acting
from fauxhire.store import SqlStore
from fauxhire.store.identity_levels import identity_levels
from fauxhire.store.views import link_view

ACTION: Final = "network:graph:read"


@dataclass(frozen=True, slots=True)
class IdentityNode:
    identity_id: str
    names: list[str]
    companies: int
    level: str | None
    probability: float | None


@dataclass(frozen=True, slots=True)
class ValueNode:
    value_id: str  # "v-<n>": the graph's own name for it
    kind: str  # payout, shipping, egress_ip, hidden_egress, device, phone, email, resume, referral
    label: str  # the kind in words (domain.evidence.SHARED_KINDS)
    family: str
    value: str
    shared_by: int  # identities seen with it, in the whole store
    weight: float  # the most it added to a link: the rarer, the more


@dataclass(frozen=True, slots=True)
class NetworkGraph:
    network_id: str
    identities: list[IdentityNode]
    values: list[ValueNode]
    ties: list[tuple[str, str]]  # (identity id, value id): the identity was seen with it
    links: list[tuple[str, str, float]]  # (identity, identity, score) as linking scored them


def network_graph(store: SqlStore, network_id: str, acting: Acting) -> NetworkGraph:
    """The network's graph; ``NotFound`` for an unknown network. The read is audited with
    the identities shown."""
    with store.unit_of_work():
        view = show.show_network(store, network_id)
        members = [str(m["identity_id"]) for m in view.members]
        levels = identity_levels(store, members)
        store.append_audit(acting.event(ACTION, f"network:{network_id}", "review", tuple(members)))
    values: dict[tuple[str, str], ValueNode] = {}
    ties: set[tuple[str, str]] = set()
    for edge in view.edges:
        for shared in edge.evidence:
            key = (shared.kind, shared.value)
            node = values.get(key)
            if node is None or shared.weight > node.weight:
                name = node.value_id if node else f"v-{len(values) + 1}"
                values[key] = ValueNode(
                    name, shared.kind, shared.words, shared.family, shared.value,
                    shared.shared_by, shared.weight,
                )  # fmt: skip
            ties |= {(edge.a, values[key].value_id), (edge.b, values[key].value_id)}
    identities = [
        IdentityNode(
            str(m["identity_id"]),
            list(m["names"]),
            int(m["companies"]),
            *levels.get(str(m["identity_id"]), (None, None)),
        )
        for m in view.members
    ]
    return NetworkGraph(
        network_id,
        identities,
        sorted(values.values(), key=lambda v: v.value_id),
        sorted(ties),
        [(e.a, e.b, e.score) for e in view.edges],
    )


def split_off(
    store: SqlStore, network_id: str, identity_id: str, reason: str, acting: Acting
) -> judge.Decision:
    """``identity_id`` is not run by ``network_id``: a ``network_apart`` judgement from each
    of its other identities, in the caller's name, with its audit event, committed together.
    Refused for an identity of another network (the graph is stale: read it again)."""
    with store.unit_of_work():
        # Its own links say where it stands: the network's links and evidence are not read.
        if network_id not in {link.network_id for link in store.links(identity_id)}:
            with link_view(store, "split_off") as view:
                if not view.first_applications(network_id, identity_id):
                    raise NotFound(f"no network {network_id!r} in the store", network_id=network_id)
            raise JudgementRefused(
                f"identity {identity_id} is not in network {network_id} (any more): "
                "read the network again",
                identity_id=identity_id,
                network_id=network_id,
            )
        decision = judge.split_network(
            store, identity_id, analyst=acting.caller.key_id, reason=reason, now=acting.now
        )
        pairs = tuple(key for j in decision.judgements for key in (j.a, j.b))
        store.append_audit(
            acting.event("judge:network_apart", f"identity:{identity_id}", reason, pairs)
        )
    return decision
