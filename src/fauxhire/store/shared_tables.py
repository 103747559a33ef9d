"""What the hub has published to partners through TAXII (issue 19, item 3): the STIX objects
of each collection, the latest version of each, with the time it was added. Migration 0024."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from fauxhire.store.table_base import metadata
from fauxhire.store.types import UtcDateTime

shared_objects = Table(
    "shared_objects",
    metadata,
    # The order objects were added in: a page's cursor (TAXII's `next`) is the last seq given.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("collection_id", String(64), nullable=False),
    Column("object_id", Text, nullable=False),
    Column("object_type", String(64), nullable=False),
    Column("version", String(32), nullable=False),  # modified, else created, else date_added
    Column("date_added", UtcDateTime, nullable=False),
    Column("body", Text, nullable=False),  # the object's JSON, as published
    UniqueConstraint("collection_id", "object_id", name="uq_shared_objects_object"),
    Index("ix_shared_objects_added", "collection_id", "date_added", "seq"),
)
