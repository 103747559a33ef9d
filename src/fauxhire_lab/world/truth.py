"""The truth folder (docs/truth.md): what really happened, kept apart from the input folder."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

import orjson

from fauxhire.domain.sectors import is_tech, naics_sector
from fauxhire_lab.world.model import Application, Person
from fauxhire_lab.world.operation import Network

APPLICATION_COLUMNS = [
    "company_id",
    "application_id",
    "candidate_id",
    "identity_id",
    "network_id",
    "population",
    "hard_cases",
    "interview",
    "applied_at",
    "role",
    "hired",
]
IDENTITY_COLUMNS = [
    "identity_id",
    "population",
    "network_id",
    "worker_id",
    "name_pool",
    "hard_cases",
    "applications",
    "interviews",
    "hires",
    "identity_theft_pair",
]


def _cases(person: Person) -> str:
    return ";".join(sorted(person.hard_cases))


def half_year(app: Application) -> str:
    return f"{app.applied_at.year}-H{1 if app.applied_at.month <= 6 else 2}"


class TruthWriter:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self._apps_fh: IO[str] = (root / "applications.csv").open("w", newline="", encoding="utf-8")
        self._ids_fh: IO[str] = (root / "identities.csv").open("w", newline="", encoding="utf-8")
        self.apps = csv.writer(self._apps_fh, lineterminator="\n")
        self.identities = csv.writer(self._ids_fh, lineterminator="\n")
        self.apps.writerow(APPLICATION_COLUMNS)
        self.identities.writerow(IDENTITY_COLUMNS)
        self.counts: Counter[str] = Counter()
        self.pools: dict[str, Counter[str]] = defaultdict(Counter)

    def application(self, app: Application) -> None:
        p = app.person
        self.apps.writerow(
            [
                app.company.company_id,
                app.application_id,
                app.candidate_id,
                p.identity_id,
                p.network_id,
                p.population,
                _cases(p),
                int(app.interview),
                app.applied_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                app.role,
                int(app.hire is not None),
            ]
        )
        self.counts[f"{p.population}.applications"] += 1
        self.counts[f"{p.population}.interviews"] += app.interview
        self.counts[f"{p.population}.hires"] += app.hire is not None

    def identity(self, p: Person) -> None:
        self.identities.writerow(
            [
                p.identity_id,
                p.population,
                p.network_id,
                p.worker_id,
                p.name_pool,
                _cases(p),
                p.applications,
                p.interviews,
                p.hires,
                p.identity_theft_pair,
            ]
        )
        self.counts[f"{p.population}.identities"] += 1
        self.counts[f"{p.population}.identity_theft_pairs"] += bool(p.identity_theft_pair)
        self.pools[p.population][p.name_pool] += 1
        for case in p.hard_cases:
            self.counts[f"hard_case.{case}"] += 1

    def finish(
        self, networks: list[Network], report: dict[str, Any], world: dict[str, Any]
    ) -> None:
        self._apps_fh.close()
        self._ids_fh.close()
        with (self.root / "networks.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(
                ["network_id", "workers", "identities", "facilitator_addresses", "payout_accounts"]
            )
            for n in networks:
                writer.writerow(
                    [
                        n.network_id,
                        len(n.workers),
                        len(n.personas),
                        len(n.farm_addresses),
                        len(n.payout_accounts),
                    ]
                )
        world = {
            **world,
            "realised": {
                **world.get("realised", {}),
                # in key order: a person's hard cases are a set, whose order varies by process
                **dict(sorted(self.counts.items())),
                "name_pools": {k: dict(v) for k, v in self.pools.items()},
            },
        }
        (self.root / "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        (self.root / "world.json").write_bytes(orjson.dumps(world, option=orjson.OPT_INDENT_2))


def report_figures(
    apps: list[Application], identities: int, period: tuple[str, str]
) -> dict[str, Any]:
    """The campaign report's figures (docs/formats.md sections 11 and 12) over the operation."""
    interviews = [a for a in apps if a.interview]
    companies = {a.company.company_id: a.company for a in interviews}
    by_country = Counter(a.company.country for a in interviews)
    by_sector = Counter(naics_sector(a.company.naics) for a in interviews)
    companies_by_sector = Counter(naics_sector(c.naics) for c in companies.values())
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for a in interviews:
        roles[naics_sector(a.company.naics)][a.role] += 1
    n_int, n_co = len(interviews), len(companies)
    return {
        "period": {"start": period[0], "end": period[1]},
        "identities": identities,
        "interviews": n_int,
        "companies": n_co,
        "interviews_by_country": dict(by_country.most_common()),
        "us_share": {
            "interviews": by_country["US"] / n_int if n_int else 0.0,
            "companies": sum(c.country == "US" for c in companies.values()) / n_co if n_co else 0.0,
        },
        "non_tech_share": {
            "companies": sum(not is_tech(c.naics) for c in companies.values()) / n_co
            if n_co
            else 0.0,
            "interviews": sum(not is_tech(a.company.naics) for a in interviews) / n_int
            if n_int
            else 0.0,
        },
        "interviews_by_sector": dict(sorted(by_sector.items())),
        "companies_by_sector": dict(sorted(companies_by_sector.items())),
        "interviews_by_half_year": dict(sorted(Counter(half_year(a) for a in interviews).items())),
        "ai_interviews_by_half_year": dict(
            sorted(Counter(half_year(a) for a in interviews if a.company.ai).items())
        ),
        "roles_by_sector": {s: dict(sorted(c.items())) for s, c in sorted(roles.items())},
    }
