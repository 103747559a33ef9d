"""The company directory of a world, and the buckets the operation picks its targets from."""

from __future__ import annotations

import random
from collections import defaultdict

from fauxhire_lab.world import pools
from fauxhire_lab.world.model import Company
from fauxhire_lab.world.spec import WorldSpec

_ABROAD = ("GB", "CA", "DE", "NL", "PL", "IN", "SG", "AU", "BR", "JP", "FR", "IE")
_ABROAD_WEIGHTS = (18, 16, 12, 8, 6, 8, 6, 8, 5, 4, 5, 4)


def make_companies(spec: WorldSpec, rng: random.Random) -> list[Company]:
    companies = []
    sectors = list(pools.COMPANY_SECTOR_WEIGHTS)
    weights = list(pools.COMPANY_SECTOR_WEIGHTS.values())
    for i in range(spec.companies):
        sector = rng.choices(sectors, weights)[0]
        country = (
            "US"
            if rng.random() < spec.us_company_share
            else rng.choices(_ABROAD, _ABROAD_WEIGHTS)[0]
        )
        word = pools.COMPANY_WORDS[i % len(pools.COMPANY_WORDS)]
        suffix = rng.choice(pools.COMPANY_SUFFIX[sector])
        name = f"{word} {suffix} {i // len(pools.COMPANY_WORDS) + 1}"
        slug = name.lower().replace(" ", "-")
        tags = _tags(rng, sector, country)
        companies.append(
            Company(
                company_id=f"c-{i + 1:05d}",
                name=name,
                domain=f"{slug}.example.com",
                country=country,
                naics=rng.choice(pools.SECTORS[sector].naics),
                sector=sector,
                tags=tags,
                ats=rng.choices(list(spec.ats_weights), list(spec.ats_weights.values()))[0],
                idp=rng.choices(list(spec.idp_weights), list(spec.idp_weights.values()))[0],
                zoom=rng.random() < spec.zoom_share,
            )
        )
    return companies


def _tags(rng: random.Random, sector: str, country: str) -> tuple[str, ...]:
    tags = []
    if sector == "tech" and rng.random() < 0.22:
        tags.append("ai")
    if sector == "healthcare" and rng.random() < 0.4:
        tags.append("medtech")
    if sector == "finance" and rng.random() < 0.4:
        tags.append("fintech")
        if rng.random() < 0.3:
            tags.append("crypto")
    if sector in ("tech", "professional") and country == "US" and rng.random() < 0.1:
        tags.append("gov-contractor")
    return tuple(tags)


class Targets:
    """The operation's choice of employer: country, then sector, then the least-used company
    of that bucket, so interviews spread over many companies as public reporting describes."""

    def __init__(self, spec: WorldSpec, companies: list[Company], rng: random.Random) -> None:
        self.spec, self.rng = spec, rng
        self.buckets: dict[tuple[bool, str, bool], list[Company]] = defaultdict(list)
        for company in companies:
            key = (company.country == "US", company.sector, company.ai)
            self.buckets[key].append(company)
        for bucket in self.buckets.values():
            rng.shuffle(bucket)
        self.cursor: dict[tuple[bool, str, bool], int] = defaultdict(int)

    def pick(self, year: int) -> Company:
        us = self.rng.random() < self.spec.dprk_us_share
        if self.rng.random() < self.spec.dprk_non_tech_share:
            weights = pools.DPRK_NON_TECH_WEIGHTS
            sector = self.rng.choices(list(weights), list(weights.values()))[0]
            ai = False
        else:
            sector = "tech"
            ai = self.rng.random() < self.spec.ai_share_by_year.get(year, 0.3)
        for key in ((us, sector, ai), (us, sector, not ai), (not us, sector, ai)):
            bucket = self.buckets.get(key)
            if bucket:
                company = bucket[self.cursor[key] % len(bucket)]
                self.cursor[key] += 1
                return company
        return self.rng.choice([c for b in self.buckets.values() for c in b])
