"""Domain records for store tests, built from the few fields a test varies."""

from __future__ import annotations

from datetime import UTC, datetime

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.values import Value, ValueKind


def application(
    app_id: str = "a-1",
    *,
    title: str = "Backend Engineer",
    email: str = "a@example.com",
    phone: str | None = None,
    file: str = "apps.jsonl",
    line: str = "line 1",
) -> Application:
    """An application of Alex Example at company c-1, as a canonical file at ``file``:``line``
    would give it."""
    applicant = Applicant(
        first_name="Alex",
        last_name="Example",
        name=Value(ValueKind.NAME, "Alex Example", "alex example"),
        emails=(Value(ValueKind.EMAIL, email, email),),
        phones=(Value(ValueKind.PHONE, phone, phone.replace(" ", "")),) if phone else (),
    )
    return Application(
        company_id="c-1",
        application_id=app_id,
        candidate_id="p-1",
        applied_at=datetime(2025, 3, 3, 14, 2, 11, 120000, tzinfo=UTC),
        job_title=title,
        applicant=applicant,
        provenance=Provenance("canonical", file, line, "c-1"),
        stage="Technical Interview",
        is_interview=True,
        extra={"note": ["x", 1]},
    )
