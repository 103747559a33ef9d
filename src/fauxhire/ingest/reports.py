"""reports/*.jsonl (docs/formats.md section 9): first-hand employer reports about a subject."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from fauxhire.domain import EmployerReport, Provenance, ReportSubject
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import NonEmptyStr, UtcDatetime, Wire, iter_valid

SOURCE_SYSTEM = "reports"


class Subject(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str] = []
    emails: list[str] = []
    phones: list[str] = []
    urls: list[str] = []
    addresses: list[str] = []
    candidate_ids: list[str] = []


class ReportRow(Wire):
    report_id: NonEmptyStr
    reporting_company_id: NonEmptyStr
    reported_at: UtcDatetime
    disposition: Literal["confirmed_fraud", "suspected", "cleared"]
    confidence: Literal["low", "medium", "high"]
    subject: Subject
    summary: str | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    items = iter_json_items(
        source,
        context,
        list_keys=("reports",),
        expect="employer reports (JSON Lines, docs/formats.md section 9)",
    )
    for item in iter_valid(items, ReportRow, source):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, row = item
        values = ValueCollector()
        region = context.country_of(row.reporting_company_id)
        subject = ReportSubject(
            names=values.names(row.subject.names),
            emails=values.emails(row.subject.emails),
            phones=values.phones(row.subject.phones, region),
            urls=values.urls(row.subject.urls),
            addresses=values.addresses(row.subject.addresses),
            candidate_ids=tuple(c.strip() for c in row.subject.candidate_ids if c.strip()),
        )
        yield EmployerReport(
            report_id=row.report_id,
            reporting_company_id=row.reporting_company_id,
            reported_at=row.reported_at,
            disposition=row.disposition,
            confidence=row.confidence,
            subject=subject,
            summary=row.summary,
            provenance=Provenance(
                SOURCE_SYSTEM, source.display, location, row.reporting_company_id
            ),
            extra=values.extra(row.unknown_fields()),
        )
