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
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Protocol

from fauxhire.errors import ConfigError, IngestError
from fauxhire.ingest import FOLDER_LAYOUT, Format, IngestContext, InputLimits, SourceFile
from fauxhire.ingest.base import DEFAULT_MAX_FIELD_BYTES
from fauxhire.ingest.reading import relative_display
from fauxhire.services.batches import BatchWriter, FileJob
from fauxhire.services.parsing import PARALLEL_MIN_BYTES, ParsePool, iter_parsed
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


@dataclass(frozen=True, slots=True)
class FileResult:
    file: str
    format: str
    status: str  # done | skipped (already ingested) | refused
    records: int
    quarantined: int
    resumed_from: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What one format's files came to: the counts the log and the CLI show."""

    format: str
    files: int
    done: int
    skipped: int
    refused: int
    records: int  # of the files ingested or refused now; skipped files add nothing
    quarantined: int


def summarise(results: Sequence[FileResult]) -> list[IngestSummary]:
    """One summary a format, in the order the formats came."""
    by_format: dict[str, list[FileResult]] = {}
    for r in results:
        by_format.setdefault(r.format, []).append(r)
    out = []
    for fmt, group in by_format.items():
        worked = [r for r in group if r.status != "skipped"]
        out.append(
            IngestSummary(
                fmt,
                len(group),
                sum(r.status == "done" for r in group),
                len(group) - len(worked),
                sum(r.status == "refused" for r in group),
                sum(r.records for r in worked),
                sum(r.quarantined for r in worked),
            )
        )
    return out


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
) -> list[FileResult]:
    """Ingest files of one format, in order. ``company_id`` overrides the company named by
    file names.

    ``workers`` processes parse when there is enough to parse (default: one per core); a
    ``pool`` given is used, and left running, instead. A transaction commits at most
    ``chunk_size`` items, or the items of files of BATCH_BYTES.
    """
    started = time.perf_counter()
    progress = progress or _Silent()
    if context is None:
        context = IngestContext(company_countries=store.company_countries())
    paths, unread = readable_files(fmt, paths, root)
    sources = []
    for path in paths:
        display = relative_display(path, root)
        company = company_id or _company_of(fmt, path, display if root else None)
        sources.append(SourceFile(path, display, company))
    progress.files_started(fmt.name, len(sources) + len(unread))
    for result in unread:
        progress.file_done(result)
    entries = [FileEntry(s.company_id, *_hash(s), s.display) for s in sources]
    states = store.register_files(fmt.name, entries, now=clock())
    results: list[FileResult | None] = [None] * len(sources)
    jobs: dict[int, FileJob] = {}  # by file id: a content given twice is ingested once
    where: dict[int, int] = {}  # file id -> its place in the results
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
    )
    bulk = _is_bulk_load(store, fmt, sum(job.size for job in jobs.values()))
    if bulk:
        store.drop_secondary_indexes(fmt.tables)
    with ExitStack() as stack, nullcontext() if fmt.streamed else _no_cyclic_gc():
        if pool is None:
            pool = stack.enter_context(ParsePool(store.dialect, workers or os.cpu_count() or 1))
        _write_files(store, fmt, context, list(jobs.values()), writer, pool)
    if bulk:
        store.ensure_indexes()
    final = unread + _fill_duplicates(results, jobs, states)
    _log_summary(final, fmt.name, time.perf_counter() - started)
    return final


def readable_files(
    fmt: Format, paths: Sequence[Path], root: Path | None = None
) -> tuple[list[Path], list[FileResult]]:
    """The regular files among ``paths``, a folder standing for the files of the format inside
    it (``*.jsonl`` for applications), and a refused result for anything else: a FIFO would
    block the ingest for ever, and a device or socket is no file a user meant to give."""
    files: list[Path] = []
    unread: list[FileResult] = []
    for path in paths:
        shown = relative_display(path, root)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            unread.append(_unread(shown, fmt, f"cannot read it: {exc.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            inside = _files_in(path, fmt)
            log.info("%s: a folder; ingesting the %d %s files in it", shown, len(inside), fmt.name)
            more, refused = readable_files(fmt, inside, root)
            files += more
            unread += refused
        elif stat.S_ISREG(mode):
            files.append(path)
        else:
            unread.append(_unread(shown, fmt, f"not a regular file ({_kind(mode)}): not read"))
    return files, unread


def _files_in(folder: Path, fmt: Format) -> list[Path]:
    """The files of the format's suffix below a folder, in name order, without following
    links to folders (a link loop would never end)."""
    suffix = fmt.suffix
    found = []
    for top, _, names in os.walk(folder):
        found += [Path(top) / n for n in names if n.endswith(suffix) and not n.startswith(".")]
    return sorted(found)


def _unread(shown: str, fmt: Format, reason: str) -> FileResult:
    log.error("%s: refused: %s", shown, reason)
    return FileResult(shown, fmt.name, "refused", 0, 0, error=reason)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


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


def folder_files(folder: Path) -> list[tuple[Format, list[Path]]]:
    """The files of an input folder (docs/formats.md section 1), by format, in ingest order."""
    from fauxhire.ingest import get_format

    if not folder.is_dir():
        raise ConfigError(f"not a folder: {folder}", path=str(folder))
    if not (folder / "companies.csv").is_file():
        raise ConfigError(
            f"{folder} is not an input folder: it has no companies.csv (docs/formats.md section 1)",
            path=str(folder),
        )
    found: dict[str, list[Path]] = {}  # a format may have several globs: one ingest for all
    root = folder.resolve()
    for name, pattern in FOLDER_LAYOUT:
        paths = sorted(p for p in folder.glob(pattern) if _wanted(p, folder, root))
        if paths:
            found.setdefault(name, []).extend(paths)
    return [(get_format(name), paths) for name, paths in found.items()]


def _wanted(path: Path, folder: Path, root: Path) -> bool:
    """A regular file of the folder. A link to a file outside it is skipped, saying so: the
    folder may come from a partner, and a link could make us read (and quarantine excerpts
    of) any file this user can read. Anything but a regular file is skipped, saying so."""
    shown = relative_display(path, folder)
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        log.warning("%s: skipped: a link to a file outside the input folder", shown)
        return False
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        log.warning("%s: skipped: cannot read it: %s", shown, exc.strerror)
        return False
    if stat.S_ISDIR(mode):
        return False
    if not stat.S_ISREG(mode):
        log.warning("%s: skipped: not a regular file (%s)", shown, _kind(mode))
        return False
    return True


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
            )
    return results
