"""The knobs of the demo world's look-alikes (`--set hard_case_rates.KIND=0`), on the
generator's own objects, without writing a folder."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from fauxhire.world.applying import Ids
from fauxhire.world.companies import make_companies
from fauxhire.world.legit import Legit
from fauxhire.world.lookalikes import EASY_APPLY, MAILBOX_PLACES
from fauxhire.world.model import Application, Person
from fauxhire.world.spec import WorldSpec, with_overrides

BASE = WorldSpec(seed=3, legitimate=4_000, scale=0.3)
People = tuple[list[Person], list[Application]]


def _people(spec: WorldSpec) -> People:
    companies = make_companies(spec, random.Random(f"{spec.seed}:world"))
    return Legit(spec, companies, Ids()).block(0, spec.legitimate)


def _shared_accounts(apps: list[Application], low: int, high: int) -> bool:
    """Some payout account pays between ``low`` and ``high`` people."""
    payees: dict[str, set[str]] = {}
    for a in apps:
        if a.hire is not None:
            payees.setdefault(a.hire.payout_account, set()).add(a.person.identity_id)
    return any(low <= len(people) <= high for people in payees.values())


# Each look-alike's tell, as the data shows it: what rate 0 must remove.
TELLS: dict[str, Callable[[People], bool]] = {
    "high_volume": lambda w: (
        any(a.source in EASY_APPLY for a in w[1]) or any(p.applications >= 20 for p in w[0])
    ),
    "over_employed": lambda w: any(p.hires >= 2 for p in w[0]),
    "mail_forwarder": lambda w: any(
        a.hire and any(m.city in a.hire.shipping_address for m in MAILBOX_PLACES) for a in w[1]
    ),
    "eor_payroll": lambda w: _shared_accounts(w[1], 4, 10**9),
    "family": lambda w: _shared_accounts(w[1], 2, 3),
    "relocated": lambda w: any(p.moved_at is not None for p in w[0]),
}


@pytest.fixture(scope="module")
def default_world() -> People:
    return _people(BASE)


@pytest.mark.parametrize("kind", list(TELLS))
def test_a_rate_of_zero_turns_a_lookalike_off(default_world: People, kind: str) -> None:
    people, _ = default_world
    assert any(kind in p.hard_cases for p in people)  # there, by default
    assert TELLS[kind](default_world)
    world = _people(with_overrides(BASE, [f"hard_case_rates.{kind}=0"]))
    assert not any(kind in p.hard_cases for p in world[0])
    assert not TELLS[kind](world)
    others = [k for k in TELLS if k != kind]
    assert all(any(k in p.hard_cases for p in world[0]) for k in others)  # the rest stay
