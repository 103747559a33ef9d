"""Parsing one large JSON Lines file in worker processes, shard by shard, in file order.

Workers parse and prepare rows (the CPU-heavy part of ingest); the one process that holds the
database connection writes them. Rows cross the process boundary as marshal bytes.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace

from fauxhire.ingest import Format, IngestContext, Quarantined, SourceFile, get_format
from fauxhire.ingest.reading import shard_json_lines
from fauxhire.store.writer import Prepared, Preparer, from_wire, to_wire

_worker_state: dict[str, object] = {}


def _init_worker(fmt_name: str, context: IngestContext, dialect: str) -> None:
    _worker_state.update(fmt=get_format(fmt_name), context=context, preparer=Preparer(dialect))


def _parse_shard(source: SourceFile) -> bytes:
    gc.disable()  # see _no_cyclic_gc; this process does nothing else
    fmt: Format = _worker_state["fmt"]  # type: ignore[assignment]
    context: IngestContext = _worker_state["context"]  # type: ignore[assignment]
    preparer: Preparer = _worker_state["preparer"]  # type: ignore[assignment]
    return to_wire([
        item if isinstance(item, Quarantined) else preparer.prepare(item)
        for item in fmt.adapter(source, context)
    ])  # fmt: skip


def parallel_batches(
    dialect: str,
    fmt: Format,
    source: SourceFile,
    context: IngestContext,
    workers: int,
    shard_bytes: int,
) -> Iterator[list[Prepared | Quarantined]]:
    """The items of a JSON Lines file in file order, parsed and prepared by worker processes,
    with a bounded number of shards in flight so memory stays flat whatever the file's size."""
    shards = [
        replace(source, byte_range=(start, end), first_line=line)
        for start, end, line in shard_json_lines(source.path, shard_bytes)
    ]
    # spawn, not fork: the parent holds database connections a forked child must not share.
    # An executor, not a Pool: a worker that dies breaks it loudly instead of hanging it.
    executor = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(fmt.name, context, dialect),
    )
    with executor:
        pending: deque[Future[bytes]] = deque()
        for shard in shards:
            pending.append(executor.submit(_parse_shard, shard))
            if len(pending) >= 2 * workers + 1:
                yield from_wire(pending.popleft().result())
        while pending:
            yield from_wire(pending.popleft().result())
