"""The records fauxhire ingests, one class per kind, each with where it came from.

Records are frozen dataclasses with slots: ingest builds millions of them, and they must be
cheap. Validation of the wire formats happens in ``fauxhire.ingest``; a record that exists is
valid. Every record has a ``key`` that is unique within its kind across the store: re-ingesting
a record with the same key replaces it, so an ingest can be repeated or resumed safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from fauxhire.domain.sectors import naics_sector
from fauxhire.domain.values import Value

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: the source system, the file, and the place in the file."""

    source_system: str
    file: str
    location: str  # "line 12" for line formats, a JSON pointer ("/3/participants/1") for JSON
    company_id: str | None = None  # the member company the file came from


@dataclass(frozen=True, slots=True)
class Company:
    company_id: str
    name: str
    domain: str | None
    country: str  # ISO 3166-1 alpha-2 of the headquarters
    naics: str | None
    tags: tuple[str, ...]
    provenance: Provenance
    extra: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.company_id,)

    @property
    def sector(self) -> str | None:
        """The NAICS sector (docs/formats.md section 12), None when the code is not known."""
        return naics_sector(self.naics) if self.naics else None


@dataclass(frozen=True, slots=True)
class IpRange:
    network: str  # canonical CIDR
    asn: int | None
    as_org: str | None
    country: str | None  # where the IP egresses
    kind: str  # residential | mobile | business | education | hosting | vpn | proxy | tor
    provider: str | None
    provenance: Provenance

    @property
    def key(self) -> tuple[str, ...]:
        return (self.network,)


@dataclass(frozen=True, slots=True)
class Applicant:
    """What an application says about the person: every identifying value, normalised."""

    first_name: str
    last_name: str
    name: Value | None
    emails: tuple[Value, ...] = ()
    phones: tuple[Value, ...] = ()
    addresses: tuple[Value, ...] = ()
    urls: tuple[Value, ...] = ()  # profile URLs; LinkedIn and GitHub handles get their own kind
    resume_text: str | None = None
    education: tuple[Json, ...] = ()
    employment: tuple[Json, ...] = ()
    claimed_location: str | None = None

    def values(self) -> tuple[Value, ...]:
        head = (self.name,) if self.name is not None else ()
        return head + self.emails + self.phones + self.addresses + self.urls


@dataclass(frozen=True, slots=True)
class Application:
    company_id: str
    application_id: str
    candidate_id: str
    applied_at: datetime
    job_title: str
    applicant: Applicant
    provenance: Provenance
    stage: str | None = None
    status: str | None = None
    interviewed_at: datetime | None = None
    source: str | None = None
    referred_by: str | None = None
    is_interview: bool = False
    extra: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.company_id, self.application_id)


@dataclass(frozen=True, slots=True)
class MeetingJoin:
    """An observation: one participant's join of an interview meeting."""

    company_id: str
    meeting_id: str
    participant_key: str  # participant_uuid, or a stable stand-in when the vendor blanked it
    start_time: datetime | None
    topic: str | None
    user_name: str | None
    email: Value | None
    role: str | None
    ip_address: str | None
    location: str | None
    camera: str | None
    device: str | None
    os: str | None
    pc_name: str | None
    join_time: datetime | None
    leave_time: datetime | None
    provenance: Provenance
    extra: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.company_id, self.meeting_id, self.participant_key)

    @property
    def observed_at(self) -> datetime | None:
        return self.join_time or self.start_time


@dataclass(frozen=True, slots=True)
class SignIn:
    """An observation: one identity-provider event (Okta System Log, an Entra sign-in, a
    Google Workspace login activity...).

    ``source_system`` is the name of the format that read it: the format registry
    (``fauxhire.ingest.FORMATS``) vouches for the names, so a new identity provider is a new
    format there, not a change here."""

    source_system: str
    event_id: str
    company_id: str
    observed_at: datetime
    event_type: str
    outcome: str | None
    user: Value | None  # the work account (Okta actor.alternateId, Entra userPrincipalName, ...)
    user_display_name: str | None
    ip_address: str | None
    city: str | None
    state: str | None
    country: str | None
    user_agent: str | None
    device: str | None
    asn: int | None
    as_org: str | None
    isp: str | None
    is_proxy: bool | None
    risk_level: str | None
    risk_reasons: tuple[str, ...]
    behaviors: dict[str, str]
    ip_chain: tuple[str, ...]
    provenance: Provenance
    extra: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.source_system, self.company_id, self.event_id)


@dataclass(frozen=True, slots=True)
class Hire:
    """Onboarding and payroll facts for a hire (hr CSV)."""

    company_id: str
    candidate_id: str
    employee_id: str
    work_email: Value | None
    legal_name: Value | None
    start_date: date | None
    end_date: date | None
    shipping_address: Value | None
    payout_method: str | None
    payout_account: str | None  # the employer's keyed fingerprint, never the raw number
    device_id: str | None
    provenance: Provenance
    extra: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.company_id, self.employee_id)


@dataclass(frozen=True, slots=True)
class ReportSubject:
    names: tuple[Value, ...] = ()
    emails: tuple[Value, ...] = ()
    phones: tuple[Value, ...] = ()
    urls: tuple[Value, ...] = ()
    addresses: tuple[Value, ...] = ()
    candidate_ids: tuple[str, ...] = ()

    def values(self) -> tuple[Value, ...]:
        return self.names + self.emails + self.phones + self.urls + self.addresses


@dataclass(frozen=True, slots=True)
class EmployerReport:
    report_id: str
    reporting_company_id: str
    reported_at: datetime
    disposition: Literal["confirmed_fraud", "suspected", "cleared"]
    confidence: Literal["low", "medium", "high"]
    subject: ReportSubject
    summary: str | None
    provenance: Provenance
    extra: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.reporting_company_id, self.report_id)


@dataclass(frozen=True, slots=True)
class StixIndicator:
    """A STIX 2.1 indicator from partner intelligence, with the observables its pattern names."""

    stix_id: str
    name: str | None
    pattern: str
    pattern_type: str
    indicator_types: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime | None
    confidence: int | None
    created_by: str | None
    tlp: str | None
    observables: tuple[tuple[str, str], ...]  # (object path, value), e.g. ("ipv4-addr:value", ...)
    description: str | None
    provenance: Provenance
    raw: Json = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.stix_id,)


@dataclass(frozen=True, slots=True)
class IntelObject:
    """Any other STIX object of a bundle (sighting, identity, intrusion-set, relationship, ...)."""

    stix_id: str
    stix_type: str
    raw: Json
    provenance: Provenance

    @property
    def key(self) -> tuple[str, ...]:
        return (self.stix_id,)


Record = (
    Company
    | IpRange
    | Application
    | MeetingJoin
    | SignIn
    | Hire
    | EmployerReport
    | StixIndicator
    | IntelObject
)
