"""Ingesting files into the store: batched, parallel, resumable, idempotent, never stopped by a
bad record.

Each file's content hash names its ingest. Content already ingested is skipped; content whose
ingest was interrupted resumes after its last committed item; a record that fails validation,
or repeats a key seen earlier in the same file, is quarantined and the rest goes in. A file that
cannot be read as its format at all is refused and recorded, and the others go on.

Files are parsed in worker processes when there is enough to parse (``services.parsing``) and
written many to a transaction (``services.batches``). What happened is logged once per call,
counts per outcome; each file's outcome is in the results and, at DEBUG level, in the log.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Protocol

from fauxhire.errors import ConfigError, IngestError
from fauxhire.ingest import Format, IngestContext, InputLimits, SourceFile
from fauxhire.ingest.base import DEFAULT_MAX_FIELD_BYTES
from fauxhire.ingest.reading import relative_display
from fauxhire.services.batches import BatchWriter, FileJob
from fauxhire.services.file_results import FileResult, IngestSummary, summarise
from fauxhire.services.input_files import folder_files, readable_files
from fauxhire.services.parsing import PARALLEL_MIN_BYTES, ParsePool, iter_parsed
from fauxhire.services.tombstones import TombstoneFilter
from fauxhire.store import Store
from fauxhire.store.store import FileEntry, FileState

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
DEFAULT_CHUNK = 20000
BATCH_BYTES = 32 << 20  # small files are committed together up to this much input


class IngestProgress(Protocol):
    def files_started(self, fmt: str, files: int) -> None: ...
    def advanced(self, items: int) -> None: ...
    def file_done(self, result: FileResult) -> None: ...


class _Silent:
    def files_started(self, fmt: str, files: int) -> None:
        pass

    def advanced(self, items: int) -> None:
        pass

    def file_done(self, result: FileResult) -> None:
        pass


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


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
    pool: ParsePool | None = None,
    tombstones: TombstoneFilter | None = None,
) -> list[FileResult]:
    """Ingest files of one format, in order. ``company_id`` overrides the company named by
    file names; ``tombstones`` quarantines the records of erased applicants.

    ``workers`` processes parse when there is enough to parse (default: one per core); a
    ``pool`` given is used, and left running, instead. A transaction commits at most
    ``chunk_size`` items, or the items of files of BATCH_BYTES.
    """
    started = time.perf_counter()
    progress = progress or _Silent()
    if context is None:
        context = IngestContext(company_countries=store.company_countries())
    paths, unread = readable_files(fmt, paths, root)
    sources = [_source(fmt, path, root, company_id) for path in paths]
    progress.files_started(fmt.name, len(sources) + len(unread))
    for result in unread:
        progress.file_done(result)
    entries = [FileEntry(s.company_id, *_hash(s), s.display) for s in sources]
    states = store.register_files(fmt.name, entries, now=clock())
    results: list[FileResult | None] = [None] * len(sources)
    jobs, where = _plan(fmt, sources, entries, states, results, progress)

    def done(job: FileJob) -> None:
        result = results[where[job.file_id]] = _result(job, fmt.name)
        progress.file_done(result)
        if result.status == "refused":
            log.error("%s: refused: %s", result.file, result.error)
        else:
            log.debug("%s: %d records, %d quarantined", result.file, job.records, job.quarantined)

    writer = BatchWriter(
        store,
        fmt.name,
        clock,
        max_items=chunk_size,
        max_bytes=BATCH_BYTES,
        on_file_done=done,
        on_items=progress.advanced,
        tombstones=tombstones,
    )
    _read_and_write(store, fmt, context, list(jobs.values()), writer, pool, workers)
    final = unread + _fill_duplicates(results, jobs, states)
    _log_summary(final, fmt.name, time.perf_counter() - started)
    return final


def _source(fmt: Format, path: Path, root: Path | None, company_id: str | None) -> SourceFile:
    display = relative_display(path, root)
    company = company_id or _company_of(fmt, path, display if root else None)
    return SourceFile(path, display, company)


def _plan(
    fmt: Format,
    sources: list[SourceFile],
    entries: list[FileEntry],
    states: list[FileState],
    results: list[FileResult | None],
    progress: IngestProgress,
) -> tuple[dict[int, FileJob], dict[int, int]]:
    """The files to read, by file id (a content given twice is read once), and each one's
    place in ``results``; a file whose content is ingested already is a skipped result now."""
    jobs: dict[int, FileJob] = {}
    where: dict[int, int] = {}
    for index, (source, entry, state) in enumerate(zip(sources, entries, states, strict=True)):
        if state.status == "done" or state.file_id in jobs:
            skipped = FileResult(
                source.display, fmt.name, "skipped", state.records, state.quarantined
            )
            results[index] = skipped
            progress.file_done(skipped)
        else:
            jobs[state.file_id] = _job(source, entry, state)
            where[state.file_id] = index
    return jobs, where


def _read_and_write(
    store: Store,
    fmt: Format,
    context: IngestContext,
    jobs: list[FileJob],
    writer: BatchWriter,
    pool: ParsePool | None,
    workers: int | None,
) -> None:
    """The files parsed (in ``pool``, else in workers started for them) and written. A load
    big enough builds its secondary indexes once at the end, not row by row."""
    bulk = _is_bulk_load(store, fmt, sum(job.size for job in jobs))
    if bulk:
        store.drop_secondary_indexes(fmt.tables)
    with ExitStack() as stack, nullcontext() if fmt.streamed else _no_cyclic_gc():
        if pool is None:
            pool = stack.enter_context(ParsePool(store.dialect, workers or os.cpu_count() or 1))
        _write_files(store, fmt, context, jobs, writer, pool)
    if bulk:
        store.ensure_indexes()


def _write_files(
    store: Store,
    fmt: Format,
    context: IngestContext,
    jobs: list[FileJob],
    writer: BatchWriter,
    pool: ParsePool,
) -> None:
    """Parse the files and write what they hold, in file order; a file that cannot be read
    on is refused, with what it gave before the error kept."""
    files = [(job.source, job.size) for job in jobs]
    parsed = iter_parsed(fmt, context, files, store.preparer(), pool)
    for index, pieces in groupby(parsed, key=itemgetter(0)):
        job = jobs[index]
        try:
            for _, batches in pieces:
                for batch in batches:
                    writer.add(job, batch)
        except IngestError as exc:
            writer.refuse(job, exc)
        else:
            writer.finish(job)
    writer.flush()


def _company_of(fmt: Format, path: Path, in_folder: str | None) -> str | None:
    """The company a per-company file names: its folder in an input folder's
    ``<format>/<company_id>/`` (FOLDER_LAYOUT), else the file's own name."""
    if not fmt.per_company:
        return None
    parts = in_folder.split("/") if in_folder and not Path(in_folder).is_absolute() else []
    return parts[1] if len(parts) == 3 else path.stem


def _hash(source: SourceFile) -> tuple[str, int]:
    try:
        return sha256_of(source.path)
    except OSError as exc:
        reason = f"cannot read {source.display}: {exc.strerror}"
        raise ConfigError(reason, path=source.display) from exc


def _job(source: SourceFile, entry: FileEntry, state: FileState) -> FileJob:
    job = FileJob(source, entry.sha256, entry.size, state.file_id)
    if state.status == "started" and state.items_done:
        job.resume_after = state.items_done
        job.items, job.records, job.quarantined = 0, state.records, state.quarantined
        job.committed = (state.items_done, state.records, state.quarantined)
    return job


def _result(job: FileJob, fmt: str) -> FileResult:
    return FileResult(
        job.source.display,
        fmt,
        job.status,
        job.records,
        job.quarantined,
        resumed_from=job.resume_after,
        error=job.error,
    )


def _fill_duplicates(
    results: list[FileResult | None], jobs: dict[int, FileJob], states: list[FileState]
) -> list[FileResult]:
    """A file whose content came earlier in the same call: skipped, with what that one stored."""
    out = []
    for result, state in zip(results, states, strict=True):
        assert result is not None
        job = jobs.get(state.file_id)
        if result.status == "skipped" and job is not None and state.status != "done":
            result = FileResult(result.file, result.format, "skipped", job.records, job.quarantined)
        out.append(result)
    return out


def _log_summary(results: list[FileResult], fmt: str, seconds: float) -> None:
    for s in summarise(results) or [IngestSummary(fmt, 0, 0, 0, 0, 0, 0)]:
        log.info(
            "%s: %s files in %.1f s: %s ingested, %s skipped (already ingested), %s refused; "
            "%s records, %s quarantined",
            s.format,
            f"{s.files:,}",
            seconds,
            f"{s.done:,}",
            f"{s.skipped:,}",
            f"{s.refused:,}",
            f"{s.records:,}",
            f"{s.quarantined:,}",
        )


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


def _is_bulk_load(store: Store, fmt: Format, size: int) -> bool:
    """Much input into a table it will at least quadruple: drop its indexes, rebuild after."""
    if not fmt.tables or size < PARALLEL_MIN_BYTES:
        return False
    incoming = size // 2000  # a generous guess of records: canonical lines run 0.5 to 2 kB
    return store.count(fmt.tables[0]) * 4 < incoming


def run_folder(
    store: Store,
    folder: Path,
    *,
    clock: Clock,
    progress: IngestProgress | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int | None = None,
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES,
    limits: InputLimits | None = None,
    tombstones: TombstoneFilter | None = None,
) -> list[FileResult]:
    """Ingest a whole input folder; the context is refreshed once companies are in. Worker
    processes, once started, parse for every format after."""
    results: list[FileResult] = []
    with ParsePool(store.dialect, workers or os.cpu_count() or 1) as pool:
        for fmt, paths in folder_files(folder):
            context = IngestContext(
                company_countries=store.company_countries(),
                max_field_bytes=max_field_bytes,
                limits=limits or InputLimits(),
            )
            results += ingest_files(
                store,
                fmt,
                paths,
                root=folder,
                clock=clock,
                context=context,
                progress=progress,
                chunk_size=chunk_size,
                pool=pool,
                tombstones=tombstones,
            )
    return results
