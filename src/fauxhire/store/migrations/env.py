"""Alembic environment: runs on the connection fauxhire hands it (see Store.migrate)."""

from __future__ import annotations

from alembic import context

from fauxhire.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
