"""Conflicting duplicates: a record whose key is stored already, from another file, with other
content.

The stored version is kept and the newcomer is quarantined, naming both places and what
differs, until an analyst decides: a later file silently replacing an earlier one lost data.
The writer finds them (``ChunkWriter``); this module says what differs and words the entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from sqlalchemy import Connection, select

from fauxhire.domain.quarantine import Quarantined
from fauxhire.store import schema
from fauxhire.store.rows import JOIN_COLUMNS, KEY_FIELDS, MAPPINGS_BY_TABLE, PREPARED_TAIL
from fauxhire.store.schema import KEY_SEP
from fauxhire.store.sealed import MASK, SEALED

if TYPE_CHECKING:
    from fauxhire.store.prepare import Prepared

CONFLICT_CODE = "conflicting_duplicate"
DIFFERENCES_CHARS = 2000  # of the excerpt showing what differs, for the analyst who decides


class Conflict(NamedTuple):
    """A record whose key is stored already with other content, and where the stored one is."""

    file_id: int
    record: Prepared
    stored_file: str
    stored_location: str
    differences: dict[str, Any]  # column -> {"stored": ..., "new": ...}


def differences(table: str, stored: tuple[Any, ...], new: tuple[Any, ...]) -> dict[str, Any]:
    """The columns in which two versions of a record differ, as text both backends agree on
    (PostgreSQL gives datetimes where the prepared row holds ISO text). Columns a join fills
    in later (``has_meeting``) are not the record's content: a newcomer has them unset."""
    names = MAPPINGS_BY_TABLE[table].columns
    sealed = SEALED.get(table, ())  # the excerpt is not encrypted: it says they differ, no more
    out = {}
    for name, old, now in zip(names, stored, new, strict=False):
        if name not in JOIN_COLUMNS and _comparable(old) != _comparable(now):
            shown = (MASK, MASK) if name in sealed else (_comparable(old), _comparable(now))
            out[name] = dict(zip(("stored", "new"), shown, strict=True))
    return out


def child_differences(
    children: Sequence[tuple[str, list[list[Any]]]],
    stored: Mapping[str, Sequence[Sequence[Any]]],
) -> dict[str, Any]:
    """The child rows (an applicant's emails, phones, addresses and profiles) in which a
    newcomer differs from the stored record, by child table: the rows only the stored version
    has, and those only the newcomer has. ``children`` are a prepared record's (its key
    first in each row), ``stored`` the stored record's (without its id)."""
    out = {}
    for name, rows in children:
        new = _distinct(name, [row[1:] for row in rows])
        old = _distinct(name, stored.get(name, ()))
        if new != old:
            out[name] = {"stored": _masked(name, old - new), "new": _masked(name, new - old)}
    return out


def _masked(table: str, rows: frozenset[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Child rows for the excerpt, their contact details as presented masked (the normalised
    key beside them says which value it is)."""
    columns = [c.name for c in schema.metadata.tables[table].columns][1:]
    at = {i for i, c in enumerate(columns) if c in SEALED.get(table, ())}
    return sorted(tuple(MASK if i in at else v for i, v in enumerate(row)) for row in rows)


def _distinct(table: str, rows: Iterable[Sequence[Any]]) -> frozenset[tuple[Any, ...]]:
    """Child rows as the table keeps them: one a primary key, the first given."""
    columns = list(schema.metadata.tables[table].columns)[1:]  # after the parent's id
    key_at = [i for i, column in enumerate(columns) if column.primary_key]
    kept: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for row in rows:
        kept.setdefault(tuple(row[i] for i in key_at), tuple(row))
    return frozenset(kept.values())


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) > 19 and value[10:11] in ("T", " "):
        try:  # SQLite's and the prepared row's text forms of one instant
            return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()
        except ValueError:
            return value
    return value


def version_hash(content_hash: str, children: Mapping[str, Iterable[Sequence[Any]]]) -> str:
    """What names one version of a record: its content hash (of its own columns) and, for a
    record with child rows, those rows as the table keeps them. Two files holding the same
    version give the same hash; an analyst's decision on a version is found by it."""
    if not children:
        return content_hash
    rows = {name: sorted(_distinct(name, children[name])) for name in sorted(children)}
    digest = hashlib.blake2b(content_hash.encode(), digest_size=16)
    digest.update(orjson.dumps(rows))
    return digest.hexdigest()


def version_of(record: Prepared) -> str:
    return version_hash(record.row[-1], held_children(record))  # PREPARED_TAIL ends the row


def held_children(record: Prepared) -> dict[str, list[list[Any]]]:
    """A prepared record's child rows by table, without the parent's key each begins with."""
    return {name: [list(row[1:]) for row in rows] for name, rows in record.children}


def conflict_key(conflict: Conflict) -> str:
    """The key of a conflict's quarantine entry: one a file and record, so re-running the
    file adds nothing."""
    p = conflict.record
    return KEY_SEP.join((CONFLICT_CODE, str(conflict.file_id), p.table, p.key))


def held_record(conflict: Conflict) -> dict[str, Any]:
    """A conflict's whole record, as ``held_records`` keeps it beside its quarantine entry."""
    p = conflict.record
    names = (*MAPPINGS_BY_TABLE[p.table].columns, *PREPARED_TAIL)
    return {
        "quarantine_key": conflict_key(conflict),
        "record_table": p.table,
        "record_key": p.key,
        "version": version_of(p),
        "row": dict(zip(names, p.row, strict=True)),
        "children": held_children(p),
    }


def conflict_entries(
    conn: Connection, conflicts: list[Conflict]
) -> list[tuple[str, int, str, Quarantined]]:
    """The quarantine entry of each conflict: its key, file id, format and the entry."""
    if not conflicts:
        return []
    formats = dict(
        conn.execute(
            select(schema.ingest_files.c.file_id, schema.ingest_files.c.format).where(
                schema.ingest_files.c.file_id.in_({c.file_id for c in conflicts})
            )
        ).all()
    )
    entries = []
    for c in conflicts:
        p = c.record
        prov_file, prov_location = p.row[-4], p.row[-3]  # PREPARED_TAIL, before member_id
        shown = p.key.replace(KEY_SEP, "/")
        reason = (
            f"conflicting duplicate: {shown!r} is stored already, from {c.stored_file} "
            f"{c.stored_location}, with other content; the stored version is kept until an "
            "analyst decides"
        )
        field = KEY_FIELDS.get(p.table, "id")
        excerpt = orjson.dumps(c.differences, option=orjson.OPT_NON_STR_KEYS).decode()
        item = Quarantined(
            prov_file,
            prov_location,
            field,
            reason,
            CONFLICT_CODE,
            excerpt[:DIFFERENCES_CHARS],
        )
        entries.append((conflict_key(c), c.file_id, formats[c.file_id], item))
    return entries
