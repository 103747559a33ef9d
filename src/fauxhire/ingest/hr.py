"""hr/<company_id>.csv (docs/formats.md section 8): onboarding and payroll facts for hires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BeforeValidator

from fauxhire.domain import Hire, Provenance
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.csv_rows import iter_csv_rows
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import NonEmptyStr, OptionalDate, Wire, iter_valid

SOURCE_SYSTEM = "hr"


def _blank(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value.lower() if value else None
    return value


class HrRow(Wire):
    candidate_id: NonEmptyStr
    employee_id: NonEmptyStr
    work_email: str | None = None
    legal_name: str | None = None
    start_date: OptionalDate = None
    end_date: OptionalDate = None
    shipping_address: str | None = None
    payout_method: Annotated[
        Literal["bank", "payoneer", "wise", "paypal", "crypto", "check"] | None,
        BeforeValidator(_blank),
    ] = None
    payout_account: str | None = None
    device_id: str | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "hr")
    rows = iter_csv_rows(
        source,
        context,
        required=("candidate_id", "employee_id", "work_email"),
        expect="hr CSV (docs/formats.md section 8)",
    )
    for item in iter_valid(rows, HrRow, source):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, row = item
        values = ValueCollector()
        yield Hire(
            company_id=company_id,
            candidate_id=row.candidate_id,
            employee_id=row.employee_id,
            work_email=values.one_email(row.work_email),
            legal_name=values.one_name(row.legal_name),
            start_date=row.start_date,
            end_date=row.end_date,
            shipping_address=values.one_address(row.shipping_address),
            payout_method=row.payout_method,
            payout_account=row.payout_account or None,
            device_id=row.device_id or None,
            provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
            extra=values.extra(row.unknown_fields()),
        )
