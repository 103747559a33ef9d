"""The quarantine as analysts work it: its entries with their decisions, and the decisions
on conflicting duplicates.

A conflicting duplicate's later version is held whole (``held_records``) beside its entry. An
analyst accepts it, and it replaces the stored record, its child rows too, with the provenance
of the file it came from; or keeps the stored record, and the held version is dismissed. Either
way the decision is kept with who, why and when (``quarantine_decisions``), and an accepted
version keeps what it replaced there, so nothing that went in is lost.

Rows are moved as the writer wrote them, through the drivers' own values (``text`` queries),
so a held version goes back into its table exactly as ingest would have put it there.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, Table, TextClause, bindparam, insert, select, text

from fauxhire.store import schema
from fauxhire.store.bulk import insert_rows
from fauxhire.store.conflicts import CONFLICT_CODE, version_hash
from fauxhire.store.rows import JOIN_COLUMNS, MAPPINGS_BY_TABLE
from fauxhire.store.schema import KEY_SEP
from fauxhire.store.sealed import RowSealer
from fauxhire.store.store import Store

DECISIONS = ("accepted", "kept")
# Joins a record's own row holds are made again for the accepted version; those that point at
# it (a meeting joined to an application: has_meeting) still hold, by its key.
KEPT_JOIN_COLUMNS = frozenset({"has_meeting"})


class Decision(NamedTuple):
    quarantine_key: str
    decision: str  # accepted | kept
    analyst: str
    reason: str
    decided_at: datetime


class Replacement(NamedTuple):
    """A stored record replaced by an accepted version: the record and the two places."""

    record_table: str
    record_key: str
    replaced_file: str
    replaced_location: str
    file: str
    location: str


def read_entries(store: Store, *, file: str | None = None) -> list[dict[str, Any]]:
    """Every quarantine entry (of one file, if given), with, for a conflicting duplicate, the
    version it holds and the decision on it."""
    q, d = schema.quarantine, schema.quarantine_decisions
    query = _with_decisions(
        *(q.c[name] for name in ENTRY_COLUMNS),
        d.c.reason.label("decision_reason"),
    )
    if file is not None:
        query = query.where(q.c.file == file)
    return store.rows(query)


def read_conflicts(store: Store) -> list[dict[str, Any]]:
    """Every conflicting duplicate's entry, without its excerpt: key, file, location, the held
    version (None: quarantined before versions were held) and the decision on it."""
    q = schema.quarantine
    query = _with_decisions(q.c.key, q.c.file, q.c.location).where(q.c.code == CONFLICT_CODE)
    return store.rows(query)


ENTRY_COLUMNS = (
    "key",
    "file",
    "location",
    "field",
    "code",
    "reason",
    "format",
    "excerpt",
    "created_at",
)


def _with_decisions(*columns: Any) -> Select[Any]:
    """Entries' columns with their held version and the decision on them, if any."""
    q, h, d = schema.quarantine, schema.held_records, schema.quarantine_decisions
    decided = (h.c.version, d.c.decision, d.c.analyst, d.c.decided_at)
    joined = q.outerjoin(h, h.c.quarantine_key == q.c.key).outerjoin(
        d, d.c.quarantine_key == q.c.key
    )
    return select(*columns, *decided).select_from(joined)


def read_codes(store: Store) -> dict[str, str]:
    """Every quarantine entry's key and code."""
    q = schema.quarantine
    with store.transaction("read_quarantine_codes") as conn:
        return {str(key): str(code) for key, code in conn.execute(select(q.c.key, q.c.code))}


def conflict_record(quarantine_key: str) -> tuple[str, str]:
    """The table and key of the record a conflicting duplicate's entry is a version of, from
    the entry's key (``conflicts.conflict_key``): entries made before versions were held
    have no held row to say it."""
    code, _file_id, table, *parts = quarantine_key.split(KEY_SEP)
    if code != CONFLICT_CODE or not parts:
        raise ValueError(f"not the key of a conflicting duplicate: {quarantine_key!r}")
    return table, KEY_SEP.join(parts)


def record_decisions(
    store: Store, decisions: list[Decision], *, replace: list[str]
) -> list[Replacement]:
    """Store decisions, and replace each stored record by the held version of the entries
    named in ``replace`` (one a record), in one transaction: all of it happens or none. A
    batch at a time: the versions replaced are kept with the decisions, and an updated export
    accepted whole is every record of it."""
    replaced: list[Replacement] = []
    by_key = {d.quarantine_key: d for d in decisions}
    with store.transaction("record_quarantine_decisions") as conn:
        for start in range(0, len(replace), BATCH):
            done = _replace(conn, replace[start : start + BATCH], RowSealer(store.sealer))
            rows = [{**by_key.pop(key)._asdict(), **old} for key, _, old in done]
            conn.execute(insert(schema.quarantine_decisions), rows)
            replaced += [replacement for _, replacement, _ in done]
        rest = list(by_key.values())
        blank = {"replaced_version": None, "replaced": None}
        for start in range(0, len(rest), BATCH):
            rows = [{**d._asdict(), **blank} for d in rest[start : start + BATCH]]
            conn.execute(insert(schema.quarantine_decisions), rows)
    return replaced


BATCH = 1000  # records a statement: well under SQLite's and psycopg's parameter limits


def _replace(
    conn: Connection, keys: list[str], sealing: RowSealer
) -> list[tuple[str, Replacement, dict[str, Any]]]:
    """Put the held versions of entries in the places of their stored records, keeping each
    record's id (child rows and ``link --new`` go by it). By entry, what was replaced: the
    places, and the version's hash (of the content: its contact details opened) and rows to
    keep with the decision, sealed as they were."""
    h, q = schema.held_records, schema.quarantine
    held = conn.execute(
        select(h.c.quarantine_key, h.c.record_table, h.c.record_key, h.c.row, h.c.children)
        .where(h.c.quarantine_key.in_(keys))
        .order_by(h.c.record_table)
    ).all()
    # The entries' file and time in the driver's own form, as the held rows' other values are.
    came_in = {
        key: (file_id, created_at)
        for key, file_id, created_at in conn.execute(
            _expanding(f"SELECT key, file_id, created_at FROM {q.name} WHERE key IN :keys"),
            {"keys": keys},
        )
    }
    done: dict[str, tuple[str, Replacement, dict[str, Any]]] = {}
    for table_name, group in itertools.groupby(held, key=lambda row: row.record_table):
        table = schema.metadata.tables[table_name]
        versions = list(group)
        stored = _take_out(conn, table, [v.record_key for v in versions])
        rows = []
        for v in versions:
            old = stored[v.record_key]
            file_id, created_at = came_in[v.quarantine_key]
            row = {**v.row, "id": old.row["id"], "file_id": file_id, "ingested_at": created_at}
            for column in JOIN_COLUMNS.intersection(table.c.keys()):
                row[column] = old.row[column] if column in KEPT_JOIN_COLUMNS else None
            rows.append(row)
            replacement = Replacement(
                table.name,
                v.record_key,
                old.row["prov_file"],
                old.row["prov_location"],
                v.row["prov_file"],
                v.row["prov_location"],
            )
            version = version_hash(old.row["content_hash"], sealing.open_children(old.children))
            kept = {"row": old.row, "children": old.children}
            replaced = {"replaced_version": version, "replaced": kept}
            done[v.quarantine_key] = (v.quarantine_key, replacement, replaced)
        held_children = [(row["id"], v.children) for row, v in zip(rows, versions, strict=True)]
        _put_in(conn, table, rows, held_children)
    return [done[key] for key in keys]  # in the order asked


class _Stored(NamedTuple):
    row: dict[str, Any]  # every column, in the driver's own values
    children: dict[str, list[list[Any]]]  # child table -> rows without the parent's id


def _take_out(conn: Connection, table: Table, keys: list[str]) -> dict[str, _Stored]:
    """Delete stored records and their child rows; what they were, by key."""
    select_stored = _expanding(f"SELECT * FROM {table.name} WHERE key IN :keys")
    found = conn.execute(select_stored, {"keys": keys})
    rows = {row["key"]: dict(row) for row in found.mappings()}
    ids = [row["id"] for row in rows.values()]
    children: dict[int, dict[str, list[list[Any]]]] = {i: {} for i in ids}
    for child, _ in MAPPINGS_BY_TABLE[table.name].children:
        ref = next(iter(child.columns)).name
        for ident in ids:
            children[ident][str(child.name)] = []
        found = conn.execute(
            _expanding(f"SELECT * FROM {child.name} WHERE {ref} IN :ids"), {"ids": ids}
        )
        for parent, *rest in found:
            children[parent][str(child.name)].append(rest)
        conn.execute(_expanding(f"DELETE FROM {child.name} WHERE {ref} IN :ids"), {"ids": ids})
    conn.execute(_expanding(f"DELETE FROM {table.name} WHERE id IN :ids"), {"ids": ids})
    return {key: _Stored(row, children[row["id"]]) for key, row in rows.items()}


def _put_in(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    children: list[tuple[int, dict[str, list[list[Any]]]]],
) -> None:
    """Insert held versions as the writer would have: their rows, then their child rows."""
    dialect = conn.dialect.name
    columns = list(rows[0])
    insert_rows(conn, table, columns, [tuple(row.get(c) for c in columns) for row in rows], dialect)
    for child, _ in MAPPINGS_BY_TABLE[table.name].children:
        flat = [(ident, *r) for ident, held in children for r in held.get(str(child.name), [])]
        if flat:
            insert_rows(conn, child, [c.name for c in child.columns], flat, dialect)


def _expanding(sql: str) -> TextClause:
    """A statement whose ``IN :name`` takes a list (bound as many parameters)."""
    statement = text(sql)
    for name in re.findall(r"IN :(\w+)", sql):
        statement = statement.bindparams(bindparam(name, expanding=True))
    return statement
