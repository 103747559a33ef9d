"""A small store in which one applicant, identity i-1, applied at three members, and the hub
knows things about it from the others: employer reports, and infrastructure shared with
flagged identities. The contract tests, the service tests and the API's leak tests read it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from fauxhire.domain import Applicant, EmployerReport, Hire, Provenance, Record, ReportSubject
from fauxhire.domain.values import Value, ValueKind
from fauxhire.ports import AssessmentRow, Link
from support.records import application

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
# (company, application id, candidate id, identity, applied at, e-mail, phone)
APPLIED = [
    ("acme", "app-acme-17", "cand-acme-3", "i-1", datetime(2025, 1, 10, 9, 0, tzinfo=UTC),
     "alex.k@example.com", "+15550100"),
    ("globex", "app-glx-31", "cand-glx-8", "i-1", datetime(2025, 3, 5, 9, 0, tzinfo=UTC),
     "alex.k@example.com", "+15550101"),
    ("initech", "app-ini-52", "cand-ini-4", "i-1", datetime(2025, 5, 20, 9, 0, tzinfo=UTC),
     "alex.k2@example.com", None),
    # Flagged (likely): shares i-1's e-mail address at globex.
    ("globex", "app-glx-40", "cand-glx-9", "i-2", datetime(2025, 4, 1, 9, 0, tzinfo=UTC),
     "alex.k@example.com", "+15550199"),
    # Flagged (very likely): paid into the payout account of i-1's hire at initech, and
    # shipped to the same address.
    ("umbrella", "app-umb-7", "cand-umb-2", "i-3", datetime(2025, 2, 1, 9, 0, tzinfo=UTC),
     "sam.q@example.net", "+15550300"),
    # Not flagged (unlikely): shares a phone number with i-1, which is not counted.
    ("umbrella", "app-umb-9", "cand-umb-5", "i-4", datetime(2025, 2, 2, 9, 0, tzinfo=UTC),
     "kim.r@example.net", "+15550101"),
]  # fmt: skip
# Each application's applicant as its company knows it.
NAMES = {
    "app-acme-17": ("Alex", "Kowal"), "app-glx-31": ("Aleks", "Kowalski"),
    "app-ini-52": ("Alexander", "Kowal"), "app-glx-40": ("Olek", "Nowicki"),
    "app-umb-7": ("Samir", "Quade"), "app-umb-9": ("Kimberly", "Rourke"),
}  # fmt: skip
LEVELS = {"i-1": "very likely", "i-2": "likely", "i-3": "very likely", "i-4": "unlikely"}
PAYOUT = "pk-77aa"
SHIPPING = ("12 Harbour Road, Springfield", "12 harbour rd springfield")
# (company, employee id, candidate id)
HIRED = [("initech", "emp-1", "cand-ini-4"), ("umbrella", "emp-2", "cand-umb-2")]
# (reporting company, report id, candidate id at it, disposition)
REPORTED = [
    ("globex", "rep-1", "cand-glx-8", "confirmed_fraud"),
    ("initech", "rep-2", "cand-ini-4", "suspected"),
    ("acme", "rep-3", "cand-acme-3", "suspected"),  # acme's own: not "elsewhere" for acme
]
EVIDENCE = [
    {
        "indicator": "shared-payout-account",
        "weight": 3.2,
        "detail": f"Payout account {PAYOUT} also paid at umbrella.",
        "sources": ["application:globex/app-glx-31", "hire:initech/emp-1"],
    }
]


class Writable(Protocol):
    def write_records(self, records: Any, *, now: datetime) -> int: ...
    def replace_links(self, links: Any, *, now: datetime) -> int: ...
    def replace_assessments(self, rows: Any, *, now: datetime) -> int: ...


def records() -> list[Record]:
    apps: list[Record] = [
        replace(
            application(app_id, email=email, phone=phone),
            company_id=company, candidate_id=candidate, applied_at=at,
            provenance=Provenance("canonical", "apps.jsonl", f"line {app_id}", company),
            applicant=_applicant(app_id, email, phone),
        )
        for company, app_id, candidate, _, at, email, phone in APPLIED
    ]  # fmt: skip
    hires: list[Record] = [
        Hire(
            company_id=company, candidate_id=candidate, employee_id=employee,
            work_email=None, legal_name=None, start_date=None, end_date=None,
            shipping_address=Value(ValueKind.ADDRESS, *SHIPPING), payout_method="bank",
            payout_account=PAYOUT, device_id=None,
            provenance=Provenance("hr", "hr.csv", f"line {employee}", company),
        )
        for company, employee, candidate in HIRED
    ]  # fmt: skip
    reports: list[Record] = [
        EmployerReport(
            report_id=report, reporting_company_id=company, reported_at=NOW,
            disposition=disposition,  # type: ignore[arg-type]
            confidence="high", subject=ReportSubject(candidate_ids=(candidate,)),
            summary=None, provenance=Provenance("reports", "reports.jsonl", report, company),
        )
        for company, report, candidate, disposition in REPORTED
    ]  # fmt: skip
    return [*apps, *hires, *reports]


def _applicant(app_id: str, email: str, phone: str | None) -> Applicant:
    first, last = NAMES[app_id]
    return replace(
        application(app_id, email=email, phone=phone).applicant,
        first_name=first,
        last_name=last,
        name=Value(ValueKind.NAME, f"{first} {last}", f"{first} {last}".lower()),
    )


def store_world(store: Writable) -> None:
    """The records, linked and assessed as link and assess would leave them (the join of the
    reports is the caller's: the memory store has none)."""
    store.write_records(records(), now=NOW)
    store.replace_links(
        [Link(company, app_id, who, "net-7") for company, app_id, _, who, *_ in APPLIED], now=NOW
    )
    store.replace_assessments(
        [
            AssessmentRow("identity", who, "net-7", 0.9, level, EVIDENCE if who == "i-1" else [])
            for who, level in LEVELS.items()
        ],
        now=NOW,
    )
