"""The operation: operator networks of facilitators and workers, each worker running personas.

Modelled on public reporting (Okta 2025, FBI and Mandiant advisories, Microsoft and Unit 42
write-ups): personas apply widely and interview often; infrastructure is reused within a network
at partial rates, so no single signal decides. Reuse: resume templates with names swapped,
shared phones, email naming patterns, VPN and hosting egress, laptop-farm shipping addresses and
egress IPs, shared payout accounts, referrals between personas, activity hours of UTC+8/+9,
virtual cameras, and contact details that change mid-lifetime. Some personas present a real
applicant's name, home and LinkedIn profile (``lookalikes.Borrowed``). ``operation.stealth``
moves the operation from what public reporting describes towards a careful one.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta

from fauxhire_lab.world import details, pools
from fauxhire_lab.world.applying import Ids, apply, hire
from fauxhire_lab.world.companies import Targets
from fauxhire_lab.world.lookalikes import Borrowed, borrow_identity
from fauxhire_lab.world.model import Application, Company, Person
from fauxhire_lab.world.spec import WorldSpec

_VIRTUAL_CAMERAS = ("OBS Virtual Camera", "ManyCam Virtual Webcam", "XSplit VCam")
_ROLES = ("software_engineering", "mobile_development", "web_frontend", "data_ai")


@dataclass(slots=True)
class Network:
    network_id: str
    phones: list[str]
    farm_addresses: list[str]
    farm_ips: list[str]
    payout_accounts: list[str]
    template: str
    email_style: int
    pc_prefix: str
    workers: list[str] = field(default_factory=list)
    personas: list[Person] = field(default_factory=list)


def make_operation(
    spec: WorldSpec, companies: list[Company], ids: Ids
) -> tuple[list[Network], list[Application], dict[int, Borrowed]]:
    """The networks, their applications, and the identities borrowed from legitimate
    applicants (by the victim's index among them)."""
    rng = random.Random(f"{spec.seed}:operation")
    # Borrowing and stealth draw from streams of their own: turning them off leaves the
    # operation as it is without them.
    borrow_rng = random.Random(f"{spec.seed}:borrowed")
    stealth_rng = random.Random(f"{spec.seed}:stealth")
    targets = Targets(spec, companies, rng)
    networks: list[Network] = []
    personas: list[Person] = []
    borrowed: dict[int, Borrowed] = {}
    while len(personas) < spec.identities:
        network = _network(rng, len(networks) + 1)
        networks.append(network)
        for _ in range(rng.randint(*spec.workers_per_network)):
            worker = f"w-{sum(len(n.workers) for n in networks) + 1}"
            network.workers.append(worker)
            for _ in range(rng.randint(*spec.personas_per_worker)):
                if len(personas) == spec.identities:
                    break
                persona = _persona(rng, stealth_rng, spec, network, worker, len(personas))
                if borrow_rng.random() < spec.operation["borrowed_identities"]:
                    victim = borrow_identity(borrow_rng, spec, persona.identity_id, set(borrowed))
                    if victim is not None:
                        _present(persona, victim, network, len(personas))
                        borrowed[victim.index] = victim
                network.personas.append(persona)
                personas.append(persona)
    apps: list[Application] = []
    per_persona = spec.dprk_interviews * spec.scale / spec.dprk_interview_rate / len(personas)
    per_persona *= 1 - 0.6 * spec.operation["stealth"]
    for network in networks:  # the order personas were made in
        for persona in network.personas:
            apps += _applications(rng, spec, ids, targets, network, persona, per_persona)
    return networks, apps, borrowed


def _network(rng: random.Random, n: int) -> Network:
    farm_places = rng.sample(pools.US_PLACES, 2)
    return Network(
        network_id=f"n-{n}",
        phones=[
            details.phone_for(rng.choice(pools.US_PLACES), 8_000_000 + n * 10 + i)
            for i in range(rng.randint(1, 3))
        ],
        farm_addresses=[
            details.address_for(p, 7_000_000 + n * 10 + i) for i, p in enumerate(farm_places)
        ],
        farm_ips=[
            details.host_in(pools.RESIDENTIAL["US"], 5_000_000 + n * 10 + i)
            for i in range(rng.randint(2, 4))
        ],
        payout_accounts=[
            hashlib.blake2b(f"n{n}:{i}".encode(), digest_size=12).hexdigest()
            for i in range(rng.randint(1, 3))
        ],
        template=rng.choice(details.TEMPLATES),
        email_style=rng.randrange(4),
        pc_prefix=f"DESKTOP-{rng.getrandbits(16):04X}",
    )


def _persona(
    rng: random.Random,
    stealth_rng: random.Random,
    spec: WorldSpec,
    network: Network,
    worker: str,
    n: int,
) -> Person:
    stealth = spec.operation["stealth"]
    pool, first, last, common = details.draw_name(rng, spec.hard_case_rates["common_name"])
    place = rng.choice(pools.US_PLACES) if rng.random() < 0.85 else rng.choice(pools.ABROAD_PLACES)
    role = rng.choice(_ROLES)
    title = pools.ROLE_TITLES[role][0]
    employment, education = details.history(rng, title)
    number = 3_000_000 + n
    provider = rng.choice(("gmail.com", "outlook.com", "proton.me"))
    emails = [details.email_for(first, last, number, network.email_style, provider)]
    own_phone = details.phone_for(place, 6_000_000 + n)
    shared_phone = rng.random() < 0.35 * (1 - 0.8 * stealth)
    phones = [rng.choice(network.phones)] if shared_phone else [own_phone]
    if stealth_rng.random() < 0.8 * stealth:  # a resume of its own, not the network's
        resume = details.resume_for(stealth_rng, f"{first} {last}", title, employment, education)
    else:  # the template with the name swapped: near-duplicates across the network
        template_rng = random.Random(f"{network.network_id}:resume")
        resume = details.resume_for(
            template_rng, f"{first} {last}", title, employment, education, network.template
        )
    persona = Person(
        identity_id=f"x-{n + 1}",
        population="dprk",
        name_pool=pool,
        first=first,
        last=last,
        middle="",
        place=place,
        emails=emails,
        phones=phones,
        address=details.address_for(place, 4_000_000 + n),
        urls=details.profile_urls(first, last, number, rng, True),
        role=role,
        resume=resume,
        education=education,
        employment=employment,
        hard_cases={"common_name"} if common else set(),
        network_id=network.network_id,
        worker_id=worker,
        active_offset=rng.choice((8, 9)),
        camera=rng.choice(_VIRTUAL_CAMERAS) if rng.random() < 0.4 else "Integrated Webcam",
        pc_name=network.pc_prefix if rng.random() < 0.5 else f"DESKTOP-{rng.getrandbits(16):04X}",
    )
    persona.egress = _egress(rng, stealth)
    if rng.random() < 0.6:
        persona.egress_ips = tuple(rng.sample(network.farm_ips, 1))
    if rng.random() < 0.3:  # a new email and phone half-way through its lifetime
        persona.later_emails = [
            details.email_for(first, last, number + 500_000, network.email_style + 1, "gmail.com")
        ]
        persona.later_phones = [details.phone_for(place, 6_500_000 + n)]
    return persona


def _present(persona: Person, victim: Borrowed, network: Network, n: int) -> None:
    """The persona takes the victim's name, home and LinkedIn profile; its email addresses,
    phone, resume and egress stay its own."""
    persona.name_pool, persona.first, persona.last = victim.name_pool, victim.first, victim.last
    persona.hard_cases = {"common_name"} if victim.common else set()
    persona.place, persona.address = victim.place, victim.address
    persona.urls = [victim.linkedin, *(u for u in persona.urls if "linkedin" not in u)]
    number = 3_000_000 + n
    provider = persona.emails[0].rpartition("@")[2]
    persona.emails = [
        details.email_for(victim.first, victim.last, number, network.email_style, provider)
    ]
    if persona.later_emails is not None:
        persona.later_emails = [
            details.email_for(
                victim.first, victim.last, number + 500_000, network.email_style + 1, "gmail.com"
            )
        ]
    persona.phones = [
        p if p in network.phones else details.phone_for(victim.place, 6_000_000 + n)
        for p in persona.phones
    ]
    if persona.later_phones is not None:
        persona.later_phones = [details.phone_for(victim.place, 6_500_000 + n)]
    _, _, rest = persona.resume.partition("\n")
    persona.resume = f"{victim.first} {victim.last}\n{rest}"
    persona.identity_theft_pair = victim.victim_id


def _egress(rng: random.Random, stealth: float) -> tuple[pools.Egress, ...]:
    """Where a persona's meetings and sign-ins come from: anonymisers at partial rates; a
    stealthy operation trades Astrill and hosting for residential proxies."""
    vpn = 0.45 - 0.35 * stealth
    hosting = vpn + 0.15 - 0.1 * stealth
    proxy = hosting + 0.15 + 0.4 * stealth
    astrill = 0.7 - 0.5 * stealth
    choice = rng.random()
    if choice < vpn:
        return (pools.VPNS[0] if rng.random() < astrill else rng.choice(pools.VPNS),)
    if choice < hosting:
        return (rng.choice(pools.HOSTING),)
    if choice < proxy:
        return (pools.RESIDENTIAL_PROXY,)
    return (pools.RESIDENTIAL["US"],)


def _applications(
    rng: random.Random,
    spec: WorldSpec,
    ids: Ids,
    targets: Targets,
    network: Network,
    persona: Person,
    mean: float,
) -> list[Application]:
    # Lifetimes start later more often: the activity rises towards 2025.
    span = (spec.end - spec.start).days
    begin = spec.start + timedelta(days=int(span * (1 - rng.random() ** 1.6) * 0.8))
    lifetime = min(int((spec.end - begin).days), rng.randint(150, 540))
    others = [p for p in network.personas if p is not persona]  # who may refer it
    count = max(5, round(rng.gauss(mean, mean * 0.35)))
    apps = []
    for i in range(count):
        when = begin + timedelta(days=rng.randrange(lifetime), seconds=rng.randrange(86_400))
        company = targets.pick(when.year)
        referrer = rng.choice(others).name if others and rng.random() < 0.08 else None
        roles = pools.SECTORS[company.sector].dprk_roles
        role = rng.choices(list(roles), list(roles.values()))[0]
        interview = rng.random() < spec.dprk_interview_rate
        late = persona.later_emails is not None and when > begin + timedelta(days=lifetime // 2)
        app = apply(
            rng,
            ids,
            persona,
            company,
            when,
            role=role,
            interview=interview,
            source=rng.choice(pools.SOURCES),
            referred_by=referrer,
            drift=0.5,
            late=late,
        )
        if interview and rng.random() < spec.dprk_hire_rate:
            _hire_persona(rng, ids, app, network, persona, i)
        apps.append(app)
    apps.sort(key=lambda a: a.applied_at)
    persona.applications = len(apps)
    persona.interviews = sum(a.interview for a in apps)
    return apps


def _hire_persona(
    rng: random.Random, ids: Ids, app: Application, network: Network, persona: Person, i: int
) -> None:
    """A persona hired: equipment mostly to a farm, pay mostly into the network's accounts."""
    farm = network.farm_addresses
    if rng.random() < 0.7:
        shipping = rng.choice(farm)
    elif persona.identity_theft_pair:  # never to the home of the identity's victim
        shipping = farm[i % len(farm)]
    else:
        shipping = persona.address
    account = (
        rng.choice(network.payout_accounts)
        if rng.random() < 0.6
        else hashlib.blake2b(f"{persona.identity_id}:{i}".encode(), digest_size=12).hexdigest()
    )
    method = rng.choice(("payoneer", "wise", "crypto", "bank"))
    hire(
        rng,
        ids,
        app,
        shipping=shipping,
        payout=(method, account),
        device=f"LT-{rng.getrandbits(24):06X}",
    )
