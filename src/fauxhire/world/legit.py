"""The legitimate population: ordinary applicants and the hard cases that make systems cry wolf.

People are made in blocks of a fixed size, each from its own random stream, so a world of a
million applicants is generated in bounded memory and the same seed always gives the same world.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import timedelta

from fauxhire.world import details, pools
from fauxhire.world.applying import Ids, apply, hire
from fauxhire.world.model import Application, Company, Person
from fauxhire.world.spec import WorldSpec

BLOCK = 5_000
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
    def __init__(self, spec: WorldSpec, companies: list[Company], ids: Ids) -> None:
        self.spec, self.ids = spec, ids
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

    def blocks(self) -> Iterator[tuple[list[Person], list[Application]]]:
        for start in range(0, self.spec.legitimate, BLOCK):
            yield self.block(start, min(BLOCK, self.spec.legitimate - start))

    def block(self, start: int, size: int) -> tuple[list[Person], list[Application]]:
        rng = random.Random(f"{self.spec.seed}:legit:{start}")
        people: list[Person] = []
        apps: list[Application] = []
        household: tuple[str, int] | None = None  # (address, members still to come)
        for n in range(start, start + size):
            person = self._person(rng, n)
            rates = self.spec.hard_case_rates
            if rng.random() < rates["shared_address"]:
                if household is None or household[1] == 0:
                    household = (person.address, rng.randint(1, 3))
                else:
                    person.address = household[0]
                    household = (household[0], household[1] - 1)
                person.hard_cases.add("shared_address")
            people.append(person)
            apps += self._applications(rng, person)
        _untag_lonely_households(people)
        return people, apps

    def _person(self, rng: random.Random, n: int) -> Person:
        rates = self.spec.hard_case_rates
        pool, first, last, common = details.draw_name(rng, rates["common_name"])
        cases = {"common_name"} if common else set()
        for case in ("vpn", "night_owl", "overseas_contractor", "resume_template", "shared_nat"):
            if rng.random() < rates[case]:
                cases.add(case)
        if "overseas_contractor" in cases:
            place = rng.choice(pools.ABROAD_PLACES)
        elif "vpn" in cases and rng.random() < 0.4:
            place = rng.choice(pools.CHINA_PLACES)  # an expat behind Astrill
        elif rng.random() < self.spec.us_applicant_share:
            place = rng.choice(pools.US_PLACES)
        else:
            place = rng.choice(pools.ABROAD_PLACES)
        role = rng.choices(list(pools.ROLE_TITLES), _ROLE_WEIGHTS)[0]
        title = pools.ROLE_TITLES[role][0]
        employment, education = details.history(rng, title)
        template = rng.choice(details.TEMPLATES) if "resume_template" in cases else None
        number = 1_000_000 + n
        emails = [
            details.email_for(
                first, last, number, rng.randrange(4), rng.choice(pools.EMAIL_PROVIDERS)
            )
        ]
        if rng.random() < 0.15:
            emails.append(
                details.email_for(
                    first, last, number, rng.randrange(4) + 1, rng.choice(pools.EMAIL_PROVIDERS)
                )
            )
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
            address=details.address_for(
                place, n, rng.randint(1, 40) if rng.random() < 0.25 else None
            ),
            urls=details.profile_urls(first, last, number, rng, role not in _NON_TECH_ROLES),
            role=role,
            resume=details.resume_for(
                rng, f"{first} {last}", title, employment, education, template
            ),
            education=education,
            employment=employment,
            hard_cases=cases,
        )
        self._connect(rng, person)
        if rng.random() < self.spec.hard_case_rates["agency"]:
            person.agency = rng.choice(self.agencies)
            person.hard_cases.add("agency")
        return person

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

    def _applications(self, rng: random.Random, person: Person) -> list[Application]:
        spec = self.spec
        low, high = spec.companies_per_applicant
        count = min(high, low + int(rng.expovariate(1.2)))
        span = (spec.end - spec.start).days - 90
        begin = spec.start + timedelta(days=rng.randrange(span), seconds=rng.randrange(86_400))
        abroad_ok = "overseas_contractor" not in person.hard_cases and person.place.country != "US"
        choices: list[Company] = []
        for _ in range(count):
            local = abroad_ok and rng.random() < 0.6
            pool = self.by_country.get(person.place.country, self.abroad) if local else self.us
            choices.append(rng.choice(pool))
        companies = list(dict.fromkeys(choices))  # one application per company
        apps = []
        hired = False
        for company in companies:
            when = begin + timedelta(days=rng.randrange(60), seconds=rng.randrange(86_400))
            interview = rng.random() < spec.legit_interview_rate
            app = apply(
                rng,
                self.ids,
                person,
                company,
                when,
                role=person.role,
                interview=interview,
                source=rng.choice(pools.SOURCES),
                referred_by=None,
                drift=1.0,
            )
            if interview and not hired and rng.random() < spec.legit_hire_rate:
                hired = True
                self._hire(rng, app)
            apps.append(app)
        person.applications = len(apps)
        person.interviews = sum(a.interview for a in apps)
        self.ids.forget(person.identity_id, companies)
        return apps

    def _hire(self, rng: random.Random, app: Application) -> None:
        person = app.person
        if "overseas_contractor" in person.hard_cases:
            payout = rng.choice(("payoneer", "wise"))
        else:
            payout = "bank" if rng.random() < 0.93 else rng.choice(("paypal", "check"))
        account = hashlib.blake2b(f"{person.identity_id}:acct".encode(), digest_size=12).hexdigest()
        hire(
            rng,
            self.ids,
            app,
            shipping=person.address,
            payout=(payout, account),
            device=f"LT-{rng.getrandbits(24):06X}",
        )
        if rng.random() < self.spec.wrong_reports:
            person.hard_cases.add("wrongly_reported")


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
