"""Writing the items of many files in few transactions, and never losing a good file to a bad one.

Files follow one another into a batch; the batch commits when it holds ``max_items`` items or
its finished files ``max_bytes`` of input, so a thousand small files cost a few commits, and a
large file is cut into several. Each commit writes the records, the quarantine entries and every
file's progress together: a killed ingest leaves whole batches, and each file's ``items_done``
says where a re-run resumes it.

When a batch fails in the store, its files are written again one by one: the good ones go in
and a file the store refuses on its own is recorded as refused, with the store's reason in
quarantine. A file is reported done (``on_file_done``) only once its last items are committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, cast

from fauxhire.errors import IngestError, StoreError
from fauxhire.ingest import Quarantined, SourceFile
from fauxhire.store import Store
from fauxhire.store.prepare import Prepared
from fauxhire.store.rows import KEY_FIELDS
from fauxhire.store.schema import KEY_SEP
from fauxhire.store.writer import FileProgress, QuarantineEntry

if TYPE_CHECKING:
    from fauxhire.services.tombstones import TombstoneFilter

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
STORE_REASON_CHARS = 500


@dataclass(eq=False, slots=True)
class FileJob:
    """One file being ingested: its content, and how far its ingest has got."""

    source: SourceFile
    sha256: str
    size: int
    file_id: int
    resume_after: int = 0  # items an interrupted earlier run committed: read past, not written
    items: int = 0  # items of the file met so far, in file order
    records: int = 0
    quarantined: int = 0
    status: str = "started"  # started | done | refused
    error: str | None = None
    committed: tuple[int, int, int] = (0, 0, 0)  # items, records, quarantined as stored
    seen: set[tuple[str, str]] = field(default_factory=set)

    def progress(self) -> FileProgress:
        return FileProgress(
            self.file_id, self.items, self.records, self.quarantined, self.status, self.error
        )


@dataclass(eq=False, slots=True)
class _Part:
    """What one file adds to the batch being gathered."""

    job: FileJob
    records: list[tuple[int, Prepared]] = field(default_factory=list)
    quarantined: list[QuarantineEntry] = field(default_factory=list)


def quarantine_key(fmt: str, company: str | None, sha256: str, q: Quarantined) -> str:
    return "\x1f".join((fmt, company or "", sha256, q.location, q.field))


class BatchWriter:
    def __init__(
        self,
        store: Store,
        fmt: str,
        clock: Clock,
        *,
        max_items: int,
        max_bytes: int,
        on_file_done: Callable[[FileJob], None],
        on_items: Callable[[int], None],
        tombstones: TombstoneFilter | None = None,
    ) -> None:
        self._store = store
        self._tombstones = tombstones
        self._writer = store.chunk_writer()
        self._fmt = fmt
        self._clock = clock
        self._max_items = max_items
        self._max_bytes = max_bytes
        self._on_file_done = on_file_done
        self._on_items = on_items
        self._parts: dict[int, _Part] = {}  # by file id, in the order the files came
        self._keys: set[tuple[str, str]] = set()  # (table, key) of the records in the batch
        self._items = 0
        self._bytes = 0

    def add(self, job: FileJob, items: Iterable[Prepared | Quarantined]) -> None:
        """The file's next items, in file order."""
        if job.status != "started":
            return  # refused by the store part-way: the rest of the file is not written
        part = self._part(job)
        for item in items:
            record = None if isinstance(item, Quarantined) else item
            if record is not None and self._tombstones is not None:
                item = self._tombstones.check(record)
                record = None if isinstance(item, Quarantined) else item
            if record is not None:
                identity = (record.table, record.key)
                if identity in job.seen:
                    item, record = _duplicate(job.source, record), None
                else:
                    job.seen.add(identity)
            if job.items < job.resume_after:
                job.items += 1
                continue  # committed by an earlier, interrupted run
            if record is not None and identity in self._keys:
                # Another file of the batch has the key: the store must hold the first before
                # it can tell whether the later one repeats it or conflicts with it.
                self.flush()
                if job.status != "started":
                    return  # the store refused this file's part: the rest is not written
                part = self._part(job)
            job.items += 1
            if record is not None:
                self._keys.add(identity)
                part.records.append((job.file_id, record))
                job.records += 1
            else:
                entry = cast(Quarantined, item)
                key = quarantine_key(self._fmt, job.source.company_id, job.sha256, entry)
                part.quarantined.append(QuarantineEntry(key, job.file_id, self._fmt, entry))
                job.quarantined += 1
            self._items += 1
            if self._items >= self._max_items:
                self.flush()
                if job.status != "started":
                    return
                part = self._part(job)

    def finish(self, job: FileJob) -> None:
        """The file has given all its items."""
        if job.status == "started":
            job.status = "done"
            self._ended(job)

    def refuse(self, job: FileJob, exc: IngestError) -> None:
        """The file cannot be read on: what it gave before stays, and the error is recorded."""
        if job.status != "started":
            return
        entry = Quarantined(
            job.source.display, exc.location or "(file)", exc.field, exc.reason, exc.code
        )
        key = quarantine_key(self._fmt, job.source.company_id, job.sha256, entry)
        self._part(job).quarantined.append(QuarantineEntry(key, job.file_id, self._fmt, entry))
        job.quarantined += 1
        job.status, job.error = "refused", str(exc)
        self._ended(job)

    def flush(self) -> None:
        """Commit the batch; if the store fails it, commit its files one at a time."""
        parts = list(self._parts.values())
        self._parts, self._keys, self._items, self._bytes = {}, set(), 0, 0
        if not parts:
            return
        try:
            self._write(parts)
        except StoreError as exc:
            if len(parts) == 1:
                self._refuse_stored(parts[0], exc)
                return
            log.warning(
                "a batch of %d files failed in the store (%s); writing them one at a time",
                len(parts),
                _cause(exc),
            )
            for part in parts:
                self._write_alone(part)
            return
        for part in parts:
            self._committed(part)

    def _part(self, job: FileJob) -> _Part:
        part = self._parts.get(job.file_id)
        if part is None:
            part = self._parts[job.file_id] = _Part(job)
        return part

    def _ended(self, job: FileJob) -> None:
        self._part(job)  # even with no items left to write, its status is
        self._bytes += job.size
        if self._bytes >= self._max_bytes:
            self.flush()

    def _write(self, parts: list[_Part]) -> None:
        conflicts = self._store.write_batch(
            self._writer,
            now=self._clock(),
            records=[pair for part in parts for pair in part.records],
            quarantined=[entry for part in parts for entry in part.quarantined],
            files=[part.job.progress() for part in parts],
        )
        for part in parts:  # records that met a stored one with other content: quarantined
            moved = conflicts.get(part.job.file_id, 0)
            part.job.records -= moved
            part.job.quarantined += moved

    def _write_alone(self, part: _Part) -> None:
        try:
            self._write([part])
        except StoreError as exc:
            self._refuse_stored(part, exc)
        else:
            self._committed(part)

    def _committed(self, part: _Part) -> None:
        job = part.job
        job.committed = (job.items, job.records, job.quarantined)
        self._on_items(len(part.records) + len(part.quarantined))
        if job.status != "started":
            self._on_file_done(job)

    def _refuse_stored(self, part: _Part, exc: StoreError) -> None:
        """The store refused the file's part on its own: the file is refused with that reason.

        Its earlier, committed parts stay, as those of a file refused for its content do. If
        even the refusal cannot be written the store itself is failing, and the error goes up.
        """
        job = part.job
        reason = f"the store refused this file's records: {_cause(exc)}"[:STORE_REASON_CHARS]
        entry = Quarantined(job.source.display, "(file)", "", reason, "store_error")
        key = quarantine_key(self._fmt, job.source.company_id, job.sha256, entry)
        job.items, job.records, job.quarantined = job.committed
        job.quarantined += 1
        job.status, job.error = "refused", reason
        self._store.write_batch(
            self._writer,
            now=self._clock(),
            quarantined=[QuarantineEntry(key, job.file_id, self._fmt, entry)],
            files=[job.progress()],
        )
        self._committed(_Part(job))


def _cause(exc: StoreError) -> str:
    """The driver's own message: SQLAlchemy's wrapper adds the statement, too long to keep."""
    cause = exc.__cause__ or exc
    return " ".join(str(getattr(cause, "orig", None) or cause).split())


def _duplicate(source: SourceFile, record: Prepared) -> Quarantined:
    shown = record.key.replace(KEY_SEP, "/")
    return Quarantined(
        source.display,
        record.location,
        KEY_FIELDS.get(record.table, "id"),
        f"duplicate id {shown!r}: an earlier record in this file has it",
        "duplicate_id",
    )
