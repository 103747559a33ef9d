"""The things a demo world is made of, before they are written out in any vendor's format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fauxhire_lab.world.pools import Egress, Place


@dataclass(slots=True, eq=False)  # one object per company: compared and hashed by identity
class Company:
    company_id: str
    name: str
    domain: str
    country: str
    naics: str
    sector: str  # a key of pools.SECTORS
    tags: tuple[str, ...]
    ats: str  # greenhouse | lever | canonical
    idp: str  # okta | entra
    zoom: bool  # its meeting logs are in the folder

    @property
    def ai(self) -> bool:
        return "ai" in self.tags


@dataclass(slots=True)
class Person:
    """One presented identity: a real applicant, or one persona of the operation."""

    identity_id: str
    population: str  # legitimate | dprk
    name_pool: str
    first: str
    last: str
    middle: str
    place: Place
    emails: list[str]
    phones: list[str]  # E.164
    address: str
    urls: list[str]
    role: str  # the role category they apply for
    resume: str
    education: list[dict[str, object]]
    employment: list[dict[str, object]]
    hard_cases: set[str] = field(default_factory=set)
    network_id: str = ""
    worker_id: str = ""
    # How they connect: where meetings and sign-ins egress, and at what hours (UTC offset).
    egress: tuple[Egress, ...] = ()
    egress_ips: tuple[str, ...] = ()  # fixed IPs (NAT, laptop farm) used instead of drawing
    active_offset: int = 0
    camera: str = "Integrated Webcam"
    pc_name: str = ""
    # Contact details used from the middle of its lifetime (a persona that changes them).
    later_emails: list[str] | None = None
    later_phones: list[str] | None = None
    agency: tuple[str, str, str] | None = None  # (name, email, phone) of a staffing agency
    # A move: from ``moved_at`` on, the person lives at ``later_place``/``later_address`` and
    # connects through ``later_egress``.
    moved_at: datetime | None = None
    later_place: Place | None = None
    later_address: str = ""
    later_egress: tuple[Egress, ...] = ()
    # Where a hire ships the laptop and pays, when not the home and an account of one's own
    # (a mailbox, an employer of record's account, a household's joint account).
    shipping: str = ""
    payout: tuple[str, str] | None = None  # (method, account fingerprint)
    identity_theft_pair: str = ""  # the persona on this person's identity, or its victim
    applications: int = 0
    interviews: int = 0
    hires: int = 0

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class Application:
    company: Company
    application_id: str
    candidate_id: str
    person: Person
    applied_at: datetime
    job_title: str
    role: str
    interviewed_at: datetime | None
    source: str
    referred_by: str | None
    # What this application shows, after the drift of one person's details across forms.
    first: str
    last: str
    emails: list[str]
    phones: list[str]
    address: str
    place: Place  # the home the application claims
    resume: str
    hire: Hire | None = None

    @property
    def interview(self) -> bool:
        return self.interviewed_at is not None


@dataclass(slots=True)
class Hire:
    employee_id: str
    work_email: str
    start: date
    end: date | None
    shipping_address: str
    payout_method: str
    payout_account: str
    device_id: str


@dataclass(slots=True)
class Report:
    report_id: str
    company: Company
    reported_at: datetime
    disposition: str  # confirmed_fraud | suspected | cleared
    confidence: str
    app: Application
    summary: str
