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

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, insert, select, text

from fauxhire.store import schema
from fauxhire.store.conflicts import CONFLICT_CODE, version_hash
from fauxhire.store.rows import JOIN_COLUMNS, MAPPINGS_BY_TABLE
from fauxhire.store.schema import KEY_SEP
from fauxhire.store.store import Store
from fauxhire.store.writer import insert_rows

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
    named in ``replace`` (one a record), in one transaction: all of it happens or none."""
    rows = [d._asdict() for d in decisions]
    replaced: list[Replacement] = []
    with store.transaction("record_quarantine_decisions") as conn:
        kept: dict[str, dict[str, Any]] = {}
        for key in replace:
            replacement, version, old = _replace(conn, key)
            replaced.append(replacement)
            kept[key] = {"replaced_version": version, "replaced": old}
        blank = {"replaced_version": None, "replaced": None}
        conn.execute(
            insert(schema.quarantine_decisions),
            [{**row, **kept.get(row["quarantine_key"], blank)} for row in rows],
        )
    return replaced


def _replace(conn: Connection, quarantine_key: str) -> tuple[Replacement, str, dict[str, Any]]:
    """Put the held version of an entry in the place of its stored record, keeping the
    record's id (child rows and ``link --new`` go by it); the replaced version's hash and
    rows, to keep with the decision."""
    h, q = schema.held_records, schema.quarantine
    held = conn.execute(
        select(h.c.record_table, h.c.record_key, h.c.row, h.c.children, q.c.file_id)
        .join(q, q.c.key == h.c.quarantine_key)
        .where(h.c.quarantine_key == quarantine_key)
    ).one()
    # The entry's time in the driver's own form, as the row's other values are.
    came_in = conn.execute(
        text("SELECT created_at FROM quarantine WHERE key = :key"), {"key": quarantine_key}
    ).scalar_one()
    table = schema.metadata.tables[held.record_table]
    stored = dict(
        conn.execute(text(f"SELECT * FROM {table.name} WHERE key = :key"), {"key": held.record_key})
        .mappings()
        .one()
    )
    ident = stored["id"]
    children: dict[str, list[list[Any]]] = {}
    for child, _ in MAPPINGS_BY_TABLE[table.name].children:
        ref = next(iter(child.columns)).name
        found = conn.execute(
            text(f"SELECT * FROM {child.name} WHERE {ref} = :ref"), {"ref": ident}
        ).all()
        children[str(child.name)] = [list(row[1:]) for row in found]
        conn.execute(text(f"DELETE FROM {child.name} WHERE {ref} = :ref"), {"ref": ident})
    conn.execute(text(f"DELETE FROM {table.name} WHERE id = :id"), {"id": ident})
    row = {**held.row, "id": ident, "file_id": held.file_id, "ingested_at": came_in}
    for column in JOIN_COLUMNS.intersection(table.c.keys()):
        row[column] = stored[column] if column in KEPT_JOIN_COLUMNS else None
    insert_rows(conn, table, list(row), [tuple(row.values())], conn.dialect.name)
    for name, rows in held.children.items():
        child = schema.metadata.tables[name]
        columns = [c.name for c in child.columns]
        if rows:
            insert_rows(conn, child, columns, [(ident, *r) for r in rows], conn.dialect.name)
    replacement = Replacement(
        table.name,
        held.record_key,
        stored["prov_file"],
        stored["prov_location"],
        held.row["prov_file"],
        held.row["prov_location"],
    )
    version = version_hash(stored["content_hash"], children)
    return replacement, version, {"row": stored, "children": children}
