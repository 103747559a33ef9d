"""Writing a chunk of prepared records (prepare.py) in one transaction.

Writing runs in the one process that holds the connection.

One chunk is atomic: its records, their child rows, its quarantine entries and the file's
progress counter commit together or not at all. That is what makes a killed ingest safe to
re-run: the store holds whole chunks, and the file's ``items_done`` says where to resume.

A record whose key is stored already is never overwritten. With the same content it is a
no-op, so re-ingesting a file changes nothing; with other content (the same application in two
exports that disagree) the stored version is kept and the newcomer is quarantined, naming both
places, until an analyst decides: a later file silently replacing an earlier one lost data.
Child rows (an application's values, a report's subject values) are written with a new parent
only. SQLite takes ``executemany``; PostgreSQL takes ``COPY`` into a staging table and one
``INSERT ... SELECT ... ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, bindparam

from fauxhire.domain.quarantine import Quarantined
from fauxhire.enrich.pii import Sealer
from fauxhire.store import schema
from fauxhire.store.bulk import copy_rows
from fauxhire.store.conflicts import (
    Conflict,
    child_differences,
    conflict_entries,
    differences,
    held_record,
    version_of,
)
from fauxhire.store.prepare import Prepared, apply_converters, converters, sqlite_datetime
from fauxhire.store.rows import MAPPINGS_BY_TABLE, PREPARED_TAIL, WRITE_TAIL
from fauxhire.store.sealed import RowSealer
from fauxhire.store.storable import storable_text

ID_BATCH = 1000  # keys a statement: well under SQLite's and psycopg's parameter limits


class FileProgress(NamedTuple):
    """Where the ingest of one file stands once a batch commits: the items of the file seen
    so far (the point a killed ingest resumes from), what they became, and its status."""

    file_id: int
    items_done: int
    records: int
    quarantined: int
    status: str  # started | done | refused
    error: str | None = None


_PROGRESS_KEYS = ("id", "items", "records", "quarantined", "status", "error")


class QuarantineEntry(NamedTuple):
    key: str  # stable across re-runs, so a repeated ingest adds nothing
    file_id: int
    fmt: str
    item: Quarantined


class ChunkWriter:
    """Writes batches of prepared records for one backend; builds its SQL once.

    A batch may hold the records of many files (each row says which): the files' records, their
    quarantine entries and their progress commit together, in one transaction of the caller's.
    No key may appear twice in one batch; the caller starts a new batch before a repeat.
    Contact details are sealed (``sealed.py``) on their way into a table, opened when read
    back to compare: prepared rows, their hashes and versions stay those of the content.
    """

    def __init__(self, dialect: str, sealer: Sealer | None = None) -> None:
        self.dialect = dialect
        self._sealing = RowSealer(sealer)
        self._mark = "?" if dialect == "sqlite" else "%s"
        self._sql: dict[tuple[str, str], str] = {}
        self._quarantine_conv = converters(
            schema.quarantine, [c.name for c in schema.quarantine.columns], dialect
        )
        self._held_conv = converters(
            schema.held_records, [c.name for c in schema.held_records.columns], dialect
        )

    def write(
        self,
        conn: Connection,
        *,
        now: datetime,
        records: Sequence[tuple[int, Prepared]],
        quarantined: Sequence[QuarantineEntry],
        files: Sequence[FileProgress],
    ) -> dict[int, int]:
        """Write ``(file_id, record)`` pairs, quarantine entries and the files' progress.

        Returns, by file id, how many of its records met a stored record with other content:
        those are quarantined instead of stored, and the files' counts say so."""
        stamp: Any = sqlite_datetime(now) if self.dialect == "sqlite" else now
        by_table: dict[str, list[tuple[int, Prepared]]] = defaultdict(list)
        for pair in records:
            by_table[pair[1].table].append(pair)
        conflicts: list[Conflict] = []
        for table_name, group in by_table.items():
            conflicts += self._write_group(conn, schema.metadata.tables[table_name], group, stamp)
        entries = [*quarantined, *(QuarantineEntry(*e) for e in conflict_entries(conn, conflicts))]
        if entries:
            rows = [
                apply_converters(
                    (
                        key,
                        file_id,
                        fmt,
                        *(storable_text(text) for text in (q.file, q.location, q.field, q.reason)),
                        q.code,
                        storable_text(q.excerpt),
                        now,
                    ),
                    self._quarantine_conv,
                )
                for key, file_id, fmt, q in entries
            ]
            self._insert(conn, schema.quarantine, rows, on_conflict="nothing")
        if conflicts:  # after their entries, which they point at
            columns = [c.name for c in schema.held_records.columns]
            held = [self._sealing.seal_held(held_record(c)) for c in conflicts]
            rows = [apply_converters(tuple(h[c] for c in columns), self._held_conv) for h in held]
            self._insert(conn, schema.held_records, rows, on_conflict="nothing")
        moved: dict[int, int] = defaultdict(int)
        for conflict in conflicts:
            moved[conflict.file_id] += 1
        if files:
            files = [
                f._replace(records=f.records - moved[f.file_id], quarantined=f.quarantined + n)
                if (n := moved.get(f.file_id))
                else f
                for f in files
            ]
            self._update_files(conn, [_storable_error(f) for f in files], now)
        return dict(moved)

    @staticmethod
    def _update_files(conn: Connection, files: Sequence[FileProgress], now: datetime) -> None:
        t = schema.ingest_files
        counts: dict[str, Any] = {
            "items_done": bindparam("p_items"),
            "records": bindparam("p_records"),
            "quarantined": bindparam("p_quarantined"),
        }
        going = t.update().where(t.c.file_id == bindparam("p_id")).values(counts)
        finished = going.values(
            status=bindparam("p_status"), error=bindparam("p_error"), finished_at=now
        )
        for statement, group in (
            (going, [f for f in files if f.status == "started"]),
            (finished, [f for f in files if f.status != "started"]),
        ):
            if group:
                conn.execute(
                    statement,
                    [{f"p_{k}": v for k, v in zip(_PROGRESS_KEYS, f, strict=True)} for f in group],
                )

    def _write_group(
        self, conn: Connection, table: Table, group: list[tuple[int, Prepared]], stamp: Any
    ) -> list[Conflict]:
        """Insert the records whose key is new; of the others, those with other content than
        the stored record are returned as conflicts, and the identical ones left alone."""
        sqlite = self.dialect == "sqlite"
        before = self._max_id(conn, table) if sqlite else 0
        rows = [(*p.row, file_id, stamp) for file_id, p in group]
        inserted = self._insert(
            conn,
            table,
            self._sealing.seal_rows(table.name, MAPPINGS_BY_TABLE[table.name].columns, rows),
            on_conflict="keep",
            returning=not sqlite,
        )
        new: dict[str, int] | None = None  # the ids of the rows inserted now, by key
        if sqlite and inserted == len(group):
            new = self._new_ids(conn, table, [p for _, p in group], before)
        elif not sqlite and len(inserted) == len(group):
            new = dict(inserted)
        conflicts: list[Conflict] = []
        if new is None:
            new, conflicts = self._sort_out(
                conn, table, group, before, {} if sqlite else dict(inserted)
            )
        if group[0][1].children:
            self._write_children(conn, [p for _, p in group if p.key in new], new)
        return conflicts

    def _sort_out(
        self,
        conn: Connection,
        table: Table,
        group: list[tuple[int, Prepared]],
        before: int,
        inserted: dict[str, int],
    ) -> tuple[dict[str, int], list[Conflict]]:
        """Which records of the group were inserted now, and which met a stored record with
        other content. On SQLite a row inserted now is one above the largest id before.

        The content hash covers a record's own columns; its child rows (an applicant's emails
        and phones) are compared with the stored ones here, so a later export that changes
        only an email is a conflict too, not silently dropped."""
        stored = self._stored(conn, table, [p.key for _, p in group])
        hash_at = len(MAPPINGS_BY_TABLE[table.name].columns) + PREPARED_TAIL.index("content_hash")
        new: dict[str, int] = dict(inserted)
        met: list[tuple[int, Prepared]] = []  # records that met a stored one
        for file_id, p in group:
            ident = stored[p.key][0]
            if p.key in inserted or (self.dialect == "sqlite" and ident > before):
                new[p.key] = ident
            else:
                met.append((file_id, p))
        children = self._stored_children(conn, table, [stored[p.key][0] for _, p in met])
        conflicts: list[Conflict] = []
        for file_id, p in met:
            ident, content_hash, prov_file, prov_location, row = stored[p.key]
            changed = content_hash != p.row[hash_at]
            differ = differences(table.name, row, p.row) if changed else {}
            if p.children:
                own = {name: by_parent.get(ident, []) for name, by_parent in children.items()}
                differ |= child_differences(p.children, own)
            if changed or differ:
                conflicts.append(Conflict(file_id, p, prov_file, prov_location, differ))
        if conflicts:  # a version an analyst decided on is not put to them again
            decided = self._decided(conn, table, [c.record.key for c in conflicts])
            conflicts = [c for c in conflicts if version_of(c.record) not in decided[c.record.key]]
        return new, conflicts

    def _decided(self, conn: Connection, table: Table, keys: list[str]) -> dict[str, set[str]]:
        """The versions of these records an analyst has decided on, by record key: each one
        accepted or kept, and each one an accepted version replaced."""
        h, d = schema.held_records, schema.quarantine_decisions
        out: dict[str, set[str]] = defaultdict(set)
        for start in range(0, len(keys), ID_BATCH):
            batch = tuple(keys[start : start + ID_BATCH])
            marks = ",".join([self._mark] * len(batch))
            found = conn.exec_driver_sql(
                f"SELECT h.record_key, h.version, d.replaced_version FROM {h.name} h "
                f"JOIN {d.name} d ON d.quarantine_key = h.quarantine_key "
                f"WHERE h.record_table = {self._mark} AND h.record_key IN ({marks})",
                (table.name, *batch),
            )
            for key, version, replaced in found:
                out[key].update(v for v in (version, replaced) if v)
        return out

    def _stored_children(
        self, conn: Connection, table: Table, ids: list[int]
    ) -> dict[str, dict[int, list[tuple[Any, ...]]]]:
        """The child rows of stored records, by child table and then parent id, without the
        parent's id."""
        out: dict[str, dict[int, list[tuple[Any, ...]]]] = {}
        for child, _ in MAPPINGS_BY_TABLE[table.name].children if ids else ():
            columns = [c.name for c in child.columns]
            names, ref = ", ".join(columns), columns[0]
            by_parent: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
            for start in range(0, len(ids), ID_BATCH):
                batch = tuple(ids[start : start + ID_BATCH])
                marks = ",".join([self._mark] * len(batch))
                found = conn.exec_driver_sql(
                    f"SELECT {names} FROM {child.name} WHERE {ref} IN ({marks})", batch
                )
                for parent, *row in self._sealing.open_rows(child.name, columns, list(found)):
                    by_parent[parent].append(tuple(row))
            out[str(child.name)] = by_parent
        return out

    def _stored(
        self, conn: Connection, table: Table, keys: list[str]
    ) -> dict[str, tuple[int, str, str, str, tuple[Any, ...]]]:
        """The stored rows of these keys: id, content hash, file, location and own columns."""
        own = MAPPINGS_BY_TABLE[table.name].columns
        names = ("id", "content_hash", "prov_file", "prov_location", *own)
        out = {}
        for start in range(0, len(keys), ID_BATCH):
            batch = tuple(keys[start : start + ID_BATCH])
            marks = ",".join([self._mark] * len(batch))
            found = conn.exec_driver_sql(
                f"SELECT {', '.join(names)} FROM {table.name} WHERE key IN ({marks})",
                batch,
            )
            opened = self._sealing.open_rows(table.name, names, list(found))
            for ident, content_hash, prov_file, prov_location, *row in opened:
                out[row[0]] = (ident, content_hash, prov_file, prov_location, tuple(row))
        return out

    def _write_children(
        self, conn: Connection, parents: list[Prepared], ids: dict[str, int]
    ) -> None:
        """The child rows of parents inserted now: none can exist yet, so they go straight in."""
        if not parents:
            return
        for index, (child_name, _) in enumerate(parents[0].children):
            child = schema.metadata.tables[child_name]
            flat: list[list[Any]] = []
            for p in parents:
                ref = ids[p.key]
                rows = p.children[index][1]
                for row in rows:
                    row[0] = ref  # child rows are lists, made to have their parent's id set
                flat += rows
            flat = self._sealing.seal_rows(child_name, [c.name for c in child.columns], flat)
            if flat:
                self._insert(conn, child, flat, on_conflict="nothing", direct=True)

    @staticmethod
    def _max_id(conn: Connection, table: Table) -> int:
        return int(
            conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table.name}").scalar_one()
        )

    @staticmethod
    def _new_ids(
        conn: Connection, table: Table, group: list[Prepared], before: int
    ) -> dict[str, int] | None:
        """The ids of a group that was inserted whole as new rows, without a lookup, or None.

        SQLite gives a new row the largest id plus one, so when exactly len(group) rows above
        ``before`` now exist, in one run, they are the group's, in order. Anything else (a key
        that existed, another writer between our read and our write) falls back to a lookup.
        """
        count, low, high = conn.exec_driver_sql(
            f"SELECT count(*), min(id), max(id) FROM {table.name} WHERE id > ?", (before,)
        ).one()
        if count != len(group) or low != before + 1 or high != before + len(group):
            return None
        return {p.key: before + 1 + i for i, p in enumerate(group)}

    def _statement(self, table: Table, on_conflict: str) -> str:
        cached = self._sql.get((table.name, on_conflict))
        if cached is not None:
            return cached
        if on_conflict == "keep":
            mapping = MAPPINGS_BY_TABLE[table.name]
            columns = [*mapping.columns, *PREPARED_TAIL, *WRITE_TAIL]
        else:
            columns = [c.name for c in table.columns]
        unique = "key" if on_conflict == "keep" else None
        pk = unique or ", ".join(c.name for c in table.primary_key.columns)
        conflict = f"ON CONFLICT ({pk}) DO NOTHING"
        names = ", ".join(columns)
        if self.dialect == "postgresql":
            stage = f"stage_{table.name}"
            statement = (
                f"INSERT INTO {table.name} ({names}) SELECT DISTINCT ON ({pk}) {names} "
                f"FROM {stage} {conflict}"
            )
        else:
            marks = ", ".join([self._mark] * len(columns))
            statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks}) {conflict}"
        self._sql[(table.name, on_conflict)] = statement
        return statement

    def _insert(
        self,
        conn: Connection,
        table: Table,
        rows: Sequence[Sequence[Any]],
        *,
        on_conflict: str,
        returning: bool = False,
        direct: bool = False,
    ) -> Any:
        """Insert rows; how many went in on SQLite, and on PostgreSQL with ``returning`` the
        (key, id) of those that went in. ``direct`` copies straight into a table no row can
        conflict in."""
        statement = self._statement(table, on_conflict)
        if self.dialect == "postgresql":
            names = statement.split("(", 1)[1].split(")", 1)[0]
            if direct:
                copy_rows(conn, table.name, names, rows, stage=False)
                return []
            copy_rows(conn, table.name, names, rows)
            if returning:
                return [tuple(r) for r in conn.exec_driver_sql(statement + " RETURNING key, id")]
            conn.exec_driver_sql(statement)
            return []
        # The driver's own executemany, in the connection's open transaction: SQLAlchemy adds
        # nothing for raw SQL but a per-row check, and rows from workers arrive as lists.
        raw: Any = conn.connection.dbapi_connection
        cursor = raw.cursor()
        cursor.executemany(statement, rows)
        return cursor.rowcount  # the rows inserted: a conflict skipped counts none


def _storable_error(progress: FileProgress) -> FileProgress:
    if progress.error is None:
        return progress
    return progress._replace(error=storable_text(progress.error))
