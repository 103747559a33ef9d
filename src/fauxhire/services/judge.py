"""An analyst's judgement on links, turned into the pair judgements every linking run keeps.

An analyst says "these two applications are one person", "this application is not the person
it was linked to" or "this identity is not run by that network"; the store keeps pairs
(``store/judgements.py``). Each function here checks the judgement against the links as they
are now, writes the pairs it amounts to (each pair once, in a canonical order, so judging the
same thing twice adds nothing) and says which applications to watch for its effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Connection, func, select

from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.store import schema
from fauxhire.store.judgements import Judgement, add_judgements, read_judgements
from fauxhire.store.store import Store

APPLICATION_KINDS = ("together", "apart", "network_apart")  # their a and b: application keys


@dataclass(frozen=True)
class Decision:
    """What one analyst judgement was stored as."""

    judgements: list[Judgement]  # the pairs it amounts to, a < b
    added: int  # how many of them were new
    watched: list[str]  # application keys whose identity and network show its effect


@dataclass(frozen=True)
class Placement:
    """Where an application stands: its identity and network (None: in no network)."""

    ref: str  # company_id/application_id
    identity_id: str | None  # None: not linked yet
    network_id: str | None


def app_ref(key: str) -> str:
    """An application as analysts see it: ``company_id/application_id``."""
    return "/".join(schema.split_key(key))


def confirm(
    store: Store, ref_a: str, ref_b: str, *, analyst: str, reason: str, now: datetime
) -> Decision:
    """Two applications are one identity: one ``together`` pair."""
    with store.transaction("judge_confirm") as conn:
        a, b = _application(conn, ref_a), _application(conn, ref_b)
    if a == b:
        raise JudgementRefused(
            f"{ref_a!r} and {ref_b!r} are the same application: confirm names two",
            application=ref_a,
        )
    pairs = [_pair("together", a, b, analyst, reason, now)]
    return _record(store, pairs, watched=[a, b])


def split(store: Store, ref: str, *, analyst: str, reason: str, now: datetime) -> Decision:
    """An application is not the identity it was linked into: ``apart`` from each other
    application of that identity, so no later run puts it with any of them."""
    with store.transaction("judge_split") as conn:
        key = _application(conn, ref)
        identity = _placement(conn, key)[0]
        if identity is None:
            raise JudgementRefused(
                f"application {ref!r} is in no identity yet: run `fauxhire link` first",
                application=ref,
            )
        links = schema.links
        others = _others(conn, links.c.app_key, links.c.identity_id, identity, key)
    if not others:
        raise JudgementRefused(
            f"application {ref!r} is already alone in identity {identity}: nothing to split",
            application=ref,
            identity_id=identity,
        )
    pairs = [_pair("apart", key, other, analyst, reason, now) for other in others]
    return _record(store, pairs, watched=[key, others[0]])


def split_network(
    store: Store, identity_id: str, *, analyst: str, reason: str, now: datetime
) -> Decision:
    """An identity is not run by the network it was linked into: ``network_apart`` from each
    other identity of that network. Each identity is named by one of its applications (its
    first key), not its id: ids move when identities merge, an application stays itself."""
    links = schema.links
    with store.transaction("judge_split_network") as conn:
        rows = conn.execute(
            select(links.c.app_key, links.c.network_id)
            .where(links.c.identity_id == identity_id)
            .order_by(links.c.app_key)
        ).all()
        if not rows:
            raise NotFound(f"no identity {identity_id!r} in the store", identity_id=identity_id)
        network = rows[0].network_id
        others = _first_applications(conn, network, identity_id) if network is not None else []
    if not others:
        raise JudgementRefused(
            f"identity {identity_id} is in no network: nothing to split it from",
            identity_id=identity_id,
        )
    own = rows[0].app_key
    pairs = [_pair("network_apart", own, o, analyst, reason, now) for o in others]
    return _record(store, pairs, watched=[own])


def _first_applications(conn: Connection, network: str, own: str) -> list[str]:
    """The first application key of each other identity of a network."""
    links = schema.links
    query = (
        select(func.min(links.c.app_key))
        .where(links.c.network_id == network, links.c.identity_id != own)
        .group_by(links.c.identity_id)
    )
    return sorted(conn.execute(query).scalars())


def placements(store: Store, keys: list[str]) -> list[Placement]:
    """Where each application stands now, in the order given."""
    with store.transaction("judge_placements") as conn:
        return [Placement(app_ref(key), *_placement(conn, key)) for key in keys]


def list_judgements(store: Store) -> list[Judgement]:
    """Every judgement, oldest first, with applications named as analysts see them."""
    return [
        j._replace(a=app_ref(j.a), b=app_ref(j.b)) if j.kind in APPLICATION_KINDS else j
        for j in read_judgements(store)
    ]


def _application(conn: Connection, ref: str) -> str:
    """The store key of an application named ``company_id/application_id``. Ids may hold a
    slash themselves, so every split is tried; the store says which one exists."""
    candidates = [
        schema.join_key((ref[:at], ref[at + 1 :])) for at, char in enumerate(ref) if char == "/"
    ]
    apps = schema.applications
    found = conn.execute(select(apps.c.key).where(apps.c.key.in_(candidates))).scalars().all()
    if not found:
        raise NotFound(
            f"no application {ref!r} in the store: name it company_id/application_id, "
            "as `fauxhire show identity` prints it",
            application=ref,
        )
    if len(found) > 1:
        raise JudgementRefused(
            f"{ref!r} names {len(found)} applications: their ids hold a '/'", application=ref
        )
    return str(found[0])


def _others(
    conn: Connection, member: Column[str], group: Column[str], group_id: str, own: str
) -> list[str]:
    """The other members of a group in the links: an identity's other applications, or a
    network's other identities."""
    members = conn.execute(select(member).where(group == group_id).distinct()).scalars()
    return sorted(m for m in members if m != own)


def _placement(conn: Connection, key: str) -> tuple[str | None, str | None]:
    links = schema.links
    row = conn.execute(
        select(links.c.identity_id, links.c.network_id).where(links.c.app_key == key)
    ).first()
    return (row.identity_id, row.network_id) if row else (None, None)


def _pair(kind: str, x: str, y: str, analyst: str, reason: str, now: datetime) -> Judgement:
    """A judgement on a pair, in one order whichever way round it was given."""
    a, b = sorted((x, y))
    return Judgement(kind, a, b, analyst, reason, now)


def _record(store: Store, pairs: list[Judgement], *, watched: list[str]) -> Decision:
    first = pairs[0]
    if not first.analyst.strip():
        raise JudgementRefused("a judgement needs its analyst: give --analyst")
    if not first.reason.strip():
        raise JudgementRefused("a judgement needs a reason: say why with --reason")
    return Decision(pairs, add_judgements(store, pairs), watched)
