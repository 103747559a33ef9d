"""Canonical applications (docs/formats.md section 5) at scale, for benchmarks: streamed and seeded.

``iter_lines(rows, seed=...)`` yields one JSON line an application, in constant memory; the
same arguments give the same bytes. About 3% of rows are a recent applicant applying again at
another company with the same emails, phones and profile URLs (a new per-company candidate id),
so linking has something to find. Values are fictitious: example.com / example.org mailboxes,
+1 NPA 555-01xx and Ofcom drama-range UK numbers, which also means phone numbers repeat across
people at this scale (the fictitious ranges hold about 6,000 numbers).

Run alone to write a file: ``python bench/gen_canonical.py --rows 1000 > apps.jsonl``.
This module imports nothing of fauxhire.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

try:  # orjson is a fauxhire dependency, so it is there under the project venv
    import orjson

    def _dumps(row: dict[str, Any]) -> bytes:
        return orjson.dumps(row) + b"\n"

except ImportError:  # pragma: no cover - plain python3

    def _dumps(row: dict[str, Any]) -> bytes:
        return (json.dumps(row, separators=(",", ":")) + "\n").encode()


VERSION = 1  # bump when the output changes, so cached files are regenerated
START = datetime(2023, 7, 1, tzinfo=UTC)
SPAN_SECONDS = 913 * 86_400  # to the end of 2025
REAPPLY_SHARE = 0.03
RECENT = 5_000  # how far back a re-applicant may come from

# fmt: off
FIRST = (
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Parker",
    "Rowan", "Skyler", "Dakota", "Reese", "Emerson", "Finley", "Harper", "Hayden", "Kendall",
    "Logan", "Marlowe", "Noel", "Oakley", "Peyton", "Remy", "Sage", "Tatum", "Wren", "Blake",
    "Cameron", "Drew", "Elliot", "Frankie", "Hollis", "Indy", "Jules", "Kai", "Lane", "Micah",
    "Sasha", "Ana", "Bo", "Chen", "Dev", "Eun", "Femi", "Gus", "Hiro", "Ines", "Jae",
)
LAST = (
    "Abbott", "Barlow", "Calloway", "Delgado", "Ellison", "Fairbanks", "Galloway", "Hargrove",
    "Iverson", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Pereira",
    "Quintero", "Rasmussen", "Sandoval", "Thornton", "Underwood", "Vasquez", "Whitfield",
    "Yamamoto", "Zielinski", "Ashford", "Brennan", "Castellano", "Dimitrov", "Eriksen",
    "Ferreira", "Gallagher", "Holloway", "Ivanova", "Jovanovic", "Kimura", "Larsen", "Mbeki",
    "Novak", "Ortega", "Park", "Reyes", "Silva", "Tran", "Usman", "Vogel", "Wu", "Young",
)
US_PLACES = (
    ("Austin", "TX", "78701", "512"), ("Seattle", "WA", "98101", "206"),
    ("Denver", "CO", "80202", "303"), ("Chicago", "IL", "60601", "312"),
    ("Boston", "MA", "02108", "617"), ("Atlanta", "GA", "30303", "404"),
    ("Phoenix", "AZ", "85004", "602"), ("Columbus", "OH", "43215", "614"),
    ("Dallas", "TX", "75201", "214"), ("Miami", "FL", "33130", "305"),
    ("New York", "NY", "10001", "212"), ("San Jose", "CA", "95113", "408"),
    ("Portland", "OR", "97204", "503"), ("Raleigh", "NC", "27601", "919"),
)
UK_PLACES = (
    ("London", "EC1A 1BB", "20 7946"), ("Manchester", "M1 1AE", "161 496"),
    ("Birmingham", "B1 1BB", "121 496"),
)
STREETS = ("Example St", "Sample Ave", "Placeholder Rd", "Fictional Blvd", "Demo Lane", "Test Way")
TITLES = (
    "Senior Backend Engineer", "Full Stack Developer", "iOS Engineer", "Android Developer",
    "Frontend Engineer (React)", "Mobile Developer", "Data Engineer", "Data Scientist",
    "Machine Learning Engineer", "AI Engineer", "DevOps Engineer", "Site Reliability Engineer",
    "Cloud Architect", "Security Engineer", "Cloud Security Analyst", "QA Automation Engineer",
    "Software Tester", "IT Support Specialist", "Help Desk Technician", "Salesforce Developer",
    "ServiceNow Developer", "Epic Analyst", "Medical Records Specialist", "Payroll Specialist",
    "Payment Operations Analyst", "Staff Accountant", "Product Designer", "UX Designer",
    "Blockchain Developer", "Technical Writer",
)
STAGES = (  # (stage, is an interview stage, weight)
    ("Application Received", False, 30), ("Application Review", False, 22), ("", False, 3),
    ("Phone Screen", True, 18), ("Technical Interview", True, 14), ("Final Interview", True, 8),
    ("Offer", True, 3), ("Hired", True, 2),
)
SOURCES = ("LinkedIn", "Indeed", "Company website", "Referral", "Wellfound", "Dice", None)
SKILLS = (
    "Python", "Go", "Java", "TypeScript", "React", "Kubernetes", "Terraform", "AWS", "GCP",
    "Azure", "PostgreSQL", "Kafka", "Swift", "Kotlin", "Selenium", "Salesforce", "Figma",
    "Spark", "Airflow", "Django", "Node.js", "Solidity", "Rust", "C#", ".NET", "Flutter",
)
SENTENCES = (
    "Built and operated {skill} services handling millions of requests a day.",
    "Led a migration from a monolith to {skill} microservices with zero downtime.",
    "Mentored four junior engineers and ran the team's code review guild.",
    "Cut cloud spend by {n}% by right-sizing {skill} workloads.",
    "Shipped {n} releases of a consumer app rated 4.8 in the stores.",
    "Designed the data model and APIs for a {skill} billing platform.",
    "Automated regression testing with {skill}, raising coverage to {n}%.",
    "Worked fully remote across US time zones since {year}.",
    "Owned on-call for a {skill} platform serving {n} enterprise customers.",
    "B.Sc. in Computer Science, Example State University, {year}.",
    "Certified {skill} professional; contributor to open-source {skill} tooling.",
)
# fmt: on
STAGE_NAMES = [s for s, _, _ in STAGES]
STAGE_WEIGHTS = [w for _, _, w in STAGES]
INTERVIEW = {s for s, interview, _ in STAGES if interview}
SHARED_RESUMES = 200  # fraud rings reuse resume templates; a few rows share one


class _Person:
    __slots__ = ("address", "claimed", "emails", "first", "last", "phones", "resume", "urls")

    def __init__(self, rng: random.Random, n: int) -> None:
        self.first, self.last = rng.choice(FIRST), rng.choice(LAST)
        low = f"{self.first}.{self.last}".lower()
        self.emails = [f"{low}{n}@{rng.choice(('example.com', 'example.org'))}"]
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            k = len(self.emails)
            self.emails.append(f"{self.first[0]}{self.last}{n}.{k}@example.org".lower())
        if rng.random() < 0.1:
            self.emails[0] = self.emails[0].title()  # mixed case, as people type it
        if rng.random() < 0.85:
            city, state, zipcode, area = rng.choice(US_PLACES)
            self.claimed = f"{city}, {state}, US"
            self.address = (
                f"{rng.randint(1, 9999)} {rng.choice(STREETS)}, {city}, {state} {zipcode}, US"
            )
            self.phones = [_us_phone(rng, area) for _ in range(rng.choice((1, 1, 1, 2)))]
        else:
            city, postcode, prefix = rng.choice(UK_PLACES)
            self.claimed = f"{city}, GB"
            self.address = f"{rng.randint(1, 300)} {rng.choice(STREETS)}, {city} {postcode}, GB"
            self.phones = [_uk_phone(rng, prefix) for _ in range(rng.choice((1, 1, 2)))]
        handle = f"{low.replace('.', '-')}-{n}"
        self.urls = [f"https://github.com/{handle}"]
        if rng.random() < 0.5:
            self.urls.append(f"https://www.linkedin.com/in/{handle}")
        elif rng.random() < 0.3:
            self.urls.append(f"https://{handle}.example.org")
        self.resume = _resume(rng, self.first, self.last)


def _us_phone(rng: random.Random, area: str) -> str:
    line = f"01{rng.randint(0, 99):02d}"
    return rng.choice(
        (
            f"+1 {area}-555-{line}",
            f"+1 ({area}) 555-{line}",
            f"+1{area}555{line}",
            f"({area}) 555-{line}",
            f"{area}.555.{line}",
            f"+1 {area} 555 {line}",
        )
    )


def _uk_phone(rng: random.Random, prefix: str) -> str:
    line = f"0{rng.randint(0, 999):03d}"
    national = "0" + prefix
    return rng.choice((f"+44 {prefix} {line}", f"{national} {line}", f"+44{prefix}{line}"))


def _resume(rng: random.Random, first: str, last: str) -> str:
    target = rng.randint(300, 800)
    parts = [f"{first} {last}. {rng.choice(TITLES)}."]
    size = len(parts[0])
    while size < target:
        sentence = rng.choice(SENTENCES).format(
            skill=rng.choice(SKILLS), n=rng.randint(2, 90), year=rng.randint(2010, 2022)
        )
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:target].rsplit(" ", 1)[0]


def iter_rows(rows: int, *, seed: int = 1, companies: int = 500) -> Iterator[dict[str, Any]]:
    """``rows`` canonical application objects; memory stays constant whatever ``rows`` is."""
    rng = random.Random(seed)
    recent: deque[tuple[_Person, str]] = deque(maxlen=RECENT)
    shared = [_resume(rng, rng.choice(FIRST), rng.choice(LAST)) for _ in range(SHARED_RESUMES)]
    people = 0
    for i in range(1, rows + 1):
        if recent and rng.random() < REAPPLY_SHARE:
            person, before = rng.choice(recent)
            company = before
            while company == before:
                company = f"c-{rng.randint(1, companies):04d}"
        else:
            people += 1
            person = _Person(rng, people)
            company = f"c-{rng.randint(1, companies):04d}"
            recent.append((person, company))
        applied = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        stage = rng.choices(STAGE_NAMES, STAGE_WEIGHTS)[0]
        interviewed = None
        if stage in INTERVIEW and rng.random() < 0.7:
            when = applied + timedelta(days=rng.randint(3, 30), hours=rng.randint(0, 8))
            interviewed = when.strftime("%Y-%m-%dT%H:00:00Z")
        resume = rng.choice(shared) if rng.random() < 0.01 else person.resume
        yield {
            "company_id": company,
            "application_id": f"a-{i}",
            "candidate_id": f"p-{i}",
            "applied_at": applied.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "job_title": rng.choice(TITLES),
            "stage": stage,
            "interviewed_at": interviewed,
            "first_name": person.first,
            "last_name": person.last,
            "emails": person.emails,
            "phones": person.phones,
            "address": person.address,
            "urls": person.urls,
            "resume_text": resume,
            "source": rng.choice(SOURCES),
            "referred_by": f"E-{rng.randint(100, 999)}" if rng.random() < 0.02 else None,
            "claimed_location": person.claimed,
        }


def iter_lines(rows: int, *, seed: int = 1, companies: int = 500) -> Iterator[bytes]:
    for row in iter_rows(rows, seed=seed, companies=companies):
        yield _dumps(row)


def write(
    out: Any, rows: int, *, seed: int = 1, progress: Callable[[int], None] | None = None
) -> int:
    """Write ``rows`` lines to a binary file object; ``progress(n)`` every 10,000 rows."""
    size = 0
    for n, line in enumerate(iter_lines(rows, seed=seed), 1):
        out.write(line)
        size += len(line)
        if progress and n % 10_000 == 0:
            progress(10_000)
    if progress:
        progress(rows % 10_000)
    return size


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(sys.stdout.buffer, args.rows, seed=args.seed)
