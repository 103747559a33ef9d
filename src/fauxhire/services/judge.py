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

from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.store import schema
from fauxhire.store.judgements import Judgement, add_judgements, read_judgements
from fauxhire.store.store import Store
from fauxhire.store.views import LinkView, link_view

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
    a, b = _two_applications(store, ref_a, ref_b, "confirm")
    pairs = [_pair("together", a, b, analyst, reason, now)]
    return _record(store, pairs, watched=[a, b])


def keep_apart(
    store: Store, ref_a: str, ref_b: str, *, analyst: str, reason: str, now: datetime
) -> Decision:
    """Two applications are not one person: one ``apart`` pair, wherever they are linked now
    (``split`` is the wider word: apart from every other application of its identity)."""
    a, b = _two_applications(store, ref_a, ref_b, "keep_apart")
    pairs = [_pair("apart", a, b, analyst, reason, now)]
    return _record(store, pairs, watched=[a, b])


def split(store: Store, ref: str, *, analyst: str, reason: str, now: datetime) -> Decision:
    """An application is not the identity it was linked into: ``apart`` from each other
    application of that identity, so no later run puts it with any of them."""
    with link_view(store, "judge_split") as view:
        key = _application(view, ref)
        identity = view.placement(key)[0]
        if identity is None:
            raise JudgementRefused(
                f"application {ref!r} is in no identity yet: run `fauxhire link` first",
                application=ref,
            )
        others = [other for other, _ in view.identity_links(identity) if other != key]
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
    with link_view(store, "judge_split_network") as view:
        rows = view.identity_links(identity_id)
        if not rows:
            raise NotFound(f"no identity {identity_id!r} in the store", identity_id=identity_id)
        own, network = rows[0]
        others = view.first_applications(network, identity_id) if network is not None else []
    if not others:
        raise JudgementRefused(
            f"identity {identity_id} is in no network: nothing to split it from",
            identity_id=identity_id,
        )
    pairs = [_pair("network_apart", own, o, analyst, reason, now) for o in others]
    return _record(store, pairs, watched=[own])


def placements(store: Store, keys: list[str]) -> list[Placement]:
    """Where each application stands now, in the order given."""
    with link_view(store, "judge_placements") as view:
        return [Placement(app_ref(key), *view.placement(key)) for key in keys]


def list_judgements(store: Store) -> list[Judgement]:
    """Every judgement, oldest first, with applications named as analysts see them."""
    return [
        j._replace(a=app_ref(j.a), b=app_ref(j.b)) if j.kind in APPLICATION_KINDS else j
        for j in read_judgements(store)
    ]


def _two_applications(store: Store, ref_a: str, ref_b: str, verb: str) -> tuple[str, str]:
    """The store keys of two different applications a pair judgement names."""
    with link_view(store, f"judge_{verb}") as view:
        a, b = _application(view, ref_a), _application(view, ref_b)
    if a == b:
        raise JudgementRefused(
            f"{ref_a!r} and {ref_b!r} are the same application: {verb} names two",
            application=ref_a,
        )
    return a, b


def _application(view: LinkView, ref: str) -> str:
    """The store key of an application named ``company_id/application_id``. Ids may hold a
    slash themselves, so every split is tried; the store says which one exists."""
    candidates = [
        schema.join_key((ref[:at], ref[at + 1 :])) for at, char in enumerate(ref) if char == "/"
    ]
    found = view.existing_applications(candidates)
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
    return found[0]


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
