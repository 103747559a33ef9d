"""Persistence: an embedded SQLite file by default, PostgreSQL by URL, migrated by Alembic."""

from fauxhire.store.database import make_engine, migrate, normalise_url
from fauxhire.store.sql import SqlStore
from fauxhire.store.store import FileState, Store

__all__ = ["FileState", "SqlStore", "Store", "make_engine", "migrate", "normalise_url"]
