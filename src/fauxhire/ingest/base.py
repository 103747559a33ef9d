"""What every source adapter shares: the file it reads, the context, and the quarantine item.

An adapter is a function ``iter_records(source, context)`` that yields domain records and
``Quarantined`` items in file order. It reads one file and nothing else (no database, no
network); the service decides what to do with what it yields. A file that is not the format
at all raises ``WrongFormatError`` before anything is yielded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxhire.domain import Record
from fauxhire.domain.quarantine import Quarantined as Quarantined
from fauxhire.errors import IngestError

DEFAULT_NON_INTERVIEW_STAGES = frozenset(
    {"", "application review", "application received", "new lead"}
)
DEFAULT_MAX_FIELD_BYTES = 1_048_576  # one field larger than this is quarantined, not stored


@dataclass(frozen=True, slots=True)
class InputLimits:
    """The most work one input may cause. Files come from strangers: a 600 KB .docx can hold
    200 MB of paragraphs, and a 1 KB line can name a file that never ends. What goes beyond a
    limit is refused or quarantined with the limit named, and the rest goes on."""

    record_bytes: int = 16 << 20  # one JSON line or CSV row
    document_bytes: int = 16 << 20  # a resume's content once decompressed (.docx parts, PDF)
    document_elements: int = 200_000  # XML elements of a .docx
    document_pages: int = 200  # pages of a PDF resume


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    display: str  # how provenance names the file: relative to the input folder when there is one
    company_id: str | None = None  # the member company the file came from
    # A shard of a JSON Lines file: the byte range to read and the number of its first line,
    # so worker processes can parse parts of one large file and still name true lines.
    byte_range: tuple[int, int] | None = None
    first_line: int = 1


@dataclass(frozen=True, slots=True)
class IngestContext:
    """What an adapter may know beyond its file, passed in so adapters stay pure and testable."""

    company_countries: Mapping[str, str] = field(default_factory=dict)
    non_interview_stages: frozenset[str] = DEFAULT_NON_INTERVIEW_STAGES
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES
    limits: InputLimits = field(default_factory=InputLimits)

    def is_interview_stage(self, stage: str | None) -> bool:
        return (stage or "").strip().casefold() not in self.non_interview_stages

    def country_of(self, company_id: str | None) -> str | None:
        return self.company_countries.get(company_id or "")


Item = Record | Quarantined
Adapter = Callable[[SourceFile, IngestContext], Iterator[Item]]
# A streamed format's file cut into parts of about this many items, each parsed on its own
# (in a worker process when there is much to parse): a part is anything picklable.
PartReader = Callable[[SourceFile, IngestContext, int], Iterator[Any]]
PartParser = Callable[[Any, IngestContext], Iterator[Item]]


def require_company(source: SourceFile, what: str) -> str:
    """The member company a per-company file came from; these formats do not carry it."""
    if not source.company_id:
        raise IngestError(
            f"{what} files do not name the employer: name the file <company_id>.json "
            "or give the company (e.g. --company)",
            source=source.display,
            field="company_id",
            code="company_required",
        )
    return source.company_id
