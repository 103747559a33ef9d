"""Ingesting files into the store: chunked, resumable, idempotent, never stopped by a bad record.

For each file: its content hash names the ingest. Content already ingested is skipped; content
whose ingest was interrupted resumes after the last committed chunk; a record that fails
validation, or repeats a key seen earlier in the same file, is quarantined and the rest goes in.
A file that cannot be read as its format at all is refused and recorded, and the batch goes on.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fauxhire.errors import ConfigError, IngestError
from fauxhire.ingest import FOLDER_LAYOUT, Format, IngestContext, Quarantined, SourceFile
from fauxhire.ingest.reading import looks_like_json_lines, relative_display
from fauxhire.services.shards import parallel_batches
from fauxhire.store import Store
from fauxhire.store.schema import KEY_SEP
from fauxhire.store.writer import Prepared

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
DEFAULT_CHUNK = 20000


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
    workers: int | None = None,
) -> list[FileResult]:
    """Ingest files of one format. ``company_id`` overrides the company named by file names.

    ``workers`` processes parse large JSON Lines files (default: one per core).
    """
    workers = workers or os.cpu_count() or 1
    progress = progress or _Silent()
    if context is None:
        context = IngestContext(company_countries=store.company_countries())
    results = []
    for path in paths:
        company = company_id or (path.stem if fmt.per_company else None)
        source = SourceFile(path, relative_display(path, root), company)
        progress.file_started(source.display)
        with _no_cyclic_gc():
            result = _ingest_one(store, fmt, source, context, clock, progress, chunk_size, workers)
        progress.file_finished(result)
        _log_result(result)
        results.append(result)
    return results


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Ingest makes millions of short-lived tuples and no reference cycles; the cyclic
    collector would rescan the growing heap again and again for nothing (a quarter of the
    run time at a million records). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


Batch = list["Prepared | Quarantined"]
SHARD_BYTES = 4 << 20  # about 5,000 applications: a unit of work for one worker process
PARALLEL_MIN_BYTES = 16 << 20  # below this, starting worker processes costs more than it saves


def _ingest_one(
    store: Store,
    fmt: Format,
    source: SourceFile,
    context: IngestContext,
    clock: Clock,
    progress: IngestProgress,
    chunk_size: int,
    workers: int,
) -> FileResult:
    try:
        sha256, size = sha256_of(source.path)
    except OSError as exc:
        reason = f"cannot read {source.display}: {exc.strerror}"
        raise ConfigError(reason, path=source.display) from exc
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
    done_before = state.items_done if state.status == "started" else 0
    counts = [state.records, state.quarantined] if done_before else [0, 0]
    writer = store.chunk_writer()
    records: list[Prepared] = []
    quarantined: list[tuple[str, Quarantined]] = []
    seen: set[tuple[str, str]] = set()
    items = 0

    def flush() -> None:
        store.write_chunk(
            writer,
            file_id=state.file_id,
            fmt=fmt.name,
            now=clock(),
            records=records,
            quarantined=quarantined,
            progress=(items, counts[0], counts[1]),
        )
        progress.advanced(len(records) + len(quarantined))
        records.clear()
        quarantined.clear()

    bulk = _is_bulk_load(store, fmt, size)
    if bulk:
        store.drop_secondary_indexes(fmt.tables)
    try:
        for batch in _batches(store, fmt, source, context, size, workers):
            for item in batch:
                items += 1
                if not isinstance(item, Quarantined):
                    identity = (item.table, item.key)
                    if identity in seen:
                        item = _duplicate(fmt, source, item)
                    else:
                        seen.add(identity)
                if items <= done_before:
                    continue  # committed by an earlier, interrupted run
                if isinstance(item, Quarantined):
                    key = quarantine_key(fmt.name, source.company_id, sha256, item)
                    quarantined.append((key, item))
                    counts[1] += 1
                else:
                    records.append(item)
                    counts[0] += 1
                if len(records) + len(quarantined) >= chunk_size:
                    flush()
    except IngestError as exc:
        flush()
        if bulk:
            store.ensure_indexes()
        return _refuse(store, fmt, source, sha256, state.file_id, exc, clock, counts[0], counts[1])
    flush()
    if bulk:
        store.ensure_indexes()
    store.finish_file(state.file_id, status="done", now=clock())
    return FileResult(
        source.display, fmt.name, "done", counts[0], counts[1], resumed_from=done_before
    )


def _is_bulk_load(store: Store, fmt: Format, size: int) -> bool:
    """A large file into a table it will at least quadruple: drop its indexes, rebuild after."""
    if not fmt.tables or size < PARALLEL_MIN_BYTES:
        return False
    incoming = size // 2000  # a generous guess of records: canonical lines run 0.5 to 2 kB
    return store.count(fmt.tables[0]) * 4 < incoming


def _batches(
    store: Store, fmt: Format, source: SourceFile, context: IngestContext, size: int, workers: int
) -> Iterator[Batch]:
    """The file's items in file order, records prepared as rows, in batches.

    A large JSON Lines file is cut into shards parsed by worker processes, a bounded number
    in flight so memory stays flat whatever the file's size; everything else is parsed here.
    """
    if (
        workers > 1
        and fmt.line_oriented
        and size >= PARALLEL_MIN_BYTES
        and looks_like_json_lines(source.path)
    ):
        yield from parallel_batches(store.dialect, fmt, source, context, workers, SHARD_BYTES)
        return
    preparer = store.preparer()
    batch: Batch = []
    for item in fmt.adapter(source, context):
        batch.append(item if isinstance(item, Quarantined) else preparer.prepare(item))
        if len(batch) >= 1000:
            yield batch
            batch = []
    yield batch


def _duplicate(fmt: Format, source: SourceFile, record: Prepared) -> Quarantined:
    shown = record.key.replace(KEY_SEP, "/")
    return Quarantined(
        source.display,
        record.location,
        _KEY_FIELDS.get(record.table, "id"),
        f"duplicate id {shown!r}: an earlier record in this file has it",
        "duplicate_id",
    )


_KEY_FIELDS = {
    "companies": "company_id",
    "ip_ranges": "network",
    "applications": "application_id",
    "meeting_participants": "participant_uuid",
    "signin_events": "id",
    "hires": "employee_id",
    "employer_reports": "report_id",
    "indicators": "id",
    "intel_objects": "id",
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
    workers: int | None = None,
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
            workers=workers,
        )
    return results
