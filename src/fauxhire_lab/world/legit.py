"""The legitimate population: ordinary applicants and the hard cases that make systems cry wolf.

People are made in blocks of a fixed size, each from its own random stream, so a world of a
million applicants is generated in bounded memory and the same seed always gives the same world.
The look-alikes of the scheme's tells (high volume, several jobs, mailboxes, employers of
record, families, moves, borrowed identities) are described in ``lookalikes``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

from fauxhire_lab.world import details, pools
from fauxhire_lab.world.applying import Ids, apply, hire
from fauxhire_lab.world.lookalikes import (
    EASY_APPLY,
    HIGH_VOLUME,
    LEGIT_NUMBER,
    Borrowed,
    Household,
    destination,
    home_ip,
    make_eor_accounts,
    make_household,
    make_mailboxes,
)
from fauxhire_lab.world.model import Application, Company, Person
from fauxhire_lab.world.person_draws import draw_address, draw_cases, draw_emails, draw_name
from fauxhire_lab.world.pools import Place
from fauxhire_lab.world.spec import WorldSpec

BLOCK = 5_000
FAMILY = (2, 3)  # members of a hired household
# Look-alikes an ordinary person may be (several at once); families are made apart.
_MIDDLES = "ABCDEFGHJKLMNPRSTW"
_AGENCIES = (
    "Apex Talent",
    "BrightPath Staffing",
    "TechBridge Recruiting",
    "Summit Placement",
    "NextHire Partners",
    "Keystone Staffing",
    "Vector Talent Group",
    "Prime Tech Staff",
)


class Legit:
    def __init__(
        self,
        spec: WorldSpec,
        companies: list[Company],
        ids: Ids,
        borrowed: Mapping[int, Borrowed] | None = None,
    ) -> None:
        self.spec, self.ids = spec, ids
        self.borrowed = dict(borrowed or {})  # victim's index -> what a persona borrows
        self.mailboxes = make_mailboxes(spec)
        self.eor_accounts = make_eor_accounts(spec)
        # A household starts at this rate per person not yet in one, so that its members are
        # the family rate of all people: f = m p / (1 + (m - 1) p) for m members on average.
        rate, mean = spec.hard_case_rates["family"], sum(FAMILY) / 2
        self.family_start = rate / (mean - (mean - 1) * rate)
        self.us = [c for c in companies if c.country == "US"]
        self.abroad = [c for c in companies if c.country != "US"] or self.us
        self.by_country: dict[str, list[Company]] = {}
        for company in companies:
            self.by_country.setdefault(company.country, []).append(company)
        n_agencies = max(3, spec.legitimate // 2_000)
        self.agencies = [
            (
                f"{_AGENCIES[i % len(_AGENCIES)]} {i // len(_AGENCIES) + 1}",
                f"submissions{i + 1}@{_AGENCIES[i % len(_AGENCIES)].replace(' ', '').lower()}.test",
                details.phone_for(pools.US_PLACES[i % len(pools.US_PLACES)], 9_000_000 + i),
            )
            for i in range(n_agencies)
        ]
        n_nats = max(2, spec.legitimate // 5_000)
        self.nat_ips = [
            details.host_in(pools.CAMPUS_NAT if i % 2 == 0 else pools.COWORKING, 17 + i)
            for i in range(n_nats)
        ]
        self._reach: dict[str, list[Company]] = {}  # country -> local and US companies

    def blocks(self) -> Iterator[tuple[list[Person], list[Application]]]:
        for start in range(0, self.spec.legitimate, BLOCK):
            yield self.block(start, min(BLOCK, self.spec.legitimate - start))

    def block(self, start: int, size: int) -> tuple[list[Person], list[Application]]:
        rng = random.Random(f"{self.spec.seed}:legit:{start}")
        people: list[Person] = []
        apps: list[Application] = []
        household: tuple[str, int] | None = None  # (address, members still to come)
        family: Household | None = None
        end = start + size
        for n in range(start, end):
            victim = self.borrowed.get(n)
            if family is not None and family.left > 0:
                family.left -= 1
                person = self._person(rng, n, family=family)
            else:
                members = self._family_size(rng, n, end) if victim is None else 0
                person = self._person(rng, n, victim=victim, head=members > 0)
                family = make_household(person, n, members) if members else None
                if family is not None:
                    _join(person, family)
            rates = self.spec.hard_case_rates
            # A victim's home is what a persona borrows; a family's home and a mailbox are no
            # home to share with roommates.
            movable = victim is None and not person.hard_cases & {"family", "mail_forwarder"}
            if movable and rng.random() < rates["shared_address"]:
                if household is None or household[1] == 0:
                    household = (person.address, rng.randint(1, 3))
                else:
                    person.address = household[0]
                    household = (household[0], household[1] - 1)
                person.hard_cases.add("shared_address")
            people.append(person)
            apps += self._applications(rng, person, n)
        _untag_lonely_households(people)
        return people, apps

    def _family_size(self, rng: random.Random, n: int, end: int) -> int:
        """The members of a household starting at person ``n`` (0 for none): all within the
        block, none of them someone whose identity a persona borrows."""
        if rng.random() >= self.family_start:
            return 0
        members = rng.randint(*FAMILY)
        if n + members > end or any(m in self.borrowed for m in range(n, n + members)):
            return 0
        return members

    def _person(
        self,
        rng: random.Random,
        n: int,
        *,
        victim: Borrowed | None = None,
        family: Household | None = None,
        head: bool = False,
    ) -> Person:
        rates = self.spec.hard_case_rates
        pool, first, last, common = draw_name(rng, rates, victim, family)
        cases = draw_cases(rng, rates, common, victim, family, head=head)
        place = self._place(rng, cases, victim, family)
        role = rng.choices(list(pools.ROLE_TITLES), _ROLE_WEIGHTS)[0]
        title = pools.ROLE_TITLES[role][0]
        employment, education = details.history(rng, title)
        template = rng.choice(details.TEMPLATES) if "resume_template" in cases else None
        number = LEGIT_NUMBER + n
        emails = draw_emails(rng, first, last, number)
        address = draw_address(rng, place, n, victim, family)
        urls = details.profile_urls(first, last, number, rng, role not in _NON_TECH_ROLES)
        if victim is not None:  # the profile the persona points to is theirs
            urls = [victim.linkedin, *(u for u in urls if "linkedin" not in u)]
        person = Person(
            identity_id=f"p-{n + 1}",
            population="legitimate",
            name_pool=pool,
            first=first,
            last=last,
            middle=rng.choice(_MIDDLES) if rng.random() < 0.3 else "",
            place=place,
            emails=emails,
            phones=[details.phone_for(place, n)],
            address=address,
            urls=urls,
            role=role,
            resume=details.resume_for(
                rng, f"{first} {last}", title, employment, education, template
            ),
            education=education,
            employment=employment,
            hard_cases=cases,
            identity_theft_pair=victim.persona_id if victim is not None else "",
        )
        self._connect(rng, person)
        if rng.random() < self.spec.hard_case_rates["agency"]:
            person.agency = rng.choice(self.agencies)
            person.hard_cases.add("agency")
        if family is not None:
            _join(person, family)
        self._lookalike_infrastructure(rng, person, n)
        return person

    def _place(
        self,
        rng: random.Random,
        cases: set[str],
        victim: Borrowed | None,
        family: Household | None,
    ) -> Place:
        if victim is not None:
            return victim.place
        if family is not None:
            return family.place
        if "overseas_contractor" in cases or ("eor_payroll" in cases and rng.random() < 0.5):
            return rng.choice(pools.ABROAD_PLACES)
        if "vpn" in cases and rng.random() < 0.4:
            return rng.choice(pools.CHINA_PLACES)  # an expat behind Astrill
        if rng.random() < self.spec.us_applicant_share:
            return rng.choice(pools.US_PLACES)
        return rng.choice(pools.ABROAD_PLACES)

    def _lookalike_infrastructure(self, rng: random.Random, person: Person, n: int) -> None:
        """The home IP, mailbox and platform account of the look-alikes that have them."""
        cases = person.hard_cases
        if "over_employed" in cases:
            person.egress_ips = (home_ip(person, n),)
        if "eor_payroll" in cases:
            person.payout = ("bank", rng.choice(self.eor_accounts))
        if "mail_forwarder" in cases:
            mailbox = rng.choice(self.mailboxes)
            person.shipping = mailbox.address(rng, LEGIT_NUMBER + n)
            if rng.random() < 0.3:  # the mailbox is their address of record everywhere
                person.address, person.place = person.shipping, mailbox.place
                cases.discard("relocated")

    def _connect(self, rng: random.Random, person: Person) -> None:
        home = pools.RESIDENTIAL.get(person.place.country, pools.RESIDENTIAL["US"])
        person.egress = (home,)
        person.active_offset = person.place.utc_offset
        if "vpn" in person.hard_cases:
            vpn = pools.VPNS[0] if person.place.country == "CN" else rng.choice(pools.VPNS)
            person.egress = (vpn, home) if person.place.country != "CN" else (vpn,)
        if "shared_nat" in person.hard_cases:
            person.egress_ips = (rng.choice(self.nat_ips),)
        if "night_owl" in person.hard_cases:
            person.active_offset = person.place.utc_offset - 9  # works 9 hours "later" than day
        person.camera = rng.choice(("Integrated Webcam", "FaceTime HD Camera", "Logitech C920"))

    def _applications(self, rng: random.Random, person: Person, n: int) -> list[Application]:
        spec, cases = self.spec, person.hard_cases
        companies = self._companies(rng, person)
        span = (spec.end - spec.start).days - 90
        begin = spec.start + timedelta(days=rng.randrange(span), seconds=rng.randrange(86_400))
        search = rng.randint(14, 60) if "high_volume" in cases else 60  # days
        dates = sorted(
            begin + timedelta(days=rng.randrange(search), seconds=rng.randrange(86_400))
            for _ in companies
        )
        if "relocated" in cases:
            if dates[0] < dates[-1]:
                self._move(rng, person, n, dates[0] + (dates[-1] - dates[0]) / 2)
            else:
                cases.discard("relocated")  # one application, or one moment: no move to see
        hires = _hires_wanted(rng, cases)
        forced = set(rng.sample(range(len(companies)), min(hires, len(companies))))
        volume = "high_volume" in cases
        interview_rate = spec.legit_interview_rate * (0.4 if volume else 1.0)
        apps = []
        hired = False
        for i, (company, when) in enumerate(zip(companies, dates, strict=True)):
            interview = i in forced or rng.random() < interview_rate
            app = apply(
                rng,
                self.ids,
                person,
                company,
                when,
                role=person.role,
                interview=interview,
                source=rng.choice(EASY_APPLY if volume else pools.SOURCES),
                referred_by=None,
                drift=0.0 if volume else 1.0,  # one resume, sent as it is
            )
            natural = not forced and interview and not hired
            if i in forced or (natural and rng.random() < spec.legit_hire_rate):
                hired = True
                self._hire(rng, app)
            apps.append(app)
        person.applications = len(apps)
        person.interviews = sum(a.interview for a in apps)
        self.ids.forget(person.identity_id, companies)
        return apps

    def _companies(self, rng: random.Random, person: Person) -> list[Company]:
        """The employers one person applies to, one application each."""
        low, high = self.spec.companies_per_applicant
        cases = person.hard_cases
        abroad_ok = "overseas_contractor" not in cases and person.place.country != "US"
        if "high_volume" in cases:
            least, most = HIGH_VOLUME
            count = round(least * (most / least) ** (rng.random() ** 2))  # most near the least
            return self._distinct(rng, person, count, abroad_ok)
        if "over_employed" in cases:
            return self._distinct(rng, person, rng.randint(3, 5), abroad_ok)
        count = min(high, low + int(rng.expovariate(1.2)))
        if "relocated" in cases:
            count = max(2, count)
        choices: list[Company] = []
        for _ in range(count):
            local = abroad_ok and rng.random() < 0.6
            pool = self.by_country.get(person.place.country, self.abroad) if local else self.us
            choices.append(rng.choice(pool))
        return list(dict.fromkeys(choices))

    def _distinct(
        self, rng: random.Random, person: Person, count: int, abroad_ok: bool
    ) -> list[Company]:
        country = person.place.country if abroad_ok else "US"
        reach = self._reach.get(country)
        if reach is None:
            local = self.by_country.get(country, self.abroad) if abroad_ok else []
            reach = self._reach[country] = list(dict.fromkeys([*local, *self.us]))
        return rng.sample(reach, min(count, len(reach)))

    def _move(self, rng: random.Random, person: Person, n: int, when: datetime) -> None:
        """From ``when`` on the person lives in another city, connects from there, works its
        hours."""
        new = destination(rng, person.place)
        line = pools.RESIDENTIAL.get(new.country, pools.RESIDENTIAL["US"])
        person.moved_at, person.later_place = when, new
        person.later_address = details.address_for(new, 2_000_000 + n)
        person.later_egress = tuple(
            line if egress.kind == "residential" else egress for egress in person.egress
        )
        person.active_offset += new.utc_offset - person.place.utc_offset

    def _hire(self, rng: random.Random, app: Application) -> None:
        person = app.person
        if "overseas_contractor" in person.hard_cases:
            payout = rng.choice(("payoneer", "wise"))
        else:
            payout = "bank" if rng.random() < 0.93 else rng.choice(("paypal", "check"))
        account = hashlib.blake2b(f"{person.identity_id}:acct".encode(), digest_size=12).hexdigest()
        moved = person.moved_at is not None and app.applied_at >= person.moved_at
        home = person.later_address if moved else person.address
        hired = hire(
            rng,
            self.ids,
            app,
            shipping=person.shipping or home,
            payout=person.payout or (payout, account),
            device=f"LT-{rng.getrandbits(24):06X}",
        )
        if "over_employed" in person.hard_cases:
            hired.end = None  # every job held at once
        if rng.random() < self.spec.wrong_reports:
            person.hard_cases.add("wrongly_reported")


def _join(person: Person, family: Household) -> None:
    """A household's member: its home line, and paid into its joint account."""
    person.egress_ips = (family.ip,)
    person.payout = ("bank", family.account)


def _hires_wanted(rng: random.Random, cases: set[str]) -> int:
    """Hires a look-alike must have to be one (0: hired or not, as anyone)."""
    if "over_employed" in cases:
        return rng.randint(2, 3)
    return 1 if cases & {"mail_forwarder", "eor_payroll", "family"} else 0


def _untag_lonely_households(people: list[Person]) -> None:
    """A household that got no second member is not a shared address."""
    counts: dict[str, int] = {}
    for person in people:
        if "shared_address" in person.hard_cases:
            counts[person.address] = counts.get(person.address, 0) + 1
    for person in people:
        if "shared_address" in person.hard_cases and counts[person.address] < 2:
            person.hard_cases.discard("shared_address")


_NON_TECH_ROLES = frozenset({"payroll", "accounting_finance", "health_records", "other"})
_ROLE_WEIGHTS = [8, 3, 3, 3, 2, 1, 1, 2, 1, 1, 1, 2, 1, 2]  # in pools.ROLE_TITLES order
