"""Pure values and records: no I/O, no clock, no database. Everything else builds on these."""

from fauxhire.domain.records import (
    Applicant,
    Application,
    Company,
    EmployerReport,
    Hire,
    Indicator,
    IntelObject,
    IpRange,
    MeetingJoin,
    Provenance,
    Record,
    ReportSubject,
    SignIn,
)
from fauxhire.domain.shapes import Assessment, Evidence, Identity, Network
from fauxhire.domain.values import Value, ValueKind

__all__ = [
    "Applicant",
    "Application",
    "Assessment",
    "Company",
    "EmployerReport",
    "Evidence",
    "Hire",
    "Identity",
    "Indicator",
    "IntelObject",
    "IpRange",
    "MeetingJoin",
    "Network",
    "Provenance",
    "Record",
    "ReportSubject",
    "SignIn",
    "Value",
    "ValueKind",
]
