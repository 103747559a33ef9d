"""Parsing input files, in worker processes when there is enough to parse, in file order.

Workers parse and prepare rows (the CPU-heavy part of ingest); the one process that holds the
database connection writes them. Small files go to a worker in groups (one round trip for many
files), a large JSON Lines file in shards, a streamed format's file (STIX) in parts this
process reads off the stream; rows cross the process boundary as marshal bytes. A bounded
number of tasks is in flight, so memory stays flat whatever the input's size.
Without workers (one core, or too little to parse to pay for starting processes) the same
files are parsed here, lazily, in batches.

A file that is not its format (``IngestError``) is reported with the items it gave before the
error, and its group's other files go on.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

from fauxhire.errors import IngestError
from fauxhire.ingest import Format, IngestContext, Quarantined, SourceFile, get_format
from fauxhire.ingest.reading import looks_like_json_lines, shard_json_lines
from fauxhire.store.prepare import Prepared, Preparer, from_wire, to_wire

Batch = list[Prepared | Quarantined]

SHARD_BYTES = 4 << 20  # about 5,000 applications: a unit of work for one worker process
TASK_BYTES = 2 << 20  # small files go to a worker in groups of about this much
TASK_FILES = 256
PARALLEL_MIN_BYTES = 16 << 20  # below this, starting worker processes costs more than it saves
BATCH_ITEMS = 1000  # items a batch, parsed here
PART_ITEMS = 500  # items of a streamed file a worker parses at a time: STIX, about 0.5 s

_worker_state: dict[str, Preparer] = {}


def _init_worker(dialect: str) -> None:
    gc.disable()  # see services.ingest._no_cyclic_gc; this process does nothing else
    _worker_state["preparer"] = Preparer(dialect)


def _parse_group(
    fmt_name: str, context: IngestContext, sources: list[SourceFile]
) -> list[tuple[bytes, IngestError | None]]:
    """Each source parsed and prepared: its items as marshal bytes, and its error if any."""
    fmt, preparer = get_format(fmt_name), _worker_state["preparer"]
    out = []
    for source in sources:
        items: Batch = []
        error = None
        try:
            for item in fmt.adapter(source, context):
                items.append(item if isinstance(item, Quarantined) else preparer.prepare(item))
        except IngestError as exc:
            error = exc
        out.append((to_wire(items), error))
    return out


def _parse_part(
    fmt_name: str, context: IngestContext, part: Any
) -> tuple[bytes, IngestError | None]:
    """A part of a streamed file parsed and prepared: its items as marshal bytes."""
    fmt, preparer = get_format(fmt_name), _worker_state["preparer"]
    items: Batch = []
    error = None
    gc.enable()  # a streamed format's parsers make reference cycles (Format.streamed)
    try:
        for item in fmt.part_parser(part, context):
            items.append(item if isinstance(item, Quarantined) else preparer.prepare(item))
    except IngestError as exc:
        error = exc
    finally:
        gc.disable()
    return to_wire(items), error


def _load_part_parser(fmt_name: str) -> None:
    get_format(fmt_name).part_parser  # noqa: B018 (imported, not called)


class ParsePool:
    """Worker processes for one ingest run, started on first need, shut down on exit."""

    def __init__(
        self,
        dialect: str,
        workers: int,
        *,
        min_bytes: int = PARALLEL_MIN_BYTES,
        part_items: int = PART_ITEMS,
    ) -> None:
        self.dialect = dialect
        self.workers = workers
        self.min_bytes = min_bytes  # less to parse than this, and no process is started for it
        self.part_items = part_items
        self._executor: ProcessPoolExecutor | None = None

    def worth_it(self, size: int) -> bool:
        """Whether to parse this many bytes in workers: once started, they are always worth it."""
        return self.workers > 1 and (self._executor is not None or size >= self.min_bytes)

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn, not fork: the parent holds database connections a forked child must not
            # share. An executor, not a Pool: a worker that dies breaks it loudly, not hangs it.
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.dialect,),
            )
        return self._executor

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None


def iter_parsed(
    fmt: Format,
    context: IngestContext,
    files: Sequence[tuple[SourceFile, int]],
    preparer: Preparer,
    pool: ParsePool,
) -> Iterator[tuple[int, Iterator[Batch]]]:
    """``(index, batches)`` of each of ``files`` (source, size), in order; a file's batches
    raise ``IngestError`` after its last good item when the file cannot be read on. A large
    JSON Lines file comes as several consecutive pieces with the same index, one per shard."""
    if not pool.worth_it(fmt.parse_cost * sum(size for _, size in files)):
        for index, (source, _) in enumerate(files):
            yield index, _parse_here(fmt, context, source, preparer)
        return
    if fmt.streamed:
        yield from _parse_parts_in_workers(fmt, context, files, pool)
        return
    pieces = [piece for index, file in enumerate(files) for piece in _pieces(fmt, index, *file)]
    yield from _parse_in_workers(fmt, context, pieces, pool)


def _parse_here(
    fmt: Format, context: IngestContext, source: SourceFile, preparer: Preparer
) -> Iterator[Batch]:
    batch: Batch = []
    for item in fmt.adapter(source, context):
        batch.append(item if isinstance(item, Quarantined) else preparer.prepare(item))
        if len(batch) >= BATCH_ITEMS:
            yield batch
            batch = []
    yield batch


def _pieces(
    fmt: Format, index: int, source: SourceFile, size: int
) -> list[tuple[int, SourceFile, int]]:
    if fmt.line_oriented and size >= PARALLEL_MIN_BYTES and looks_like_json_lines(source.path):
        return [
            (index, replace(source, byte_range=(start, end), first_line=line), end - start)
            for start, end, line in shard_json_lines(source.path, SHARD_BYTES)
        ]
    return [(index, source, size)]


def _tasks(pieces: list[tuple[int, SourceFile, int]]) -> Iterator[list[tuple[int, SourceFile]]]:
    """Consecutive pieces in groups of about TASK_BYTES; a large piece is a task alone."""
    task: list[tuple[int, SourceFile]] = []
    size = 0
    for index, source, piece_size in pieces:
        task.append((index, source))
        size += piece_size
        if size >= TASK_BYTES or len(task) >= TASK_FILES:
            yield task
            task, size = [], 0
    if task:
        yield task


def _parse_in_workers(
    fmt: Format,
    context: IngestContext,
    pieces: list[tuple[int, SourceFile, int]],
    pool: ParsePool,
) -> Iterator[tuple[int, Iterator[Batch]]]:
    executor = pool.executor()
    tasks = _tasks(pieces)
    pending: deque[
        tuple[list[tuple[int, SourceFile]], Future[list[tuple[bytes, IngestError | None]]]]
    ]
    pending = deque()

    def submit() -> None:
        task = next(tasks, None)
        if task is not None:
            sources = [source for _, source in task]
            pending.append((task, executor.submit(_parse_group, fmt.name, context, sources)))

    for _ in range(2 * pool.workers + 1):
        submit()
    while pending:
        task, future = pending.popleft()
        results = future.result()
        submit()
        for (index, _), (wire, error) in zip(task, results, strict=True):
            yield index, _decoded(wire, error)


def _decoded(wire: bytes, error: IngestError | None) -> Iterator[Batch]:
    yield from_wire(wire)
    if error is not None:
        raise error


def _parse_parts_in_workers(
    fmt: Format, context: IngestContext, files: Sequence[tuple[SourceFile, int]], pool: ParsePool
) -> Iterator[tuple[int, Iterator[Batch]]]:
    """Each file's parts, read off its stream here and parsed in the workers, in order. A file
    that cannot be read (on) is reported after the parts it gave, as if parsed here."""
    executor = pool.executor()
    for _ in range(pool.workers):
        # The workers import the format's parsers while this process reads the first part
        # (for STIX a second or two each way, which would otherwise come one after the other).
        executor.submit(_load_part_parser, fmt.name)
    parts = _numbered_parts(fmt, context, files, pool.part_items)
    pending: deque[tuple[int, Future[tuple[bytes, IngestError | None]] | _FileEnd]] = deque()

    def submit() -> None:
        numbered = next(parts, None)
        if numbered is not None:
            index, part = numbered
            if not isinstance(part, _FileEnd):
                part = executor.submit(_parse_part, fmt.name, context, part)
            pending.append((index, part))

    for _ in range(2 * pool.workers + 1):
        submit()
    while pending:
        index, task = pending.popleft()
        if isinstance(task, _FileEnd):
            submit()
            yield index, _file_end(task.error)
            continue
        wire, error = task.result()
        submit()
        yield index, _decoded(wire, error)


@dataclass(frozen=True, slots=True)
class _FileEnd:
    """A file's last entry among the parts: why it could not be read on, or None."""

    error: IngestError | None


def _numbered_parts(
    fmt: Format, context: IngestContext, files: Sequence[tuple[SourceFile, int]], size: int
) -> Iterator[tuple[int, Any]]:
    for index, (source, _) in enumerate(files):
        try:
            for part in fmt.part_reader(source, context, size):
                yield index, part
        except IngestError as exc:
            yield index, _FileEnd(exc)
        else:
            yield index, _FileEnd(None)  # so that a file of no objects is finished too


def _file_end(error: IngestError | None) -> Iterator[Batch]:
    if error is not None:
        raise error
    yield []
