"""Legitimate people whose data looks like the operation's infrastructure, and what they share.

Public reporting names the scheme's tells: many applications, several jobs held at once, one
shipping address or payout account behind many hires, one home IP signing in to several
employers, a name and address that are a real person's. Ordinary people show each of them:
- ``high_volume``: job-board easy-apply to 20 to 150 employers in a few weeks, one resume;
- ``over_employed``: two or three remote jobs at once from one home, one account, one IP;
- ``mail_forwarder``: the laptop shipped to a commercial virtual mailbox that many use;
- ``eor_payroll``: paid through an employer of record whose account many contractors share;
- ``family``: a household hired at several employers, one home, one joint account, one IP;
- ``relocated``: a claimed home that changes once, part-way through a search;
- ``identity_theft_victim``: a real applicant whose name, home and LinkedIn a persona borrows.
This module holds the shared things (mailboxes, platform accounts, households, borrowed
identities); ``legit`` decides who has them.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Final

from fauxhire_lab.world import details, pools
from fauxhire_lab.world.model import Person
from fauxhire_lab.world.pools import Egress, Place
from fauxhire_lab.world.spec import WorldSpec

LEGIT_NUMBER: Final = 1_000_000  # a legitimate person's number: 1,000,000 + their index
HIGH_VOLUME: Final = (20, 150)  # applications of one spray-and-pray search
EASY_APPLY: Final = ("LinkedIn Easy Apply", "Indeed Apply", "ZipRecruiter 1-Click Apply")
EOR_SHARERS: Final = 40  # contractors behind one employer-of-record account, on average

# Towns where virtual-mailbox and mail-forwarding businesses cluster (no income tax, easy
# domicile); the streets are invented. How a mailbox is written: the building and a suite
# every customer shares ("suite"), a box of one's own after "#" ("hash"), or a private
# mailbox number after the suite ("pmb"). Some customers leave their box out.
MAILBOX_PLACES: Final = (
    Place("Sioux Falls", "SD", "US", "57104", -6, "605"),
    Place("Livingston", "TX", "US", "77351", -6, "936"),
    Place("Green Cove Springs", "FL", "US", "32043", -5, "904"),
    Place("Sheridan", "WY", "US", "82801", -7, "307"),
    Place("Wilmington", "DE", "US", "19801", -5, "302"),
    Place("Reno", "NV", "US", "89501", -8, "775"),
    Place("Dover", "DE", "US", "19901", -5, "302"),
    Place("Henderson", "NV", "US", "89074", -8, "702"),
)
_STYLES: Final = ("suite", "hash", "pmb")
_SUITES: Final = ("R", "100", "B", "210", "300", "A")


@dataclass(frozen=True, slots=True)
class Mailbox:
    place: Place
    street: str  # "2450 Harbor Blvd"
    suite: str
    style: str  # suite | hash | pmb

    def address(self, rng: random.Random, number: int) -> str:
        """One customer's mailbox as they write it; ``number`` gives their box."""
        box = 10_000 + (number * 7_919) % 90_000  # distinct for 90,000 customers
        suite = f"{'Suite' if rng.random() < 0.3 else 'Ste'} {self.suite}"
        omit = rng.random() < 0.15
        if self.style == "suite":
            line = f"{self.street}, {suite}"
        elif self.style == "hash":
            line = self.street if omit else f"{self.street} #{box}"
        else:
            line = f"{self.street}, {suite}" + ("" if omit else f", PMB {box}")
        p = self.place
        return f"{line}, {p.city}, {p.region} {p.postcode}, US"


def make_mailboxes(spec: WorldSpec) -> list[Mailbox]:
    """A few buildings, one more for every 100,000 applicants."""
    count = min(len(MAILBOX_PLACES), 3 + spec.legitimate // 100_000)
    return [
        Mailbox(
            place=MAILBOX_PLACES[i],
            street=f"{120 + 337 * i} {pools.STREETS[(7 * i + 3) % len(pools.STREETS)]} "
            f"{pools.STREET_TYPES[i % 9]}",
            suite=_SUITES[i % len(_SUITES)],
            style=_STYLES[i % len(_STYLES)],
        )
        for i in range(count)
    ]


def make_eor_accounts(spec: WorldSpec) -> list[str]:
    """The collection accounts of employer-of-record platforms, tens of contractors each."""
    expected = spec.legitimate * spec.hard_case_rates["eor_payroll"]
    return [_fingerprint(f"eor:{i}") for i in range(max(2, round(expected / EOR_SHARERS)))]


def _fingerprint(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@dataclass(slots=True)
class Household:
    """A family whose members are still being made: one home, one joint account, one IP."""

    place: Place
    address: str
    name_pool: str
    last: str
    account: str
    ip: str
    left: int  # members still to come


def make_household(head: Person, n: int, members: int) -> Household:
    return Household(
        place=head.place,
        address=head.address,
        name_pool=head.name_pool,
        last=head.last,
        account=_fingerprint(f"{head.identity_id}:joint"),
        ip=home_ip(head, n),
        left=members - 1,
    )


def home_line(person: Person) -> Egress:
    """The residential block a legitimate person's home connects through."""
    for egress in person.egress:
        if egress.kind == "residential":
            return egress
    return pools.RESIDENTIAL.get(person.place.country, pools.RESIDENTIAL["US"])


def home_ip(person: Person, n: int) -> str:
    """One fixed address of the person's home line (their router)."""
    return details.host_in(home_line(person), 2_000_003 * (n + 1))


def destination(rng: random.Random, place: Place) -> Place:
    """Where a relocating person moves: another city of their country, or the US."""
    same = [
        p
        for p in (*pools.US_PLACES, *pools.ABROAD_PLACES)
        if p.country == place.country and p != place
    ]
    return rng.choice(same or pools.US_PLACES)


@dataclass(frozen=True, slots=True)
class Borrowed:
    """A legitimate applicant's identity that a persona presents as its own."""

    index: int  # the victim among legitimate people (their identity is p-<index + 1>)
    persona_id: str
    name_pool: str
    first: str
    last: str
    common: bool
    place: Place
    address: str
    linkedin: str

    @property
    def victim_id(self) -> str:
        return f"p-{self.index + 1}"


def borrow_identity(
    rng: random.Random, spec: WorldSpec, persona_id: str, taken: set[int]
) -> Borrowed | None:
    """A legitimate applicant (US-based, as the scheme's stolen identities are) whose name, home
    and LinkedIn profile the persona will present; None when too few applicants are left."""
    if len(taken) >= spec.legitimate // 2:
        return None
    index = rng.randrange(spec.legitimate)
    while index in taken:
        index = rng.randrange(spec.legitimate)
    taken.add(index)
    pool, first, last, common = details.draw_name(rng, spec.hard_case_rates["common_name"])
    place = rng.choice(pools.US_PLACES)
    unit = rng.randint(1, 40) if rng.random() < 0.25 else None
    return Borrowed(
        index=index,
        persona_id=persona_id,
        name_pool=pool,
        first=first,
        last=last,
        common=common,
        place=place,
        address=details.address_for(place, index, unit),
        linkedin=details.linkedin_for(first, last, LEGIT_NUMBER + index),
    )
