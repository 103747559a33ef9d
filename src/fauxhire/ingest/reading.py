"""Reading the containers every adapter shares: JSON (array, wrapped list, JSON Lines); CSV is
read by csv_rows.py.

The readers turn every problem they can localise into a ``Quarantined`` item and keep going;
only a file that cannot be read at all raises ``IngestError``. They tolerate a UTF-8 BOM, and
they never let one oversized field through: it is quarantined with its name and size.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest.base import IngestContext, InputLimits, Quarantined, SourceFile

BOM = b"\xef\xbb\xbf"
EXCERPT_CHARS = 300

csv.field_size_limit(sys.maxsize)  # we check sizes ourselves, so the error names the field
DEFAULT_RECORD_BYTES = InputLimits().record_bytes
SCAN = 1 << 20  # bytes read at a time while skipping the rest of an oversized line


def excerpt(raw: str | bytes) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return text[:EXCERPT_CHARS]


def largest_field(obj: Any, path: str = "") -> tuple[str, int]:
    """The JSON pointer and size in bytes of the largest string inside ``obj``."""
    if isinstance(obj, str):
        return path, len(obj.encode("utf-8", "surrogatepass"))
    best = (path, 0)
    items: Iterable[tuple[str, Any]]
    if isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, list):
        items = ((str(i), v) for i, v in enumerate(obj))
    else:
        return best
    for name, value in items:
        found = largest_field(value, f"{path}/{name}")
        if found[1] > best[1]:
            best = found
    return best


def oversized(obj: Any, limit: int, source: SourceFile, location: str) -> Quarantined | None:
    pointer, size = largest_field(obj)
    if size <= limit:
        return None
    return Quarantined(
        source.display,
        location,
        pointer.lstrip("/") or "(record)",
        f"field is {size} bytes, over the {limit}-byte limit",
        code="field_too_large",
    )


def read_bytes(source: SourceFile) -> bytes:
    try:
        data = source.path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", source=source.display) from exc
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():
        raise IngestError("file is empty", source=source.display, code="empty_file")
    return data


def bounded_lines(fh: BinaryIO, limit: int, end: int | None = None) -> Iterator[bytes | int]:
    """The lines of a binary file up to byte ``end``; a line longer than ``limit`` comes as its
    length instead, and is never held whole: one line of a file can be any size."""
    while end is None or fh.tell() < end:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := fh.readline(SCAN)):
            size += len(line)
        yield size


def skip_line(fh: BinaryIO) -> None:
    """Read past the end of the current line, in bounded pieces."""
    while (piece := fh.readline(SCAN)) and not piece.endswith(b"\n"):
        pass


def shard_json_lines(path: Path, target_bytes: int) -> list[tuple[int, int, int]]:
    """Split a JSON Lines file at line ends into ``(start, end, first_line)`` byte ranges."""
    shards = []
    start, line = 0, 1
    with path.open("rb") as fh:
        while True:
            fh.seek(start + target_bytes)
            skip_line(fh)
            end = min(fh.tell(), path.stat().st_size)
            if end <= start:
                break
            fh.seek(start)
            line_count = 0
            while fh.tell() < end and (piece := fh.read(min(SCAN, end - fh.tell()))):
                line_count += piece.count(b"\n")
            shards.append((start, end, line))
            start, line = end, line + line_count
    return shards


def looks_like_json_lines(path: Path) -> bool:
    """A whole JSON object on the first line and more after it: JSON Lines, not one document.

    Cheap: reads two lines at most, and of a line longer than a record may be only its start,
    so it can be asked of a file of any size. A first line that long is taken for a record
    (one that will be quarantined by its size), not read whole to find out.
    """
    with path.open("rb") as fh:
        first = fh.readline(DEFAULT_RECORD_BYTES + 1).removeprefix(BOM).strip()
        if len(first) > DEFAULT_RECORD_BYTES:
            return first.startswith(b"{")
        second = fh.readline(SCAN).strip()
        while not second and fh.peek(1):
            second = fh.readline(SCAN).strip()
    if not first.startswith(b"{") or not second:
        return False
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return True


def _line_col(data: bytes, pos: int) -> str:
    line = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    return f"line {line} col {col}"


def iter_json_items(
    source: SourceFile,
    context: IngestContext,
    *,
    list_keys: tuple[str, ...] = (),
    expect: str,
    raw_lines: bool = False,
) -> Iterator[tuple[str, Any] | Quarantined]:
    """Yield ``(pointer_or_line, item)`` for each item of a JSON array, wrapped list or JSON Lines.

    ``expect`` names the format for the error a wrong file gets. With ``raw_lines`` a JSON
    Lines item is its line's bytes, unparsed, for an adapter whose model parses JSON itself
    (pydantic's ``model_validate_json`` is a third faster than parsing and then validating).
    """
    # From the context, always: an adapter that named its own limits could miss the user's.
    max_field_bytes, max_record_bytes = context.max_field_bytes, context.limits.record_bytes
    if source.byte_range is not None:
        start, end = source.byte_range
        with source.path.open("rb") as fh:
            fh.seek(start)
            if start == 0 and fh.read(len(BOM)) != BOM:
                fh.seek(0)
            lines = bounded_lines(fh, max_record_bytes, end)
            yield from _iter_json_lines(
                lines, source, max_field_bytes, expect, raw_lines, max_record_bytes
            )
        return
    head = head_of(source)
    if head == b"[" or (head == b"{" and not looks_like_json_lines(source.path)):
        data = read_bytes(source)
        yield from _iter_document(data, source, list_keys, max_field_bytes, expect)
        return
    # JSON Lines stream from disk, so a file of any size is read in constant memory.
    with source.path.open("rb") as fh:
        if fh.read(len(BOM)) != BOM:
            fh.seek(0)
        lines = bounded_lines(fh, max_record_bytes)
        yield from _iter_json_lines(
            lines, source, max_field_bytes, expect, raw_lines, max_record_bytes
        )


def head_of(source: SourceFile) -> bytes:
    """The first non-blank byte of a file; an empty or blank file is an error."""
    try:
        with source.path.open("rb") as fh:
            start = fh.read(1 << 16).removeprefix(BOM).lstrip()
            while not start and (piece := fh.read(SCAN)):  # blank so far: read on, in pieces
                start = piece.lstrip()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}", source=source.display) from exc
    if not start:
        raise IngestError("file is empty", source=source.display, code="empty_file")
    return start[:1]


def _iter_document(
    data: bytes, source: SourceFile, list_keys: tuple[str, ...], limit: int, expect: str
) -> Iterator[tuple[str, Any] | Quarantined]:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        reason = "invalid UTF-8" if "utf-8" in str(exc).lower() else "invalid or truncated JSON"
        raise IngestError(
            f"{reason}: {exc}",
            source=source.display,
            location=_line_col(data, exc.pos),
            code="invalid_json",
        ) from exc
    prefix = ""
    if isinstance(doc, dict):
        key = next((k for k in list_keys if isinstance(doc.get(k), list)), None)
        if key is None:
            # A single object is a list of one, for formats whose items are objects.
            items: list[Any] = [doc]
            prefix = None  # type: ignore[assignment]
        else:
            items = doc[key]
            prefix = f"/{key}"
    elif isinstance(doc, list):
        items = doc
    else:
        raise WrongFormatError(
            f"expected {expect}: a JSON array or object, got a JSON {type(doc).__name__}",
            source=source.display,
        )
    check_size = len(data) > limit
    for index, item in enumerate(items):
        location = "/" if prefix is None else f"{prefix}/{index}"
        if check_size and (bad := oversized(item, limit, source, location)):
            yield bad
            continue
        yield location, item


def _iter_json_lines(
    lines: Iterable[bytes | int],
    source: SourceFile,
    limit: int,
    expect: str,
    raw: bool = False,
    record_limit: int = DEFAULT_RECORD_BYTES,
) -> Iterator[tuple[str, Any] | Quarantined]:
    parsed_any = source.first_line > 1  # only the first shard may refuse the whole file
    for number, line in enumerate(lines, start=source.first_line):
        location = f"line {number}"
        if isinstance(line, int):
            yield record_too_large(source, location, line, record_limit)
            continue
        if not line.strip():
            continue
        if raw and len(line) <= limit:
            if not parsed_any and not line.lstrip().startswith((b"{", b"[")):
                raise WrongFormatError(
                    f"expected {expect} (JSON), but the file does not start with JSON",
                    source=source.display,
                )
            parsed_any = True
            yield location, line
            continue
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if not parsed_any and number == 1 and not line.lstrip().startswith((b"{", b"[")):
                raise WrongFormatError(
                    f"expected {expect} (JSON), but the file does not start with JSON",
                    source=source.display,
                ) from exc
            reason = "invalid UTF-8" if "utf-8" in str(exc).lower() else f"invalid JSON line: {exc}"
            yield Quarantined(source.display, location, "", reason, "invalid_json", excerpt(line))
            continue
        parsed_any = True
        if len(line) > limit and (bad := oversized(item, limit, source, location)):
            yield bad
            continue
        yield location, item


def record_too_large(source: SourceFile, location: str, size: int, limit: int) -> Quarantined:
    return Quarantined(
        source.display,
        location,
        "",
        f"the record is {size} bytes, over the {limit}-byte limit (max_record_bytes)",
        "record_too_large",
    )


def relative_display(path: Path, root: Path | None) -> str:
    """How provenance names a file: relative to the input folder when it is inside it."""
    if root is not None:
        try:  # a file found under the folder: no resolving (an lstat a path part) needed
            return shown_name(path.relative_to(root).as_posix())
        except ValueError:
            pass
        try:
            return shown_name(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            pass
    return shown_name(str(path))


def shown_name(name: str) -> str:
    """A file name as text every store and terminal takes: bytes that are not UTF-8 (which
    Python keeps as lone surrogates, and no database driver encodes) shown as ``\\xff``."""
    if name.isascii():
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")
