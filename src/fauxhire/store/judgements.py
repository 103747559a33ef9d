"""Analysts' judgements on links: kept with who and when, read by every linking run."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fauxhire.ports import Judgement as Judgement
from fauxhire.store import schema
from fauxhire.store.store import Store

KINDS = ("together", "apart", "network_apart")


def add_judgements(store: Store, judgements: Iterable[Judgement]) -> int:
    """Store judgements; one already given on the same pair keeps its first author and time."""
    rows = [j._asdict() for j in judgements]
    if not rows:
        return 0
    dialect = store.engine.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # RETURNING counts what went in: a many-row rowcount is -1 on psycopg.
    statement = (
        insert(schema.judgements)
        .on_conflict_do_nothing(index_elements=["kind", "a", "b"])
        .returning(schema.judgements.c.judgement_id)
    )
    with store.transaction("add_judgements") as conn:
        return len(conn.execute(statement, rows).all())


def read_judgements(store: Store) -> list[Judgement]:
    t = schema.judgements
    query = select(*(t.c[name] for name in Judgement._fields)).order_by(t.c.judgement_id)
    with store.transaction("read_judgements") as conn:
        return [Judgement(*row) for row in conn.execute(query)]
