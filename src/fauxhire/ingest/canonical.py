"""Canonical applications (docs/formats.md section 5): one JSON object a line, from any ATS
without a reader of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.normalise import location as loc
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import NonEmptyStr, UtcDatetime, Wire, iter_valid

SOURCE_SYSTEM = "canonical"


class CanonicalApplication(Wire):
    company_id: NonEmptyStr
    application_id: NonEmptyStr
    candidate_id: NonEmptyStr
    applied_at: UtcDatetime
    job_title: NonEmptyStr
    first_name: str
    last_name: str
    stage: str | None = None
    status: str | None = None
    interviewed_at: UtcDatetime | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    address: str | None = None
    addresses: list[str] | None = None
    urls: list[str] | None = None
    resume_text: str | None = None
    education: list[dict[str, Any]] | None = None
    employment: list[dict[str, Any]] | None = None
    source: str | None = None
    referred_by: str | None = None
    claimed_location: str | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    items = iter_json_items(
        source,
        context,
        expect="canonical applications (JSON Lines, docs/formats.md section 5)",
        raw_lines=True,
    )
    for item in iter_valid(items, CanonicalApplication, source):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, row = item
        if source.company_id and row.company_id != source.company_id:
            yield Quarantined(
                source.display,
                location,
                "company_id",
                f"company_id {row.company_id!r} differs from the file's company "
                f"{source.company_id!r}",
                "company_mismatch",
            )
            continue
        yield to_application(row, source, location, context)


def to_application(
    row: CanonicalApplication, source: SourceFile, location: str, context: IngestContext
) -> Application:
    values = ValueCollector()
    region = loc.country_of(row.claimed_location) or context.country_of(row.company_id)
    addresses = ([row.address] if row.address else []) + (row.addresses or [])
    applicant = Applicant(
        first_name=row.first_name,
        last_name=row.last_name,
        name=values.full_name(row.first_name, row.last_name),
        emails=values.emails(row.emails or ()),
        phones=values.phones(row.phones or (), region),
        addresses=values.addresses(addresses),
        urls=values.urls(row.urls or ()),
        resume_text=row.resume_text,
        education=tuple(row.education or ()),
        employment=tuple(row.employment or ()),
        claimed_location=row.claimed_location,
    )
    return Application(
        company_id=row.company_id,
        application_id=row.application_id,
        candidate_id=row.candidate_id,
        applied_at=row.applied_at,
        job_title=row.job_title,
        applicant=applicant,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, row.company_id),
        stage=row.stage,
        status=row.status,
        interviewed_at=row.interviewed_at,
        source=row.source,
        referred_by=row.referred_by,
        is_interview=row.interviewed_at is not None
        or (row.stage is not None and context.is_interview_stage(row.stage)),
        extra=values.extra(row.unknown_fields()),
    )
