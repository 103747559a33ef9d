"""The draws that make one legitimate person: name, hard cases, e-mails and postal address.

Each draws from the one ``rng`` in a fixed order, so a seed makes the same person.
"""

from __future__ import annotations

import random

from fauxhire_lab.world import details, pools
from fauxhire_lab.world.lookalikes import Borrowed, Household
from fauxhire_lab.world.pools import Place

LOOKALIKES = ("high_volume", "over_employed", "mail_forwarder", "eor_payroll", "relocated")


def draw_name(
    rng: random.Random,
    rates: dict[str, float],
    victim: Borrowed | None,
    family: Household | None,
) -> tuple[str, str, str, bool]:
    """name pool, first, last, and whether the name is a common one."""
    if victim is not None:
        return victim.name_pool, victim.first, victim.last, victim.common
    if family is not None and rng.random() < 0.6:  # shares the household's surname
        return family.name_pool, details.draw_first(rng, family.name_pool), family.last, False
    return details.draw_name(rng, rates["common_name"])


def draw_cases(
    rng: random.Random,
    rates: dict[str, float],
    common: bool,
    victim: Borrowed | None,
    family: Household | None,
    *,
    head: bool,
) -> set[str]:
    """The hard cases a person is, drawn at the world's rates."""
    cases = {"common_name"} if common else set()
    for case in ("vpn", "night_owl", "overseas_contractor", "resume_template", "shared_nat"):
        if rng.random() < rates[case]:
            cases.add(case)
    if victim is not None:
        cases.add("identity_theft_victim")
    elif family is not None or head:
        cases |= {"family"}
    else:
        cases |= {case for case in LOOKALIKES if rng.random() < rates[case]}
    if cases & {"family", "over_employed"}:
        cases.discard("shared_nat")  # they sign in from their own home line
        cases.discard("relocated")  # and stay in it
    return cases


def draw_emails(rng: random.Random, first: str, last: str, number: int) -> list[str]:
    emails = [
        details.email_for(first, last, number, rng.randrange(4), rng.choice(pools.EMAIL_PROVIDERS))
    ]
    if rng.random() < 0.15:
        emails.append(
            details.email_for(
                first, last, number, rng.randrange(4) + 1, rng.choice(pools.EMAIL_PROVIDERS)
            )
        )
    return emails


def draw_address(
    rng: random.Random, place: Place, n: int, victim: Borrowed | None, family: Household | None
) -> str:
    if victim is not None:
        return victim.address
    if family is not None:
        return family.address
    unit = rng.randint(1, 40) if rng.random() < 0.25 else None
    return details.address_for(place, n, unit)
