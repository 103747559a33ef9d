"""Ingesting files into the store: chunked, resumable, idempotent, never stopped by a bad record.

For each file: its content hash names the ingest. Content already ingested is skipped; content
whose ingest was interrupted resumes after the last committed chunk; a record that fails
validation, or repeats a key seen earlier in the same file, is quarantined and the rest goes in.
A file that cannot be read as its format at all is refused and recorded, and the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fauxhire.domain import Record
from fauxhire.errors import ConfigError, IngestError
from fauxhire.ingest import FOLDER_LAYOUT, Format, IngestContext, Quarantined, SourceFile
from fauxhire.ingest.reading import relative_display
from fauxhire.store import Store
from fauxhire.store.rows import record_key

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
DEFAULT_CHUNK = 5000


class IngestProgress(Protocol):
    def file_started(self, display: str) -> None: ...
    def advanced(self, items: int) -> None: ...
    def file_finished(self, result: FileResult) -> None: ...


class _Silent:
    def file_started(self, display: str) -> None:
        pass

    def advanced(self, items: int) -> None:
        pass

    def file_finished(self, result: FileResult) -> None:
        pass


@dataclass(frozen=True, slots=True)
class FileResult:
    file: str
    format: str
    status: str  # done | skipped (already ingested) | refused
    records: int
    quarantined: int
    resumed_from: int = 0
    error: str | None = None


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def quarantine_key(fmt: str, company: str | None, sha256: str, q: Quarantined) -> str:
    return "\x1f".join((fmt, company or "", sha256, q.location, q.field))


def ingest_files(
    store: Store,
    fmt: Format,
    paths: Sequence[Path],
    *,
    company_id: str | None = None,
    root: Path | None = None,
    clock: Clock,
    context: IngestContext | None = None,
    progress: IngestProgress | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> list[FileResult]:
    """Ingest files of one format. ``company_id`` overrides the company named by file names."""
    progress = progress or _Silent()
    if context is None:
        context = IngestContext(company_countries=store.company_countries())
    results = []
    for path in paths:
        company = company_id or (path.stem if fmt.per_company else None)
        source = SourceFile(path, relative_display(path, root), company)
        progress.file_started(source.display)
        result = _ingest_one(store, fmt, source, context, clock, progress, chunk_size)
        progress.file_finished(result)
        _log_result(result)
        results.append(result)
    return results


def _log_result(result: FileResult) -> None:
    if result.status == "refused":
        log.error("%s: refused: %s", result.file, result.error)
    else:
        log.info(
            "%s: %s, %d records, %d quarantined",
            result.file,
            result.status,
            result.records,
            result.quarantined,
        )


def _ingest_one(
    store: Store,
    fmt: Format,
    source: SourceFile,
    context: IngestContext,
    clock: Clock,
    progress: IngestProgress,
    chunk_size: int,
) -> FileResult:
    try:
        sha256, size = sha256_of(source.path)
    except OSError as exc:
        raise ConfigError(
            f"cannot read {source.display}: {exc.strerror}", path=source.display
        ) from exc
    state = store.begin_file(
        fmt=fmt.name,
        company_id=source.company_id,
        sha256=sha256,
        size=size,
        display=source.display,
        now=clock(),
    )
    if state.status == "done":
        return FileResult(source.display, fmt.name, "skipped", state.records, state.quarantined)
    writer = store.chunk_writer()
    records: list[Record] = []
    quarantined: list[tuple[str, Quarantined]] = []
    done_before = state.items_done if state.status == "started" else 0
    n_records, n_quarantined, items = (
        (state.records, state.quarantined, 0) if done_before else (0, 0, 0)
    )
    seen: set[tuple[type, str]] = set()

    def flush() -> None:
        store.write_chunk(
            writer,
            file_id=state.file_id,
            fmt=fmt.name,
            now=clock(),
            records=records,
            quarantined=quarantined,
            progress=(items, n_records, n_quarantined),
        )
        progress.advanced(len(records) + len(quarantined))
        records.clear()
        quarantined.clear()

    try:
        for item in fmt.adapter(source, context):
            items += 1
            if not isinstance(item, Quarantined):
                identity = (type(item), record_key(item))
                if identity in seen:
                    item = _duplicate(item)
                else:
                    seen.add(identity)
            if items <= done_before:
                continue  # committed by an earlier, interrupted run
            if isinstance(item, Quarantined):
                quarantined.append(
                    (quarantine_key(fmt.name, source.company_id, sha256, item), item)
                )
                n_quarantined += 1
            else:
                records.append(item)
                n_records += 1
            if len(records) + len(quarantined) >= chunk_size:
                flush()
    except IngestError as exc:
        flush()
        return _refuse(
            store, fmt, source, sha256, state.file_id, exc, clock, n_records, n_quarantined
        )
    flush()
    store.finish_file(state.file_id, status="done", now=clock())
    return FileResult(
        source.display, fmt.name, "done", n_records, n_quarantined, resumed_from=done_before
    )


def _duplicate(record: Record) -> Quarantined:
    prov = record.provenance
    return Quarantined(
        prov.file,
        prov.location,
        _KEY_FIELDS.get(type(record).__name__, "id"),
        f"duplicate id {'/'.join(record.key)!r}: an earlier record in this file has it",
        "duplicate_id",
    )


_KEY_FIELDS = {
    "Company": "company_id",
    "IpRange": "network",
    "Application": "application_id",
    "MeetingJoin": "participant_uuid",
    "SignIn": "id",
    "Hire": "employee_id",
    "EmployerReport": "report_id",
    "Indicator": "id",
    "IntelObject": "id",
}


def _refuse(
    store: Store,
    fmt: Format,
    source: SourceFile,
    sha256: str,
    file_id: int,
    exc: IngestError,
    clock: Clock,
    n_records: int,
    n_quarantined: int,
) -> FileResult:
    """A file-level error: record it in quarantine (so `quarantine list` shows it) and go on."""
    entry = Quarantined(source.display, exc.location or "(file)", exc.field, exc.reason, exc.code)
    key = quarantine_key(fmt.name, source.company_id, sha256, entry)
    store.write_chunk(
        store.chunk_writer(),
        file_id=file_id,
        fmt=fmt.name,
        now=clock(),
        records=[],
        quarantined=[(key, entry)],
        progress=(0, n_records, n_quarantined + 1),
    )
    store.finish_file(file_id, status="refused", now=clock(), error=str(exc))
    return FileResult(
        source.display, fmt.name, "refused", n_records, n_quarantined + 1, error=str(exc)
    )


def folder_files(folder: Path) -> list[tuple[Format, list[Path]]]:
    """The files of an input folder (FORMATS.md section 1), by format, in ingest order."""
    from fauxhire.ingest import get_format

    if not folder.is_dir():
        raise ConfigError(f"not a folder: {folder}", path=str(folder))
    if not (folder / "companies.csv").is_file():
        raise ConfigError(
            f"{folder} is not an input folder: it has no companies.csv (FORMATS.md section 1)",
            path=str(folder),
        )
    found = []
    for name, pattern in FOLDER_LAYOUT:
        paths = sorted(p for p in folder.glob(pattern) if p.is_file())
        if paths:
            found.append((get_format(name), paths))
    return found


def run_folder(
    store: Store,
    folder: Path,
    *,
    clock: Clock,
    progress: IngestProgress | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    on_format: Callable[[Format, Iterable[Path]], None] | None = None,
) -> list[FileResult]:
    """Ingest a whole input folder; the context is refreshed once companies are in."""
    results: list[FileResult] = []
    for fmt, paths in folder_files(folder):
        if on_format is not None:
            on_format(fmt, paths)
        context = IngestContext(company_countries=store.company_countries())
        results += ingest_files(
            store,
            fmt,
            paths,
            root=folder,
            clock=clock,
            context=context,
            progress=progress,
            chunk_size=chunk_size,
        )
    return results
