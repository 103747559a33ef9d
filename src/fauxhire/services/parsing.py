"""Parsing input files, in worker processes when there is enough to parse, in file order.

Workers parse and prepare rows (the CPU-heavy part of ingest); the one process that holds the
database connection writes them. Small files go to a worker in groups (one round trip for many
files), a large JSON Lines file in shards; rows cross the process boundary as marshal bytes.
A bounded number of tasks is in flight, so memory stays flat whatever the input's size.
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
from dataclasses import replace
from types import TracebackType

from fauxhire.errors import IngestError
from fauxhire.ingest import Format, IngestContext, Quarantined, SourceFile, get_format
from fauxhire.ingest.reading import looks_like_json_lines, shard_json_lines
from fauxhire.store.writer import Prepared, Preparer, from_wire, to_wire

Batch = list[Prepared | Quarantined]

SHARD_BYTES = 4 << 20  # about 5,000 applications: a unit of work for one worker process
TASK_BYTES = 2 << 20  # small files go to a worker in groups of about this much
TASK_FILES = 256
PARALLEL_MIN_BYTES = 16 << 20  # below this, starting worker processes costs more than it saves
BATCH_ITEMS = 1000  # items a batch, parsed here

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


class ParsePool:
    """Worker processes for one ingest run, started on first need, shut down on exit."""

    def __init__(self, dialect: str, workers: int, *, min_bytes: int = PARALLEL_MIN_BYTES) -> None:
        self.dialect = dialect
        self.workers = workers
        self.min_bytes = min_bytes  # less to parse than this, and no process is started for it
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
    if fmt.streamed or not pool.worth_it(sum(size for _, size in files)):
        for index, (source, _) in enumerate(files):
            yield index, _parse_here(fmt, context, source, preparer)
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
