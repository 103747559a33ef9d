"""A small demo world written twice: as an input folder and as its truth folder (docs/truth.md).

Seventeen identities over four companies, thirty-seven applications, no randomness, so a test
can compute every score by hand:

- networks ``n-1`` (personas x-01, x-02, x-03) and ``n-2`` (x-04, x-05): 13 applications;
- legitimate people p-01 to p-12: 24 applications; p-01 to p-06 are hard cases (p-02 and p-03
  share an address; p-04 is both ``vpn`` and ``night_owl``), p-07 to p-12 are plain;
- an identity's first and third applications are interviews.

``perfect_links`` / ``perfect_assessments`` are the outputs a perfect pipeline would store.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fauxhire.domain.levels import estimative_level
from fauxhire.store.outputs import AssessmentRow, Link

# company_id, name, domain, country, naics, tags, job title, role category
COMPANIES = (
    ("c-01", "Northwind Analytics", "northwind.example.com", "US", "541511", "ai",
     "Backend Engineer", "software_engineering"),
    ("c-02", "Bluefin Health", "bluefin.example.org", "US", "621111", "medtech",
     "Mobile Developer", "mobile_development"),
    ("c-03", "Ledgerline Payments", "ledgerline.example.com", "GB", "522320", "fintech",
     "Payroll Specialist", "payroll"),
    ("c-04", "Harbor Lines", "harbor.example.com", "DE", "484121", "",
     "IT Support Technician", "it_support"),
)  # fmt: skip
SECTORS = {"541511": "54", "621111": "62", "522320": "52", "484121": "48-49"}

# identity_id, network_id, hard cases, the companies it applies to (one application each)
IDENTITIES = (
    ("x-01", "n-1", "", "c-01 c-02 c-03"),
    ("x-02", "n-1", "", "c-01 c-02 c-04"),
    ("x-03", "n-1", "", "c-02 c-03"),
    ("x-04", "n-2", "", "c-01 c-03 c-04"),
    ("x-05", "n-2", "", "c-02 c-04"),
    ("p-01", "", "agency", "c-01 c-02"),
    ("p-02", "", "shared_address", "c-01 c-03"),
    ("p-03", "", "shared_address", "c-02 c-03"),
    ("p-04", "", "night_owl;vpn", "c-01 c-04"),
    ("p-05", "", "common_name", "c-03 c-04"),
    ("p-06", "", "wrongly_reported", "c-01 c-02 c-03"),
    ("p-07", "", "", "c-01 c-02"),
    ("p-08", "", "", "c-02 c-04"),
    ("p-09", "", "", "c-03"),
    ("p-10", "", "", "c-01 c-03 c-04"),
    ("p-11", "", "", "c-04"),
    ("p-12", "", "", "c-02 c-03"),
)
START = datetime(2024, 1, 10, tzinfo=UTC)
APPLICATIONS_HEADER = [
    "company_id", "application_id", "candidate_id", "identity_id", "network_id", "population",
    "hard_cases", "interview", "applied_at", "role", "hired",
]  # fmt: skip
IDENTITIES_HEADER = [
    "identity_id", "population", "network_id", "worker_id", "name_pool", "hard_cases",
    "applications", "interviews", "hires",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class TruthApp:
    company_id: str
    application_id: str
    identity_id: str
    network_id: str  # "" for legitimate people
    population: str
    hard_cases: str
    interview: bool
    applied_at: datetime

    @property
    def company(self) -> tuple[str, ...]:
        return next(c for c in COMPANIES if c[0] == self.company_id)


def population(identity_id: str) -> str:
    return "dprk" if identity_id.startswith("x-") else "legitimate"


def truth_apps() -> list[TruthApp]:
    apps: list[TruthApp] = []
    for identity_id, network_id, cases, companies in IDENTITIES:
        for i, company_id in enumerate(companies.split()):
            apps.append(
                TruthApp(
                    company_id=company_id,
                    application_id=f"a-{identity_id}-{i}",
                    identity_id=identity_id,
                    network_id=network_id,
                    population=population(identity_id),
                    hard_cases=cases,
                    interview=i % 2 == 0,
                    applied_at=START + timedelta(days=45 * len(apps)),
                )
            )
    return apps


def report_figures(apps: list[TruthApp]) -> dict[str, Any]:
    """docs/formats.md section 11 figures over the dprk identities (section 12 definitions)."""
    dprk = [a for a in apps if a.population == "dprk"]
    interviews = [a for a in dprk if a.interview]
    companies = {a.company_id: a.company for a in interviews}

    def half(a: TruthApp) -> str:
        return f"{a.applied_at.year}-H{1 if a.applied_at.month <= 6 else 2}"

    def tech(company: tuple[str, ...]) -> bool:
        return company[4].startswith("51") or company[4].startswith("5415")

    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for a in interviews:
        roles[SECTORS[a.company[4]]][a.company[7]] += 1
    n, k = len(interviews), len(companies)
    return {
        "period": {"start": dprk[0].applied_at.isoformat(), "end": dprk[-1].applied_at.isoformat()},
        "identities": len({a.identity_id for a in dprk}),
        "interviews": n,
        "companies": k,
        "interviews_by_country": dict(Counter(a.company[3] for a in interviews)),
        "us_share": {
            "interviews": sum(a.company[3] == "US" for a in interviews) / n,
            "companies": sum(c[3] == "US" for c in companies.values()) / k,
        },
        "non_tech_share": {
            "companies": sum(not tech(c) for c in companies.values()) / k,
            "interviews": sum(not tech(a.company) for a in interviews) / n,
        },
        "interviews_by_sector": dict(Counter(SECTORS[a.company[4]] for a in interviews)),
        "companies_by_sector": dict(Counter(SECTORS[c[4]] for c in companies.values())),
        "interviews_by_half_year": dict(Counter(half(a) for a in interviews)),
        "ai_interviews_by_half_year": dict(
            Counter(half(a) for a in interviews if "ai" in a.company[5])
        ),
        "roles_by_sector": {sector: dict(counts) for sector, counts in roles.items()},
    }


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_truth(root: Path) -> dict[str, Any]:
    """The truth folder; the report figures written to its report.json."""
    apps = truth_apps()
    _write_csv(
        root / "applications.csv",
        APPLICATIONS_HEADER,
        [
            [a.company_id, a.application_id, f"cand-{a.identity_id}", a.identity_id,
             a.network_id, a.population, a.hard_cases, int(a.interview),
             a.applied_at.strftime("%Y-%m-%dT%H:%M:%SZ"), a.company[7], 0]
            for a in apps
        ],
    )  # fmt: skip
    _write_csv(
        root / "identities.csv",
        IDENTITIES_HEADER,
        [
            [identity_id, population(identity_id), network_id,
             "w-1" if network_id else "", "common", cases, len(companies.split()),
             (len(companies.split()) + 1) // 2, 0]
            for identity_id, network_id, cases, companies in IDENTITIES
        ],
    )  # fmt: skip
    networks = Counter(n for _, n, _, _ in IDENTITIES if n)
    _write_csv(
        root / "networks.csv",
        ["network_id", "workers", "identities", "facilitator_addresses", "payout_accounts"],
        [[n, 1, count, 1, 1] for n, count in sorted(networks.items())],
    )
    report = report_figures(apps)
    (root / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def write_input(root: Path) -> None:
    """companies.csv and one canonical applications file (docs/formats.md sections 2 and 5)."""
    _write_csv(
        root / "companies.csv",
        ["company_id", "name", "domain", "country", "naics", "tags"],
        [list(c[:6]) for c in COMPANIES],
    )
    lines = []
    for a in truth_apps():
        first, last = a.identity_id.split("-")
        lines.append({
            "company_id": a.company_id, "application_id": a.application_id,
            "candidate_id": f"cand-{a.identity_id}",
            "applied_at": a.applied_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "job_title": a.company[6],
            "stage": "Technical Interview" if a.interview else "Application Received",
            "first_name": f"Person{first.upper()}", "last_name": f"Number{last}",
            "emails": [f"{a.identity_id}@example.com"],
        })  # fmt: skip
    path = root / "applications" / "world.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


def perfect_links() -> list[Link]:
    return [
        Link(a.company_id, a.application_id, a.identity_id, a.network_id or None)
        for a in truth_apps()
    ]


def assessment(identity_id: str, probability: float, network_id: str | None) -> AssessmentRow:
    return AssessmentRow(
        "identity", identity_id, network_id, probability, estimative_level(probability), []
    )


def perfect_assessments() -> list[AssessmentRow]:
    return [
        assessment(identity_id, 0.99 if network_id else 0.01, network_id or None)
        for identity_id, network_id, _, _ in IDENTITIES
    ]


if __name__ == "__main__":
    import sys

    write_truth(Path(sys.argv[1]) / "truth")
    write_input(Path(sys.argv[1]) / "input")
