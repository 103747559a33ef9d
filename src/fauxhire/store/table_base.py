"""What every table shares: the one metadata, the text key of a record, and the columns of a
record's identity and provenance (schema.py says what they mean)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Text

from fauxhire.store.types import UtcDateTime

KEY_SEP = "\x1f"


def join_key(parts: Sequence[str]) -> str:
    """The one-column text key of a record from its natural-key parts."""
    return KEY_SEP.join(parts)


def split_key(key: str) -> list[str]:
    """The natural-key parts of a record's text key."""
    return key.split(KEY_SEP)


metadata = MetaData()

# Child tables are WITHOUT ROWID on SQLite: their primary key is the table, one B-tree instead
# of two, which roughly halves the cost of bulk ingest into them.


def identity_columns() -> list[Column[object]]:
    """A surrogate integer id (child rows point at it: new ids are sequential, so child rows
    are appended, not scattered, in bulk loads) and the unique natural key upserts match on."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("key", Text, nullable=False, unique=True),
    ]


def provenance_columns() -> list[Column[object]]:
    return [
        Column("source_system", String(32), nullable=False),
        Column("prov_file", Text, nullable=False),
        Column("prov_location", Text, nullable=False),
        Column("member_id", Text),
        Column("file_id", Integer, ForeignKey("ingest_files.file_id"), nullable=False),
        Column("ingested_at", UtcDateTime, nullable=False),
        Column("content_hash", String(32), nullable=False),
    ]
