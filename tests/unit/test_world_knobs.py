"""The knobs of the demo world's look-alikes and operation (`--set hard_case_rates.KIND=0`,
`--set operation.stealth=1`), on the generator's own objects, without writing a folder."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import pytest

from fauxhire_lab.world import pools
from fauxhire_lab.world.applying import Ids
from fauxhire_lab.world.companies import make_companies
from fauxhire_lab.world.legit import Legit
from fauxhire_lab.world.lookalikes import EASY_APPLY, MAILBOX_PLACES, Borrowed
from fauxhire_lab.world.model import Application, Person
from fauxhire_lab.world.operation import Network, make_operation
from fauxhire_lab.world.spec import WorldSpec, with_overrides

BASE = WorldSpec(seed=3, legitimate=4_000, scale=0.3)
People = tuple[list[Person], list[Application]]


def _people(spec: WorldSpec, borrowed: dict[int, Borrowed] | None = None) -> People:
    companies = make_companies(spec, random.Random(f"{spec.seed}:world"))
    return Legit(spec, companies, Ids(), borrowed).block(0, spec.legitimate)


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


OPERATION = WorldSpec(seed=4, legitimate=4_000, scale=1.0)


def _operation(
    *settings: str, spec: WorldSpec = OPERATION
) -> tuple[list[Network], list[Application], dict[int, Borrowed]]:
    spec = with_overrides(spec, settings)
    companies = make_companies(spec, random.Random(f"{spec.seed}:world"))
    return make_operation(spec, companies, Ids())


def test_borrowed_identities_follow_their_knob_and_leave_the_rest_alone() -> None:
    networks, apps, borrowed = _operation()
    personas = [p for n in networks for p in n.personas]
    paired = [p for p in personas if p.identity_theft_pair]
    assert {p.identity_theft_pair for p in paired} == {b.victim_id for b in borrowed.values()}
    assert 0.04 < len(paired) / len(personas) < 0.2  # about 10% by default
    off = _operation("operation.borrowed_identities=0")
    assert not off[2] and not any(p.identity_theft_pair for n in off[0] for p in n.personas)
    # Borrowing draws from a stream of its own: the operation is otherwise the same.
    assert [(a.company.company_id, a.applied_at, a.interview) for a in off[1]] == [
        (a.company.company_id, a.applied_at, a.interview) for a in apps
    ]
    victims = {b.persona_id: b for b in borrowed.values()}
    for persona in paired:
        victim = victims[persona.identity_id]
        assert (persona.first, persona.last, persona.address) == (
            victim.first,
            victim.last,
            victim.address,
        )
        assert victim.linkedin in persona.urls


def test_a_victim_is_the_applicant_whose_identity_is_borrowed() -> None:
    spec = with_overrides(OPERATION, ["operation.borrowed_identities=0.5"])
    networks, _, borrowed = _operation(spec=spec)
    people, _ = _people(spec, borrowed)
    personas = {p.identity_id: p for n in networks for p in n.personas}
    victims = [p for p in people if "identity_theft_victim" in p.hard_cases]
    assert len(victims) == len(borrowed) > 40
    for victim in victims:
        persona = personas[victim.identity_theft_pair]
        assert persona.identity_theft_pair == victim.identity_id
        assert (victim.name, victim.address) == (persona.name, persona.address)
        assert victim.name_pool == persona.name_pool
        linkedin = [u for u in victim.urls if "linkedin" in u]
        assert linkedin and linkedin == [u for u in persona.urls if "linkedin" in u]
        assert not set(victim.emails) & set(persona.emails)
        assert not set(victim.phones) & set(persona.phones)
        assert victim.resume != persona.resume


def _astrill(personas: list[Person]) -> float:
    return sum(p.egress[0].provider == "Astrill VPN" for p in personas) / len(personas)


def _proxied(personas: list[Person]) -> float:
    return sum(p.egress[0] == pools.RESIDENTIAL_PROXY for p in personas) / len(personas)


def _templated(networks: list[Network]) -> float:
    """Personas presenting their network's resume template (name aside)."""
    count = total = 0
    for network in networks:
        heads = Counter(p.resume.splitlines()[1] for p in network.personas)
        count += sum(heads[p.resume.splitlines()[1]] > 1 for p in network.personas)
        total += len(network.personas)
    return count / total


def _shared_phones(networks: list[Network]) -> float:
    personas = [(n, p) for n in networks for p in n.personas]
    return sum(p.phones[0] in n.phones for n, p in personas) / len(personas)


def test_a_stealthy_operation_hides_more_of_its_tells() -> None:
    plain, plain_apps, _ = _operation()
    stealthy, stealthy_apps, _ = _operation("operation.stealth=1")
    before = [p for n in plain for p in n.personas]
    after = [p for n in stealthy for p in n.personas]
    assert len(before) == len(after) == 130
    assert _astrill(after) < _astrill(before) / 2
    assert _proxied(after) > 2 * _proxied(before)
    assert _templated(stealthy) < _templated(plain) / 2
    assert _shared_phones(stealthy) < _shared_phones(plain) / 2
    assert len(stealthy_apps) < 0.6 * len(plain_apps)
    assert stealthy_apps and plain_apps
