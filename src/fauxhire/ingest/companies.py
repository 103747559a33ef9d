"""companies.csv (docs/formats.md section 2): the member and target company directory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

from pydantic import AfterValidator

from fauxhire.domain import Company, Provenance
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile
from fauxhire.ingest.csv_rows import iter_csv_rows
from fauxhire.ingest.wire import NonEmptyStr, Wire, iter_valid

SOURCE_SYSTEM = "companies"
COLUMNS = ("company_id", "name", "domain", "country", "naics", "tags")
KNOWN_TAGS = frozenset({"ai", "medtech", "gov-contractor", "crypto", "fintech", "staffing"})


def _country(value: str) -> str:
    value = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("must be an ISO 3166-1 alpha-2 code such as US")
    return value


def _naics(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not re.fullmatch(r"\d{2,6}", value):
        raise ValueError("must be a NAICS code of 2 to 6 digits")
    return value


class CompanyRow(Wire):
    company_id: NonEmptyStr
    name: NonEmptyStr
    domain: str | None = None
    country: Annotated[str, AfterValidator(_country)]
    naics: Annotated[str | None, AfterValidator(_naics)] = None
    tags: str = ""


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    rows = iter_csv_rows(
        source,
        context,
        required=("company_id", "name", "country"),
        expect="companies.csv (docs/formats.md section 2)",
    )
    for item in iter_valid(rows, CompanyRow, source):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, row = item
        tags = tuple(t.strip().lower() for t in row.tags.split(";") if t.strip())
        yield Company(
            company_id=row.company_id,
            name=row.name,
            domain=(row.domain or "").strip().lower() or None,
            country=row.country,
            naics=row.naics,
            tags=tags,
            provenance=Provenance(SOURCE_SYSTEM, source.display, location, row.company_id),
            extra=row.unknown_fields(),
        )
