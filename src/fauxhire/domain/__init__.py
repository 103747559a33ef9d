"""Pure values and records: no I/O, no clock, no database. Everything else builds on these."""

from fauxhire.domain.evidence import (
    ComparisonEvidence,
    Evidence,
    IndicatorEvidence,
    SharedEvidence,
)
from fauxhire.domain.outcomes import Assessment, AuditEvent, Identity, Link, LinkEdge, Network
from fauxhire.domain.records import (
    Applicant,
    Application,
    Company,
    EmployerReport,
    Hire,
    IntelObject,
    IpRange,
    MeetingJoin,
    Provenance,
    Record,
    ReportSubject,
    SignIn,
    StixIndicator,
)
from fauxhire.domain.values import Value, ValueKind

__all__ = [
    "Applicant",
    "Application",
    "Assessment",
    "AuditEvent",
    "Company",
    "ComparisonEvidence",
    "EmployerReport",
    "Evidence",
    "Hire",
    "Identity",
    "IndicatorEvidence",
    "IntelObject",
    "IpRange",
    "Link",
    "LinkEdge",
    "MeetingJoin",
    "Network",
    "Provenance",
    "Record",
    "ReportSubject",
    "SharedEvidence",
    "SignIn",
    "StixIndicator",
    "Value",
    "ValueKind",
]
