"""The reads and writes of the meeting join (the rule: ``fauxhire.joins.meetings``): the
participants not yet joined, the applications of their company that hold their email or name
key, and the choices written back. Each set goes through a temporary table, so one statement
handles every participant."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy import Boolean, Column, Connection, MetaData, Table, Text, or_, select, text, update

from fauxhire.joins.meetings import MATCHES, PARTICIPANTS
from fauxhire.store import schema as s
from fauxhire.store.bulk import insert_rows
from fauxhire.store.types import UtcDateTime

_scratch = MetaData()


def scratch_table(name: str, *columns: Column[str]) -> Table:
    """A table of one session's scratch data (created and dropped by ``temporary``)."""
    return Table(name, _scratch, *columns, prefixes=["TEMPORARY"])


_scratch_pending = scratch_table(
    "meeting_join_pending",
    Column("participant", Text, primary_key=True),
    Column("company_id", Text, nullable=False),
    Column("email_key", Text),
    Column("name_key", Text),
)
_choices = scratch_table(
    "meeting_join_choices",
    Column("participant", Text, primary_key=True),
    Column("app", Text, nullable=False),
    Column("method", Text, nullable=False),
)


def unjoined_participants(conn: Connection, excluded_roles: Sequence[str]) -> pl.DataFrame:
    """The participants not yet joined to an application, none of ``excluded_roles``
    (``PARTICIPANTS``)."""
    mp = s.meeting_participants
    query = (
        select(mp.c.key, mp.c.company_id, mp.c.email_key, mp.c.user_name, mp.c.topic)
        .add_columns(mp.c.join_time, mp.c.start_time)
        .where(mp.c.app_key.is_(None))
        .where(or_(mp.c.role.is_(None), mp.c.role.notin_(excluded_roles)))
    )
    return pl.DataFrame(conn.execute(query).all(), schema=PARTICIPANTS, orient="row")


def participant_matches(
    conn: Connection, pending: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The applications (``MATCHES``) each pending participant (``joins.meetings.PENDING``)
    may be: its company's applications with its email key, and those with its name key."""
    # The participants go to the database as a table to join, so each looks its applications
    # up by index (a join from meeting_participants itself scanned it once per email value).
    with temporary(conn, _scratch_pending):
        insert_all(conn, _scratch_pending, pending.select(_scratch_pending.c.keys()).rows())
        return _matches(conn, "email"), _matches(conn, "name")


def write_meeting_choices(conn: Connection, chosen: pl.DataFrame) -> None:
    """Join each participant to the application chosen for it (``participant``, ``app``,
    ``method``), and mark those applications as met."""
    if not chosen.height:
        return
    mp, app, ch = s.meeting_participants, s.applications, _choices
    with temporary(conn, _choices):
        insert_all(conn, _choices, chosen.select("participant", "app", "method").rows())
        conn.execute(
            update(mp)
            .where(mp.c.key.in_(select(ch.c.participant)))
            .values(
                app_key=select(ch.c.app).where(ch.c.participant == mp.c.key).scalar_subquery(),
                match_method=select(ch.c.method)
                .where(ch.c.participant == mp.c.key)
                .scalar_subquery(),
            )
        )
        conn.execute(update(app).where(app.c.key.in_(select(ch.c.app))).values(has_meeting=True))


# The participants' applications, by email and by name. CROSS JOIN makes SQLite read the
# pending participants first and look each one's applications up by index; with a plain JOIN
# it read every email value and scanned the participants once for each (16 s for 3,000
# participants among 20,000 applications). PostgreSQL plans a CROSS JOIN as any other.
_MATCHES = {
    "email": (
        "FROM meeting_join_pending p CROSS JOIN applicant_values v CROSS JOIN applications a "
        "WHERE v.kind = 'email' AND v.key = p.email_key AND a.id = v.app_ref "
        "AND a.company_id = p.company_id"
    ),
    "name": (
        "FROM meeting_join_pending p CROSS JOIN applications a "
        "WHERE a.name_key = p.name_key AND a.company_id = p.company_id"
    ),
}


def _matches(conn: Connection, method: str) -> pl.DataFrame:
    """The applications each pending participant (in ``_scratch_pending``) matches by
    ``method``, email or name: its company's applications with that email or name key."""
    query = text(
        f"SELECT p.participant, '{method}' AS method, a.key, a.candidate_id, a.job_title, "
        f"a.applied_at, a.interviewed_at, a.stage_interview {_MATCHES[method]}"
    ).columns(applied_at=UtcDateTime, interviewed_at=UtcDateTime, stage_interview=Boolean)
    return pl.DataFrame(conn.execute(query).all(), schema=MATCHES, orient="row")


@contextmanager
def temporary(conn: Connection, table: Table) -> Iterator[None]:
    """A scratch table of this connection's session, dropped afterwards."""
    table.drop(conn, checkfirst=True)
    table.create(conn)
    try:
        yield
    finally:
        table.drop(conn)


def insert_all(conn: Connection, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    """Every row into a table (in its columns' order), in one bulk insert."""
    insert_rows(conn, table, [c.name for c in table.columns], rows, conn.dialect.name)
