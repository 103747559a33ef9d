"""Reading CSV files (companies.csv, ipintel.csv, HR exports) row by row, bounded.

Every problem that can be localised becomes a ``Quarantined`` row and the reading goes on: a
row of the wrong width, malformed quoting, bytes that are not UTF-8, a field or a line over its
limit. A file without the required columns is the wrong format and is refused whole.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any, TextIO

from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile
from fauxhire.ingest.reading import SCAN, excerpt, head_of, record_too_large

SURROGATE = re.compile("[\udc80-\udcff]")  # an undecodable byte, as surrogateescape reads it


class _BoundedText:
    """The lines of a text file for the csv module, none longer than the limit: a longer one
    is read past in bounded pieces, noted, and given to csv as a blank line it skips."""

    def __init__(self, fh: TextIO, limit: int) -> None:
        self.fh = fh
        self.limit = limit
        self.line = 0
        self.oversized: list[tuple[int, int]] = []  # (line number, characters)

    def __iter__(self) -> _BoundedText:
        return self

    def __next__(self) -> str:
        line = self.fh.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.line += 1
        if len(line) <= self.limit or line.endswith("\n"):
            return line
        size = len(line)
        while not line.endswith("\n") and (line := self.fh.readline(SCAN)):
            size += len(line)
        self.oversized.append((self.line, size))
        return "\n"


def iter_csv_rows(
    source: SourceFile,
    context: IngestContext,
    *,
    required: tuple[str, ...],
    expect: str,
) -> Iterator[tuple[str, dict[str, str]] | Quarantined]:
    """Yield ``("line N", row)`` for each CSV data row; bad rows are quarantined.

    The header must name every required column (else the file is the wrong format). Columns
    beyond the header's are a bad row; columns the header names that we do not know are kept
    by the adapter as custom attributes.
    """
    head_of(source)  # empty and unreadable files fail here with their own message
    with source.path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        lines = _BoundedText(fh, context.limits.record_bytes)
        reader = csv.reader(lines)
        header = _header(reader, source, required, expect)
        yield from _rows(reader, lines, header, source, context)


def _header(
    reader: Iterator[list[str]], source: SourceFile, required: tuple[str, ...], expect: str
) -> list[str]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise IngestError("file is empty", source=source.display, code="empty_file") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise WrongFormatError(
            f"expected {expect} with columns {', '.join(required)}; "
            f"the header lacks {', '.join(missing)}",
            source=source.display,
            location="line 1",
        )
    return header


def _rows(
    reader: Any, lines: _BoundedText, header: list[str], source: SourceFile, context: IngestContext
) -> Iterator[tuple[str, dict[str, str]] | Quarantined]:
    max_field_bytes, max_record_bytes = context.max_field_bytes, context.limits.record_bytes
    width = len(header)
    while True:
        location = f"line {reader.line_num + 1}"
        try:
            fields = next(reader)
        except StopIteration:
            for number, size in lines.oversized:
                yield record_too_large(source, f"line {number}", size, max_record_bytes)
            return
        except csv.Error as exc:
            yield Quarantined(source.display, location, "", f"malformed CSV: {exc}", "bad_csv")
            continue
        for number, size in lines.oversized:
            yield record_too_large(source, f"line {number}", size, max_record_bytes)
        lines.oversized.clear()
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != width:
            yield Quarantined(
                source.display,
                location,
                "",
                f"row has {len(fields)} columns, the header has {width}",
                "bad_csv",
                excerpt(",".join(fields)),
            )
            continue
        row = dict(zip(header, fields, strict=True))
        if bad := _bad_text(row, source, location, max_field_bytes):
            yield bad
            continue
        yield location, row


def _bad_text(
    row: dict[str, str], source: SourceFile, location: str, limit: int
) -> Quarantined | None:
    for name, value in row.items():
        if SURROGATE.search(value):
            return Quarantined(source.display, location, name, "invalid UTF-8", "invalid_utf8")
        if len(value) > limit:
            return Quarantined(
                source.display,
                location,
                name,
                f"field is {len(value.encode('utf-8'))} bytes, over the {limit}-byte limit",
                "field_too_large",
            )
    return None
