"""A deterministic input folder (docs/formats.md section 1) and what ingesting it must give.

``write_folder(root)`` writes every source of an input folder from one seeded generator and
returns ``Expected``: the exact counts, and the joins the data was built to have (meeting
participants to applications, sign-ins to hires, employer reports to applications), so a test
can run ``fauxhire run`` on the folder and compare. The builder asserts its own joins against
the rules of docs/formats.md section 12 while it builds, so ``Expected`` is the spec, not a guess.

Deliberate cases, beyond the random bulk:
- persons 0 and 1 share a name and apply to the same company: a Zoom participant with that name
  and no email joins neither (``meeting_unmatched``);
- persons 2 and 3 share a phone number: a report naming that phone matches both;
- persons 4, 5 and 6 apply to several companies; person 7 has two Greenhouse applications at
  one company, and its meeting joins the one it followed;
- reports by candidate id, by email at another company, by phone, by name only (reporting
  company only), by GitHub URL, by an id that exists only at another company, and one that
  matches nothing.

All values are fictitious: example.com / example.org domains, RFC 5737 and RFC 3849 addresses,
RFC 5398 AS numbers, +1 NPA 555-01xx and +44 20 7946 0xxx phone numbers.

Eyeball one with ``.venv/bin/python tests/support/folder.py``.
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fauxhire_lab.world.feeds import TLP_AMBER  # TLP 2.0 AMBER, as in the STIX sample
from fauxhire_lab.world.formats import HR_HEADER

AppKey = tuple[str, str]  # (company_id, application_id)
MeetingKey = tuple[str, str, str]  # (company_id, meeting_id, participant_uuid)
SigninKey = tuple[str, str, str]  # (source_system, company_id, event_id)
HireKey = tuple[str, str]  # (company_id, employee_id)
ReportKey = tuple[str, str]  # (reporting_company_id, report_id)

START = datetime(2023, 7, 1, tzinfo=UTC)
SPAN_DAYS = 700

# (name, domain, country, naics, tags); cycled, with a number added, past six companies.
PROFILES = (
    ("Northwind Analytics", "northwind.example.com", "US", "541511", "ai"),
    ("Bluefin Health", "bluefin-health.example.org", "US", "621111", "medtech"),
    ("Ledgerline Payments", "ledgerline.example.com", "GB", "522320", "fintech;crypto"),
    ("Civic Systems Group", "civic-systems.example.org", "US", "541512", "gov-contractor"),
    ("Harbor Freight Lines", "harbor-lines.example.com", "DE", "484121", ""),
    ("Quarry Home Goods", "quarry-home.example.org", "US", "449110", ""),
)
ATS_KINDS = ("greenhouse", "lever", "canonical")
IDPS = ("okta", "entra")

# Interview stages, docs/formats.md section 4 default; Lever stage ids per the brief.
GH_NON_INTERVIEW = ("Application Review", "Application Received", "New Lead")
GH_INTERVIEW = ("Recruiter Screen", "Technical Interview", "Onsite Interview", "Offer")
LEVER_NON_INTERVIEW = ("lead-new", "lead-reached-out", "lead-responded", "applicant-new")
LEVER_INTERVIEW = ("phone-screen", "on-site-interview", "offer")
LEVER_STAGE_TEXT = {
    "lead-new": "New lead", "lead-reached-out": "Reached out", "lead-responded": "Responded",
    "applicant-new": "New applicant", "phone-screen": "Phone Screen",
    "on-site-interview": "On-site Interview", "offer": "Offer",
}  # fmt: skip
CANON_NON_INTERVIEW = ("Application Received", "Application Review", "")
CANON_INTERVIEW = ("Phone Screen", "Technical Interview", "Final Interview", "Offer")

# fmt: off
FIRST = (
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Parker", "Rowan", "Skyler", "Dakota", "Reese", "Emerson", "Finley", "Harper", "Hayden",
    "Kendall", "Logan", "Marlowe", "Noel", "Oakley", "Peyton", "Remy", "Sage", "Tatum", "Wren",
    "Blake", "Cameron", "Drew", "Elliot", "Frankie", "Hollis", "Indy", "Jules", "Kai", "Lane",
    "Micah", "Sasha",
)
LAST = (
    "Abbott", "Barlow", "Calloway", "Delgado", "Ellison", "Fairbanks", "Galloway", "Hargrove",
    "Iverson", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Pereira",
    "Quintero", "Rasmussen", "Sandoval", "Thornton", "Underwood", "Vasquez", "Whitfield",
    "Yamamoto", "Zielinski", "Ashford", "Brennan", "Castellano", "Dimitrov", "Eriksen",
    "Ferreira", "Gallagher", "Holloway", "Ivanova", "Jovanovic", "Kimura", "Larsen", "Mbeki",
    "Novak", "Ortega",
)
# fmt: on
STAFF = ("Ivan Interviewer", "Rita Recruiter", "Hana Hiringlead", "Theo Techlead")
US_PLACES = (
    ("Austin", "TX", "78701"),
    ("Seattle", "WA", "98101"),
    ("Denver", "CO", "80202"),
    ("Chicago", "IL", "60601"),
    ("Boston", "MA", "02108"),
    ("Atlanta", "GA", "30303"),
    ("Phoenix", "AZ", "85004"),
    ("Columbus", "OH", "43215"),
)
US_AREAS = ("512", "206", "303", "312", "617", "404", "602", "614")
STREETS = ("Example St", "Sample Ave", "Placeholder Rd", "Fictional Blvd", "Demo Lane")
TITLES = (
    "Senior Backend Engineer",
    "Full Stack Developer",
    "iOS Engineer",
    "Android Developer",
    "Frontend Engineer (React)",
    "Data Engineer",
    "Machine Learning Engineer",
    "DevOps Engineer",
    "Cloud Security Analyst",
    "QA Automation Engineer",
    "IT Support Specialist",
    "Salesforce Developer",
    "Epic Analyst",
    "Payroll Specialist",
    "Payment Operations Analyst",
    "Product Designer",
)
# fmt: off
SKILLS = (
    "Python", "Go", "Java", "TypeScript", "React", "Kubernetes", "Terraform", "AWS", "GCP",
    "PostgreSQL", "Kafka", "Swift", "Kotlin", "Selenium", "Salesforce", "Figma", "Spark",
    "Airflow", "Django", "Node.js",
)
# fmt: on
SOURCES = ("LinkedIn", "Indeed", "Jobs page on your website", "Referral", "Wellfound")

# network, asn, as_org, country, kind, provider: nested networks so "most specific wins" matters.
IP_RANGES = (
    ("192.0.2.0/24", "64502", "example business isp", "US", "business", ""),
    ("198.51.100.0/24", "64500", "example vpn hosting llc", "US", "vpn", "Astrill VPN"),
    ("198.51.100.128/25", "64503", "example proxy network", "NL", "proxy", "Example Proxy"),
    ("203.0.113.0/24", "64501", "example cloud", "US", "hosting", ""),
    ("203.0.113.64/26", "64504", "example relay", "DE", "tor", "Tor"),
    ("2001:db8::/32", "64505", "example broadband", "US", "residential", ""),
    ("2001:db8:4000::/34", "64506", "example mobile", "US", "mobile", ""),
)


TOTALS = (
    "companies", "applications", "candidates", "interviews", "meeting_participants",
    "signin_events", "hires", "employer_reports", "indicators", "intel_objects", "ip_ranges",
)  # fmt: skip


@dataclass
class Expected:
    """What a store must hold after ingesting the folder: counts as ``fauxhire stats``, joins."""

    companies: int
    applications: int
    candidates: int  # distinct (company_id, candidate_id)
    interviews: int
    meeting_participants: int
    signin_events: int
    hires: int
    employer_reports: int
    indicators: int
    intel_objects: int
    ip_ranges: int
    meeting_matches: dict[MeetingKey, AppKey]
    meeting_unmatched: set[MeetingKey]  # candidate participants that must join nothing
    signin_hires: dict[SigninKey, HireKey]
    report_apps: dict[ReportKey, set[AppKey]]
    spot: dict[str, dict[str, Any]]  # label -> one application's expected fields

    def totals(self) -> dict[str, int]:
        """The headline totals, keyed as in ``fauxhire stats --json``."""
        return {name: getattr(self, name) for name in TOTALS}

    def joins(self) -> dict[str, int]:
        """The join counts, keyed as in ``fauxhire stats --json`` ``joins``."""
        return {
            "meeting_participants_to_applications": len(self.meeting_matches),
            "signin_events_to_hires": len(self.signin_hires),
            "report_matches": sum(len(apps) for apps in self.report_apps.values()),
        }


def is_interview_stage(ats: str, stage: str | None) -> bool:
    """The interview rule this folder is built on (docs/formats.md section 4; Lever ids per
    brief)."""
    if ats == "lever":
        return bool(stage) and not (stage or "").startswith(("lead-", "applicant-new"))
    return (stage or "").strip().casefold() not in {"", *(s.casefold() for s in GH_NON_INTERVIEW)}


@dataclass(frozen=True)
class _Company:
    index: int
    company_id: str
    name: str
    domain: str
    country: str
    naics: str
    tags: str
    ats: str
    idp: str


@dataclass
class _Person:
    pid: int
    first: str
    last: str
    place: tuple[str, str, str, str]  # city, region, postcode, country
    street: str
    emails: list[str]
    phone: str  # E.164
    ip: str
    github: str
    linkedin: str
    portfolio: str | None
    companies: list[_Company] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def address(self) -> str:
        city, region, postcode, country = self.place
        if country == "US":
            return f"{self.street}, {city}, {region} {postcode}, US"
        return f"{self.street}, {city} {postcode}, {country}"

    @property
    def claimed(self) -> str:
        city, region, _, country = self.place
        return f"{city}, {region}, {country}" if region else f"{city}, {country}"

    @property
    def urls(self) -> list[str]:
        return [self.github, self.linkedin, *([self.portfolio] if self.portfolio else [])]

    def keys(self) -> set[tuple[str, str]]:
        """The strong matching values, normalised: emails, phone, GitHub, LinkedIn, portfolio."""
        out = {("email", e) for e in self.emails} | {("phone", self.phone)}
        return out | {("url", _url_key(u)) for u in self.urls}


@dataclass
class _App:
    company: _Company
    person: _Person
    candidate_id: str
    application_id: str
    applied_at: datetime
    job_title: str
    stage: str | None
    interviewed_at: datetime | None
    source: str

    @property
    def key(self) -> AppKey:
        return (self.company.company_id, self.application_id)

    @property
    def stage_interview(self) -> bool:
        return self.interviewed_at is not None or is_interview_stage(self.company.ats, self.stage)


@dataclass
class _Participant:
    uuid: str
    role: str
    user_name: str
    email: str
    ip: str
    join: datetime
    target: _App | None = None  # the application a candidate participant must join


@dataclass
class _Meeting:
    company: _Company
    meeting_id: str
    topic: str
    start: datetime
    participants: list[_Participant]


@dataclass
class _Hire:
    app: _App
    employee_id: str
    work_email: str
    start: date
    end: date | None
    payout: tuple[str, str]


@dataclass
class _Signin:
    company: _Company
    event_id: str
    when: datetime
    user: str  # as written: the work email, sometimes in other case
    display_name: str
    ip: str
    hire: _Hire | None


def _url_key(url: str) -> str:
    return url.lower().split("://", 1)[-1].removeprefix("www.").rstrip("/")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _iso(dt: datetime, *, ms: bool = False) -> str:
    text = dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{dt.microsecond // 1000:03d}Z" if ms else f"{text}Z"


class _World:
    """Every record of the folder, built in one fixed order from one generator."""

    def __init__(self, seed: int, n_companies: int, n_people: int) -> None:
        if n_companies < 4 or n_people < 20:
            raise ValueError("the deliberate cases need at least 4 companies and 20 candidates")
        self.rng = random.Random(seed)
        self.seed = seed
        self.companies = [self._company(i) for i in range(n_companies)]
        self.people = self._people(n_people)
        self.apps: list[_App] = []
        self.meetings: list[_Meeting] = []
        self.hires: list[_Hire] = []
        self.signins: list[_Signin] = []
        self.reports: list[dict[str, Any]] = []
        self._seq = 0
        self._apply()
        self._meet()
        self._hire()
        self._sign_in()
        self._report()

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _company(self, i: int) -> _Company:
        name, domain, country, naics, tags = PROFILES[i % len(PROFILES)]
        if i >= len(PROFILES):
            label, rest = domain.split(".", 1)
            name, domain = f"{name} {i + 1}", f"{label}{i + 1}.{rest}"
        return _Company(
            i, f"c-{i + 1:04d}", name, domain, country, naics, tags,
            ATS_KINDS[i % 3], IDPS[i % 2],
        )  # fmt: skip

    def _people(self, n: int) -> list[_Person]:
        rng = self.rng
        if n > len(FIRST) * len(LAST) or n > 700:
            raise ValueError("too many candidates for unique names and 555-01xx numbers")
        names = rng.sample(range(len(FIRST) * len(LAST)), n)
        us_phones = [f"+1{a}55501{x:02d}" for a in US_AREAS for x in range(100)]
        gb_phones = [f"+442079460{x:03d}" for x in range(1000)]
        rng.shuffle(us_phones)
        rng.shuffle(gb_phones)
        people: list[_Person] = []
        for pid, code in enumerate(names):
            first, last = FIRST[code % len(FIRST)], LAST[code // len(FIRST)]
            if pid == 1:  # deliberate: the same name as person 0
                first, last = people[0].first, people[0].last
            if rng.random() < 0.12:
                place, phone = ("London", "", "EC1A 1BB", "GB"), gb_phones.pop()
            else:
                place, phone = (*rng.choice(US_PLACES), "US"), us_phones.pop()
            if pid == 3:  # deliberate: the phone of person 2
                phone = people[2].phone
            low = f"{first}.{last}".lower()
            emails = [f"{low}{pid}@example.com"]
            if rng.random() < 0.3:
                emails.append(f"{first[0]}{last}.dev{pid}@example.org".lower())
            handle = f"{first}-{last}-{pid:03d}".lower()
            portfolio = f"https://{handle}.example.org" if rng.random() < 0.3 else None
            people.append(
                _Person(
                    pid, first, last, place,
                    f"{rng.randint(10, 990)} {rng.choice(STREETS)}", emails, phone,
                    self._candidate_ip(), f"https://github.com/{handle}",
                    f"https://www.linkedin.com/in/{low.replace('.', '')}{pid}", portfolio,
                )
            )  # fmt: skip
        return people

    def _candidate_ip(self) -> str:
        rng = self.rng
        kind = rng.choice(("vpn", "vpn", "proxy", "hosting", "tor", "v6home", "v6mobile", "biz"))
        if kind == "vpn":
            return f"198.51.100.{rng.randint(2, 126)}"
        if kind == "proxy":
            return f"198.51.100.{rng.randint(130, 250)}"
        if kind == "hosting":
            return f"203.0.113.{rng.randint(2, 62)}"
        if kind == "tor":
            return f"203.0.113.{rng.randint(66, 126)}"
        if kind == "v6home":
            return f"2001:db8:1:{rng.randint(1, 0xFFF):x}::{rng.randint(1, 0xFFFF):x}"
        if kind == "v6mobile":
            return f"2001:db8:4000::{rng.randint(1, 0xFFFF):x}"
        return f"192.0.2.{rng.randint(130, 250)}"

    # -- applications -------------------------------------------------------------------

    def _apply(self) -> None:
        rng, cs = self.rng, self.companies
        for p in self.people:
            if p.pid in (0, 1, 7):
                p.companies = [cs[0]]  # a Greenhouse company
            elif p.pid in (4, 5, 6):
                p.companies = rng.sample(cs, 3 if p.pid == 4 else 2)
            elif rng.random() < 0.15:
                p.companies = rng.sample(cs, rng.randint(2, 3))
            else:
                p.companies = [rng.choice(cs)]
            for c in p.companies:
                two = c.ats == "greenhouse" and (p.pid == 7 or (p.pid > 7 and rng.random() < 0.1))
                self._applications(p, c, 2 if two else 1)

    def _applications(self, p: _Person, c: _Company, count: int) -> None:
        rng = self.rng
        n = self._next()
        candidate_id = {"greenhouse": str(500000 + n), "lever": _uuid(rng)}.get(c.ats, f"p-{n}")
        when = START + timedelta(days=rng.uniform(0, SPAN_DAYS - 160 * count))
        for _ in range(count):
            when = when.replace(microsecond=rng.randint(0, 999) * 1000)
            if c.ats != "greenhouse":
                when = when.replace(microsecond=0)
            interview = rng.random() < 0.45
            interviewed_at = None
            if c.ats == "greenhouse":
                stage: str | None = rng.choice(GH_INTERVIEW if interview else GH_NON_INTERVIEW)
                app_id = str(900000 + self._next())
                if rng.random() < 0.04:
                    stage = None  # no current stage at all: not an interview
            elif c.ats == "lever":
                stage = rng.choice(LEVER_INTERVIEW if interview else LEVER_NON_INTERVIEW)
                app_id = _uuid(rng)
            else:
                stage = rng.choice(CANON_INTERVIEW if interview else CANON_NON_INTERVIEW)
                app_id = f"a-{self._next()}"
                if rng.random() < (0.8 if interview else 0.08):
                    interviewed_at = (when + timedelta(days=rng.randint(4, 20))).replace(
                        hour=rng.choice((14, 15, 16, 17)), minute=0, second=0
                    )
            self.apps.append(
                _App(c, p, candidate_id, app_id, when, rng.choice(TITLES), stage,
                     interviewed_at, rng.choice(SOURCES))
            )  # fmt: skip
            when += timedelta(days=rng.randint(150, 160))

    # -- meetings -----------------------------------------------------------------------

    def _meet(self) -> None:
        rng = self.rng
        for app in self.apps:
            if app.stage_interview and rng.random() < 0.6:
                by_name = app.person.pid > 1 and rng.random() < 0.3
                self._meeting(app, by_name=by_name)
            elif not app.stage_interview and rng.random() < 0.06:
                self._meeting(app, by_name=False)
        twins = [a for a in self.apps if a.person.pid == 0]
        self._meeting(twins[0], by_name=True, target=False)  # ambiguous name: joins nobody
        guest = next((a for a in self.apps if a.company is self.companies[1]), twins[0])
        self._meeting(guest, by_name=True, target=False, user_name="iPhone")
        self.meetings.sort(key=lambda m: (m.company.index, m.start))

    def _meeting(
        self, app: _App, *, by_name: bool, target: bool = True, user_name: str | None = None
    ) -> None:
        rng, p = self.rng, app.person
        day = app.applied_at + timedelta(days=rng.randint(3, 25))
        start = app.interviewed_at or day.replace(hour=rng.choice((15, 16, 17)), minute=0, second=0)
        start = start.replace(microsecond=0)
        host = rng.choice(STAFF)
        people = [self._staff(app.company, host, "host", start)]
        if rng.random() < 0.25:
            other = rng.choice([s for s in STAFF if s != host])
            people.append(self._staff(app.company, other, "co-host", start))
        email = "" if by_name else rng.choice(p.emails)
        if email and rng.random() < 0.3:
            email = email.title()  # emails compare without case
        if user_name is None:
            desktop = f"DESKTOP-{rng.randint(1000, 9999)}"
            user_name = p.name if by_name or rng.random() < 0.6 else desktop
        join = start + timedelta(seconds=rng.randint(20, 240))
        cand = _Participant(
            _uuid(rng).upper(), "attendee", user_name, email, p.ip, join, app if target else None
        )
        people.append(cand)
        meeting = _Meeting(
            app.company, str(rng.randint(81_000_000_000, 89_999_999_999)),
            f"{rng.choice(('Technical Interview', 'Screening call', 'Final round'))}: "
            f"{app.job_title}", start, people,
        )  # fmt: skip
        if target:
            self._check_meeting_rule(cand, app)
        self.meetings.append(meeting)

    def _staff(self, c: _Company, name: str, role: str, start: datetime) -> _Participant:
        rng = self.rng
        email = f"{name.replace(' ', '.').lower()}@{c.domain}"
        join = start - timedelta(seconds=rng.randint(0, 120))
        return _Participant(_uuid(rng).upper(), role, name, email, self._office_ip(), join)

    def _office_ip(self) -> str:
        return f"192.0.2.{self.rng.randint(10, 120)}"

    def _check_meeting_rule(self, cand: _Participant, app: _App) -> None:
        """docs/formats.md section 12: by email, else by a name unique in the company; of the
        candidate's applications, the nearest before the meeting (joins/meetings.py)."""
        at = [a for a in self.apps if a.company is app.company]
        if cand.email:
            hits = [a for a in at if cand.email.lower() in a.person.emails]
        else:
            hits = [a for a in at if a.person.name.casefold() == cand.user_name.casefold()]
            assert len({a.candidate_id for a in hits}) == 1, "name must single out one candidate"
        assert {a.candidate_id for a in hits} == {app.candidate_id}

        def gap(a: _App) -> float:
            return abs(((a.interviewed_at or a.applied_at) - cand.join).total_seconds())

        # Its application came before it, and any other before it is further from it (the
        # topic names the job, so a title decides where two differ; time is checked alone).
        before = [a for a in hits if a.applied_at <= cand.join]
        assert app in before, "a meeting follows its application"
        assert all(gap(app) < gap(a) for a in before if a is not app), "nearest before it"

    # -- hires and sign-ins -------------------------------------------------------------

    def _hire(self) -> None:
        rng, hired = self.rng, set()
        for app in self.apps:
            who = (app.company.company_id, app.candidate_id)
            if app.person.pid in (0, 1) or who in hired or not app.stage_interview:
                continue
            if rng.random() < 0.3:
                hired.add(who)
                c = app.company
                start = (app.applied_at + timedelta(days=rng.randint(30, 60))).date()
                end = start + timedelta(days=rng.randint(20, 90)) if rng.random() < 0.2 else None
                method = rng.choice(("bank", "bank", "payoneer", "wise", "paypal", "crypto"))
                self.hires.append(
                    _Hire(
                        app, f"E-{c.index + 1}{self._next():04d}",
                        f"{app.person.first}.{app.person.last}@{c.domain}".lower(), start, end,
                        (method, f"fp:{rng.getrandbits(32):08x}"),
                    )
                )  # fmt: skip

    def _sign_in(self) -> None:
        rng = self.rng
        for h in self.hires:
            p = h.app.person
            for _ in range(rng.randint(2, 4)):
                day = datetime.combine(h.start, datetime.min.time(), UTC)
                when = day + timedelta(days=rng.randint(0, 20), seconds=rng.randint(46800, 64800))
                user = h.work_email if rng.random() < 0.8 else h.work_email.title()
                ip = p.ip if rng.random() < 0.7 else self._candidate_ip()
                self.signins.append(_Signin(h.app.company, _uuid(rng), when, user, p.name, ip, h))
        for c in self.companies:  # staff sign in too; they are no hire of ours
            name = rng.choice(STAFF)
            when = START + timedelta(days=rng.randint(0, SPAN_DAYS), hours=14)
            email = f"{name.replace(' ', '.').lower()}@{c.domain}"
            self.signins.append(_Signin(c, _uuid(rng), when, email, name, self._office_ip(), None))
        self.signins.sort(key=lambda s: (s.company.index, s.when))

    # -- reports ------------------------------------------------------------------------

    def _report(self) -> None:
        rng, people, cs = self.rng, self.people, self.companies

        def cid(p: _Person, c: _Company) -> str:
            return next(a.candidate_id for a in self.apps if a.person is p and a.company is c)

        def elsewhere(p: _Person) -> _Company:
            return next(c for c in cs if c not in p.companies)

        singles = [p for p in people[8:] if len(p.companies) == 1]
        s0, s1 = singles[0], singles[1]
        foreign = next(a for a in self.apps if a.company is cs[0])  # Greenhouse, as cs[3]
        p4, p5, p6, p7, p2 = people[4], people[5], people[6], people[7], people[2]
        rows: list[tuple[str, str, _Company, dict[str, list[str]], str]] = [
            ("confirmed_fraud", "high", p4.companies[0],
             {"names": [p4.name], "emails": [p4.emails[0].upper()], "addresses": [p4.address],
              "candidate_ids": [cid(p4, p4.companies[0])]},
             "Terminated in week 3: laptop on a shared egress IP with another hire."),
            ("suspected", "medium", s0.companies[0],
             {"candidate_ids": [cid(s0, s0.companies[0])]},
             "Camera off throughout; answers read from a second screen."),
            ("cleared", "low", s1.companies[0],
             {"names": [s1.name], "candidate_ids": [cid(s1, s1.companies[0])]},
             "Identity verified in person; earlier flag withdrawn."),
            ("suspected", "medium", elsewhere(p5), {"emails": [p5.emails[-1]]},
             "Applied to us with a resume identical to another applicant's."),
            ("confirmed_fraud", "high", p2.companies[0], {"phones": [_written_phone(p2.phone, 1)]},
             "Payroll phone number reused by two onboarded contractors."),
            ("suspected", "low", p6.companies[0], {"names": [p6.name]},
             "Name matches a persona described in a partner advisory."),
            ("suspected", "medium", elsewhere(p6), {"urls": [p6.github]},
             "GitHub account created days before the application."),
            ("cleared", "low", cs[-1], {"emails": [f"nobody.{self.seed}@example.org"]},
             "Tip did not check out."),
            ("confirmed_fraud", "medium", p7.companies[0],
             {"names": [p7.name], "candidate_ids": [cid(p7, p7.companies[0])]},
             "Re-applied under the same profile after rejection; both applications flagged."),
            ("suspected", "low", cs[3], {"candidate_ids": [foreign.candidate_id]},
             "Candidate id from another member's export, read at ours: must match nothing."),
        ]  # fmt: skip
        for n, (disposition, confidence, company, subject, summary) in enumerate(rows, 1):
            reported = START + timedelta(days=SPAN_DAYS + rng.randint(1, 40))
            full = {k: subject.get(k, []) for k in ("names", "emails", "phones", "urls")}
            full |= {k: subject.get(k, []) for k in ("addresses", "candidate_ids")}
            self.reports.append(
                {"report_id": f"r-{n}", "reporting_company_id": company.company_id,
                 "reported_at": _iso(reported), "disposition": disposition,
                 "confidence": confidence, "subject": full, "summary": summary}
            )  # fmt: skip

    def report_matches(self, report: dict[str, Any]) -> set[AppKey]:
        """docs/formats.md section 12: ids at the reporting company, strong values anywhere, names
        at the reporting company."""
        s, company = report["subject"], report["reporting_company_id"]
        keys = {("email", e.lower()) for e in s["emails"]}
        keys |= {("phone", _e164(p)) for p in s["phones"]}
        keys |= {("url", _url_key(u)) for u in s["urls"]}
        names = {n.casefold() for n in s["names"]}
        out = set()
        for a in self.apps:
            here = a.company.company_id == company
            if (
                (here and a.candidate_id in s["candidate_ids"])
                or keys & a.person.keys()
                or (here and a.person.name.casefold() in names)
            ):
                out.add(a.key)
        return out


def _written_phone(e164: str, style: int) -> str:
    """One of the ways people write a number; every one reads back to ``e164``."""
    if e164.startswith("+44"):
        return (f"+44 20 7946 {e164[-4:]}", e164)[style % 2]
    area, exchange, line = e164[2:5], e164[5:8], e164[8:]
    return (
        f"+1 {area}-{exchange}-{line}",
        f"+1 ({area}) {exchange}-{line}",
        e164,
        f"+1.{area}.{exchange}.{line}",
        f"+1 {area} {exchange} {line}",
    )[style % 5]


def _e164(written: str) -> str:
    return "+" + "".join(ch for ch in written if ch.isdigit())


def _dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _dump_lines(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _resume(w: _World, a: _App) -> str:
    rng, p = w.rng, a.person
    skills = ", ".join(rng.sample(SKILLS, 5))
    return (
        f"{p.name}\n{p.claimed} | {p.emails[0]} | {p.github}\n\n"
        f"{a.job_title} with {rng.randint(3, 12)} years of experience shipping production "
        f"software for remote-first teams. Skills: {skills}.\n"
        f"Example Software LLC, Senior Engineer, {rng.randint(2016, 2021)}-present: led a "
        f"migration to {rng.choice(SKILLS)}, cut deploy time by {rng.randint(20, 70)}%.\n"
        f"Example State University, B.Sc. Computer Science.\n"
    )


def _write_greenhouse(w: _World, root: Path, c: _Company) -> None:
    rng, candidates, by_candidate = w.rng, [], _group(a for a in w.apps if a.company is c)
    for cid, apps in by_candidate.items():
        p = apps[0].person
        file = f"resume_{c.company_id}_{cid}.txt"
        (root / "greenhouse" / "attachments").mkdir(parents=True, exist_ok=True)
        (root / "greenhouse" / "attachments" / file).write_text(_resume(w, apps[0]), "utf-8")
        us_company = c.country == "US" and p.place[3] == "US"
        phone = f"({p.phone[2:5]}) {p.phone[5:8]}-{p.phone[8:]}" if us_company else p.phone
        candidates.append({
            "id": int(cid), "first_name": p.first, "last_name": p.last,
            "company": "Example Software LLC", "title": apps[0].job_title,
            "created_at": _iso(apps[0].applied_at, ms=True),
            "updated_at": _iso(apps[-1].applied_at + timedelta(days=2), ms=True),
            "is_private": False, "photo_url": None,
            "attachments": [{"filename": file, "url": f"attachments/{file}", "type": "resume",
                             "created_at": _iso(apps[0].applied_at, ms=True)}],
            "application_ids": [int(a.application_id) for a in apps],
            "phone_numbers": [{"value": phone, "type": "mobile"}],
            "addresses": [{"value": p.address, "type": "home"}],
            "email_addresses": [{"value": e, "type": "personal"} for e in p.emails],
            "website_addresses": [{"value": p.portfolio, "type": "portfolio"}] * bool(p.portfolio),
            "social_media_addresses": [{"value": p.github}],
            "recruiter": None, "coordinator": None, "can_email": True,
            "tags": rng.sample(SKILLS, 2),
            "applications": [_gh_application(w, a) for a in apps],
            "educations": [], "employments": [],
        })  # fmt: skip
    _dump(root / "greenhouse" / f"{c.company_id}.json", candidates)


def _gh_application(w: _World, a: _App) -> dict[str, Any]:
    rng, p = w.rng, a.person
    referred = rng.random() < 0.1
    return {
        "id": int(a.application_id), "candidate_id": int(a.candidate_id), "prospect": False,
        "applied_at": _iso(a.applied_at, ms=True), "rejected_at": None,
        "last_activity_at": _iso(a.applied_at + timedelta(days=3), ms=True),
        "location": {"address": p.claimed},
        "source": {"id": SOURCES.index(a.source) + 1, "public_name": a.source},
        "credited_to": {"id": 92121, "first_name": "Rita", "last_name": "Recruiter",
                        "name": "Rita Recruiter", "employee_id": "E-100"} if referred else None,
        "jobs": [{"id": 4400 + TITLES.index(a.job_title), "name": a.job_title}],
        "status": "active",
        "current_stage": None if a.stage is None else {"id": 77000 + rng.randint(1, 99),
                                                        "name": a.stage},
        "answers": [
            {"question": "LinkedIn Profile", "answer": p.linkedin},
            {"question": "Website", "answer": p.github},
            {"question": "Are you legally authorized to work in the US?", "answer": "Yes"},
        ],
        "attachments": [{"filename": "Resume.pdf", "type": "resume",
                         "url": "https://example-s3.invalid/signed-url-expires",
                         "created_at": _iso(a.applied_at, ms=True)}],
    }  # fmt: skip


def _lever_expanded(c: _Company) -> bool:
    """The first Lever company exports plain ids, as the sample; the next uses ``expand=``
    (applications with their posting, stage objects), so both shapes are read."""
    return (c.index // 3) % 2 == 1


def _write_lever(w: _World, root: Path, c: _Company) -> None:
    rng, data = w.rng, []
    for a in (a for a in w.apps if a.company is c):
        p, ms = a.person, int(a.applied_at.timestamp() * 1000)
        advanced = ms + rng.randint(1, 9) * 86_400_000
        app_id, stage = _uuid(rng), a.stage or ""
        application: str | dict[str, Any] = app_id
        stage_out: str | dict[str, str] = stage
        if _lever_expanded(c):
            posting = {"id": f"posting-{TITLES.index(a.job_title):03d}", "text": a.job_title}
            application = {"id": app_id, "type": "posting", "posting": posting}
            stage_out = {"id": stage, "text": LEVER_STAGE_TEXT[stage]}
        data.append({
            "id": a.application_id, "name": p.name, "headline": "Example Software LLC",
            "contact": a.candidate_id, "emails": list(p.emails),
            "phones": [{"type": "mobile", "value": _written_phone(p.phone, rng.randint(0, 4))}],
            "confidentiality": "non-confidential", "location": p.claimed, "links": p.urls,
            "createdAt": ms, "updatedAt": advanced, "lastInteractionAt": advanced,
            "lastAdvancedAt": advanced, "snoozedUntil": None, "archivedAt": None,
            "archiveReason": None, "stage": stage_out,
            "stageChanges": [{"toStageId": a.stage, "toStageIndex": 1, "updatedAt": advanced,
                              "userId": "u-001"}],
            "owner": "u-001", "tags": [a.job_title, "Remote"], "sources": [a.source],
            "origin": "applied", "sourcedBy": None, "applications": [application],
            "resume": None, "followers": ["u-001"],
            "urls": {"list": "https://hire.lever.co/candidates",
                     "show": f"https://hire.lever.co/candidates/{a.application_id}"},
            "dataProtection": None, "isAnonymized": False, "archived": None,
        })  # fmt: skip
    _dump(root / "lever" / f"{c.company_id}.json", {"data": data, "hasNext": False})


def _write_canonical(w: _World, root: Path, c: _Company) -> list[_App]:
    rng = w.rng
    rows: list[dict[str, Any]] = []
    offset: list[_App] = []
    for a in (a for a in w.apps if a.company is c):
        p = a.person
        national = c.country == "US" and p.place[3] == "US" and rng.random() < 0.3
        phone = (
            f"({p.phone[2:5]}) {p.phone[5:8]}-{p.phone[8:]}"
            if national
            else _written_phone(p.phone, rng.randint(0, 4))
        )
        applied = _iso(a.applied_at)
        if not rows:  # the first row of a file carries a zone offset instead of Z
            applied = (a.applied_at + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S+02:00")
            offset.append(a)
        rows.append({
            "company_id": c.company_id, "application_id": a.application_id,
            "candidate_id": a.candidate_id, "applied_at": applied, "job_title": a.job_title,
            "stage": a.stage,
            "interviewed_at": _iso(a.interviewed_at) if a.interviewed_at else None,
            "first_name": p.first, "last_name": p.last,
            "emails": [e if rng.random() < 0.8 else e.upper() for e in p.emails],
            "phones": [phone], "address": p.address, "urls": p.urls,
            "resume_text": _resume(w, a), "source": a.source,
            "referred_by": "E-100" if rng.random() < 0.05 else None,
            "claimed_location": p.claimed,
        })  # fmt: skip
    _dump_lines(root / "applications" / f"{c.company_id}.jsonl", rows)
    return offset


def _write_zoom(w: _World, root: Path, c: _Company) -> None:
    rng, meetings = w.rng, []
    for m in (m for m in w.meetings if m.company is c):
        people = []
        for x in m.participants:
            windows = x.role == "attendee" and rng.random() < 0.7
            leave = m.start + timedelta(minutes=rng.randint(30, 60))
            people.append({
                "id": "" if x.role == "attendee" else f"internalUser{rng.randint(100, 999)}",
                "user_id": str(rng.randint(16_000_000, 16_999_999)), "user_name": x.user_name,
                "device": "Windows" if windows else "Mac", "ip_address": x.ip,
                "internal_ip_addresses": [f"192.168.{rng.randint(0, 9)}.{rng.randint(2, 250)}"],
                "location": f"{rng.choice(US_PLACES)[0]} (US)",
                "network_type": rng.choice(("Wired", "Wifi")),
                "microphone": "Microphone (Realtek(R) Audio)",
                "camera": rng.choice(("OBS Virtual Camera", "Integrated Webcam"))
                if x.role == "attendee" else "FaceTime HD Camera",
                "speaker": "Speakers", "data_center": "SC",
                "full_data_center": "United States;United States (US03_SC CRC)",
                "connection_type": "UDP", "join_time": _iso(x.join), "leave_time": _iso(leave),
                "share_application": False, "share_desktop": False, "share_whiteboard": False,
                "recording": False, "status": "in_meeting",
                "pc_name": f"DESKTOP-{rng.randint(1000, 9999)}" if windows else "MBP",
                "domain": "WORKGROUP" if windows else "", "mac_addr": "", "harddisk_id": "",
                "version": "6.0.2.33403",
                "leave_reason": f"{x.user_name} left the meeting.<br>Reason: left the meeting.",
                "email": x.email, "registrant_id": "", "role": x.role,
                "os": "Windows" if windows else "Mac",
                "os_version": "10.0.19045" if windows else "14.4",
                "device_name": "", "participant_uuid": x.uuid,
            })  # fmt: skip
        meetings.append({"meeting_id": m.meeting_id, "topic": m.topic,
                         "start_time": _iso(m.start), "participants": people})  # fmt: skip
    if meetings:
        _dump(root / "zoom" / f"{c.company_id}.json", meetings)


def _geo(w: _World) -> tuple[str, str, str]:
    city, region, postcode = w.rng.choice(US_PLACES)
    return city, region, postcode


def _write_okta(w: _World, root: Path, c: _Company) -> None:
    rng, events = w.rng, []
    for s in (s for s in w.signins if s.company is c):
        city, region, postcode = _geo(w)
        geo = {
            "city": city,
            "state": region,
            "country": "United States",
            "postalCode": postcode,
            "geolocation": {"lat": 30.0 + rng.random() * 15, "lon": -120 + rng.random() * 45},
        }
        vpn = s.ip.startswith(("198.51.100.", "203.0.113."))
        events.append({
            "uuid": s.event_id, "published": _iso(s.when, ms=True),
            "eventType": rng.choice(("user.session.start", "user.authentication.sso",
                                     "policy.evaluate_sign_on")),
            "version": "0", "severity": "INFO", "displayMessage": "User login to Okta",
            "actor": {"id": f"00u{rng.getrandbits(40):010x}", "type": "User",
                      "alternateId": s.user, "displayName": s.display_name, "detailEntry": None},
            "client": {"userAgent": {"rawUserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
                                     "os": "Windows 10", "browser": "CHROME"},
                       "zone": "null", "device": "Computer", "id": None, "ipAddress": s.ip,
                       "geographicalContext": geo},
            "device": None,
            "outcome": {"result": "SUCCESS" if rng.random() < 0.9 else "FAILURE", "reason": None},
            "securityContext": {"asNumber": 64500 if vpn else 64505,
                                "asOrg": "example vpn hosting llc" if vpn else "example broadband",
                                "isp": "example isp", "domain": "isp.example.net",
                                "isProxy": vpn},
            "debugContext": {"debugData": {
                "requestId": f"req-{rng.getrandbits(32):08x}",
                "behaviors": "{New Geo-Location=POSITIVE, New Device=POSITIVE, "
                             "New IP=POSITIVE, Velocity=NEGATIVE}",
                "risk": "{level=MEDIUM, reasons=Anomalous Device, Anomalous Location}"
                if vpn else "{level=LOW}",
            }},
            "transaction": {"type": "WEB", "id": f"tx-{rng.getrandbits(32):08x}", "detail": {}},
            "request": {"ipChain": [{"ip": s.ip, "geographicalContext": geo,
                                     "version": "V6" if ":" in s.ip else "V4", "source": None}]},
            "target": None,
        })  # fmt: skip
    _dump(root / "okta" / f"{c.company_id}.json", events)


def _write_entra(w: _World, root: Path, c: _Company) -> None:
    rng, value = w.rng, []
    for s in (s for s in w.signins if s.company is c):
        city, region, _ = _geo(w)
        failed = rng.random() < 0.1
        value.append({
            "id": s.event_id, "createdDateTime": _iso(s.when), "userDisplayName": s.display_name,
            "userPrincipalName": s.user, "userId": _uuid(rng), "appId": _uuid(rng),
            "appDisplayName": "Office 365 Exchange Online", "ipAddress": s.ip,
            "clientAppUsed": "Browser", "correlationId": _uuid(rng),
            "conditionalAccessStatus": "failure" if failed else "success",
            "isInteractive": True, "riskDetail": "none",
            "riskLevelAggregated": "medium", "riskLevelDuringSignIn": "medium",
            "riskState": "atRisk", "riskEventTypes": ["unfamiliarFeatures"],
            "riskEventTypes_v2": ["unfamiliarFeatures"],
            "resourceDisplayName": "Office 365 Exchange Online",
            "resourceId": "00000002-0000-0ff1-ce00-000000000000",
            "status": {"errorCode": 50126 if failed else 0,
                       "failureReason": "Invalid username or password." if failed else "Other.",
                       "additionalDetails": None},
            "deviceDetail": {"deviceId": "", "displayName": "", "operatingSystem": "Windows10",
                             "browser": "Chrome 123.0.0", "isCompliant": False,
                             "isManaged": False, "trustType": ""},
            "location": {"city": city, "state": region, "countryOrRegion": "US",
                         "geoCoordinates": {"altitude": None, "latitude": 39.0,
                                            "longitude": -77.5}},
            "appliedConditionalAccessPolicies": [],
        })  # fmt: skip
    _dump(
        root / "entra" / f"{c.company_id}.json",
        {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns",
         "value": value},
    )  # fmt: skip


def _write_hr(w: _World, root: Path, c: _Company) -> None:
    rng, rows = w.rng, []
    for h in (h for h in w.hires if h.app.company is c):
        p = h.app.person
        rows.append([
            h.app.candidate_id, h.employee_id, h.work_email, p.name, h.start.isoformat(),
            h.end.isoformat() if h.end else "", p.address, h.payout[0], h.payout[1],
            f"LAPTOP-{rng.randint(1000, 9999)}",
        ])  # fmt: skip
    _write_csv(root / "hr" / f"{c.company_id}.csv", HR_HEADER, rows)


def _bundle(w: _World) -> dict[str, Any]:
    rng, p4 = w.rng, w.people[4]
    when = _iso(START + timedelta(days=SPAN_DAYS), ms=True)
    common = {"spec_version": "2.1", "created": when, "modified": when}
    org = {"type": "identity", "id": f"identity--{_uuid(rng)}", **common,
           "name": "Example Partner Feed (sharing member)", "identity_class": "organization",
           "sectors": ["technology"]}  # fmt: skip
    mark = {"created_by_ref": org["id"], "object_marking_refs": [TLP_AMBER["id"]]}
    intrusion = {"type": "intrusion-set", "id": f"intrusion-set--{_uuid(rng)}", **common, **mark,
                 "name": "Applicant network EX-2025-07 (member-assigned name)",
                 "description": "Applicant personas linked by shared egress and reused handles.",
                 "goals": ["obtain remote employment"]}  # fmt: skip
    patterns = (
        ("Applicant e-mail reused across members", "attribution",
         f"[email-addr:value = '{p4.emails[0]}']"),
        ("VPN exit used for interviews", "anonymization", f"[ipv4-addr:value = '{p4.ip}']"
         if ":" not in p4.ip else "[ipv4-addr:value = '198.51.100.23']"),
        ("Residential IPv6 prefix shared by personas", "anomalous-activity",
         "[ipv6-addr:value = '2001:db8:1:abc::/64']"),
        ("Staffing front domain", "attribution",
         "[domain-name:value = 'remote-talent-hub.example.org']"),
    )  # fmt: skip
    indicators = [
        {"type": "indicator", "id": f"indicator--{_uuid(rng)}", **common, **mark, "name": name,
         "description": f"{name}; shared by a member under TLP:AMBER.",
         "indicator_types": [kind], "pattern_type": "stix", "pattern": pattern,
         "valid_from": when, "confidence": 60}
        for name, kind, pattern in patterns
    ]  # fmt: skip
    relationships = [
        {"type": "relationship", "id": f"relationship--{_uuid(rng)}", **common, **mark,
         "relationship_type": "indicates", "source_ref": i["id"], "target_ref": intrusion["id"]}
        for i in indicators
    ]  # fmt: skip
    sighting = {"type": "sighting", "id": f"sighting--{_uuid(rng)}", **common, **mark,
                "sighting_of_ref": indicators[0]["id"], "where_sighted_refs": [org["id"]],
                "first_seen": _iso(START, ms=True), "last_seen": when, "count": 2,
                "description": "Seen at application intake and at first sign-in."}  # fmt: skip
    objects = [TLP_AMBER, org, intrusion, *indicators, *relationships, sighting]
    return {"type": "bundle", "id": f"bundle--{_uuid(rng)}", "objects": objects}


def _group(apps: Iterable[_App]) -> dict[str, list[_App]]:
    out: dict[str, list[_App]] = {}
    for a in apps:
        out.setdefault(a.candidate_id, []).append(a)
    return out


def _spot(a: _App, **more: Any) -> dict[str, Any]:
    return {
        "company_id": a.company.company_id, "application_id": a.application_id,
        "candidate_id": a.candidate_id, "applied_at": a.applied_at.isoformat(),
        "stage": a.stage, "is_interview": a.stage_interview, "email": a.person.emails[0],
        "name": a.person.name, **more,
    }  # fmt: skip


def write_folder(
    root: Path, *, seed: int = 7, companies: int = 6, candidates: int = 120
) -> Expected:
    """Write an input folder under ``root`` (created if need be) and return what it holds.

    ``candidates`` counts persons; some apply to several companies, so there are more
    applications and per-company candidate ids than that.
    """
    w = _World(seed, companies, candidates)
    root.mkdir(parents=True, exist_ok=True)
    _write_csv(
        root / "companies.csv",
        ["company_id", "name", "domain", "country", "naics", "tags"],
        ([c.company_id, c.name, c.domain, c.country, c.naics, c.tags] for c in w.companies),
    )
    _write_csv(
        root / "ipintel.csv",
        ["network", "asn", "as_org", "country", "kind", "provider"],
        (list(r) for r in IP_RANGES),
    )
    offset: list[_App] = []
    for c in w.companies:
        if not any(a.company is c for a in w.apps):
            pass
        elif c.ats == "greenhouse":
            _write_greenhouse(w, root, c)
        elif c.ats == "lever":
            _write_lever(w, root, c)
        else:
            offset += _write_canonical(w, root, c)
        _write_zoom(w, root, c)
        if any(h.app.company is c for h in w.hires):
            _write_hr(w, root, c)
        if any(s.company is c for s in w.signins):
            (_write_okta if c.idp == "okta" else _write_entra)(w, root, c)
    _dump_lines(root / "reports" / "employer-reports.jsonl", w.reports)
    bundle = _bundle(w)
    _dump(root / "intel" / "partner-feed.json", bundle)
    return _expected(w, bundle, offset)


def _expected(w: _World, bundle: dict[str, Any], offset: list[_App]) -> Expected:
    matches = {
        (m.company.company_id, m.meeting_id, x.uuid): x.target.key
        for m in w.meetings
        for x in m.participants
        if x.target is not None
    }
    unmatched = {
        (m.company.company_id, m.meeting_id, x.uuid)
        for m in w.meetings
        for x in m.participants
        if x.role == "attendee" and x.target is None
    }
    met = set(matches.values())
    signin_hires = {
        (s.company.idp, s.company.company_id, s.event_id): (
            s.company.company_id,
            s.hire.employee_id,
        )
        for s in w.signins
        if s.hire is not None
    }
    types = [o["type"] for o in bundle["objects"]]

    def first(ats: str, interviewed: bool = False) -> _App | None:
        return next(
            (
                a
                for a in w.apps
                if a.company.ats == ats
                and a.person.pid > 7
                and all(a is not o for o in offset)
                and (a.interviewed_at is not None or not interviewed)
            ),
            None,
        )

    spot: dict[str, dict[str, Any]] = {}
    if gh := first("greenhouse"):
        spot["greenhouse"] = _spot(gh, job_title=gh.job_title, resume_contains=gh.person.github)
    for lever in w.apps:
        if lever.company.ats != "lever" or lever.person.pid <= 7:
            continue
        if not _lever_expanded(lever.company) and "lever" not in spot:
            spot["lever"] = _spot(lever)  # plain ids: no job title to expect
        elif _lever_expanded(lever.company) and "lever_expanded" not in spot:
            text = LEVER_STAGE_TEXT[lever.stage or ""]
            spot["lever_expanded"] = _spot(lever, job_title=lever.job_title, stage=text)
    if (canon := first("canonical", interviewed=True)) and canon.interviewed_at:
        at = canon.interviewed_at.isoformat()
        spot["canonical"] = _spot(canon, job_title=canon.job_title, interviewed_at=at)
    if offset:
        spot["canonical_offset"] = _spot(offset[0], job_title=offset[0].job_title)
    return Expected(
        companies=len(w.companies),
        applications=len(w.apps),
        candidates=len({(a.company.company_id, a.candidate_id) for a in w.apps}),
        interviews=sum(1 for a in w.apps if a.stage_interview or a.key in met),
        meeting_participants=sum(len(m.participants) for m in w.meetings),
        signin_events=len(w.signins),
        hires=len(w.hires),
        employer_reports=len(w.reports),
        indicators=types.count("indicator"),
        intel_objects=len(types) - types.count("indicator"),
        ip_ranges=len(IP_RANGES),
        meeting_matches=matches,
        meeting_unmatched=unmatched,
        signin_hires=signin_hires,
        report_apps={
            (r["reporting_company_id"], r["report_id"]): w.report_matches(r) for r in w.reports
        },
        spot=spot,
    )


if __name__ == "__main__":
    import sys
    import tempfile
    from pprint import pprint

    with tempfile.TemporaryDirectory() as tmp:
        expected = write_folder(Path(tmp) / "world")
        for path in sorted((Path(tmp) / "world").rglob("*")):
            if path.is_file() and "attachments" not in path.parts:
                print(f"{path.relative_to(tmp)}  {path.stat().st_size} bytes")
        if "--validate" in sys.argv:
            from stix2validator import print_results, validate_file

            result = validate_file(str(Path(tmp) / "world" / "intel" / "partner-feed.json"))
            print_results(result)
            print("STIX bundle valid:", result.is_valid)
    pprint(expected.totals(), sort_dicts=False)
    pprint(expected.joins(), sort_dicts=False)
    pprint({"report_apps": {k: sorted(v) for k, v in expected.report_apps.items()}})
    pprint({"meeting_unmatched": sorted(expected.meeting_unmatched)})
    pprint(expected.spot, sort_dicts=False)
