"""What the cross-source joins read and write (the rules: ``fauxhire.joins``), in one
transaction: every join of a run sees the others' writes, and a failed run leaves no join
half done. The reads find candidates by key, through the indexes; the rules choose."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Column, Connection, Text, and_, select, text, update

from fauxhire.joins import reports, signins
from fauxhire.store import meeting_joins
from fauxhire.store import schema as s
from fauxhire.store.meeting_joins import insert_all, scratch_table, temporary
from fauxhire.store.store import Store

_signin_hires = scratch_table(
    "signin_join_choices",
    Column("event", Text, primary_key=True),
    Column("hire", Text, nullable=False),
)
_report_candidates = scratch_table(
    "report_join_candidates",
    Column("report", Text, nullable=False),
    Column("company_id", Text, nullable=False),
    Column("candidate_id", Text, nullable=False),
)


@contextmanager
def join_tables(store: Store) -> Iterator[JoinTables]:
    """The tables the joins read and fill, in one transaction committed at the end."""
    with store.transaction("resolve_joins") as conn:
        yield JoinTables(conn)


class JoinTables:
    """The reads and writes of the meeting, sign-in and employer-report joins."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def unjoined_participants(self, excluded_roles: Sequence[str]) -> pl.DataFrame:
        return meeting_joins.unjoined_participants(self._conn, excluded_roles)

    def participant_matches(self, pending: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        return meeting_joins.participant_matches(self._conn, pending)

    def write_meeting_choices(self, chosen: pl.DataFrame) -> None:
        meeting_joins.write_meeting_choices(self._conn, chosen)

    def unjoined_signins(self) -> pl.DataFrame:
        """The sign-in events not yet joined to a hire that name an account
        (``joins.signins.EVENTS``)."""
        se = s.signin_events
        query = select(se.c.key, se.c.company_id, se.c.user_key).where(
            se.c.hire_key.is_(None), se.c.user_key.is_not(None)
        )
        return pl.DataFrame(self._conn.execute(query).all(), schema=signins.EVENTS, orient="row")

    def hires_with_work_email(self) -> pl.DataFrame:
        """The hires with a work email (``joins.signins.HIRES``)."""
        h = s.hires
        query = select(h.c.key, h.c.company_id, h.c.work_email_key).where(
            h.c.work_email_key.is_not(None)
        )
        return pl.DataFrame(self._conn.execute(query).all(), schema=signins.HIRES, orient="row")

    def write_signin_hires(self, chosen: pl.DataFrame) -> None:
        """Join each event to the hire chosen for it (``event``, ``hire``)."""
        if not chosen.height:
            return
        se, ch = s.signin_events, _signin_hires
        with temporary(self._conn, ch):
            insert_all(self._conn, ch, chosen.select("event", "hire").rows())
            hire = select(ch.c.hire).where(ch.c.event == se.c.key).scalar_subquery()
            self._conn.execute(
                update(se).where(se.c.key.in_(select(ch.c.event))).values(hire_key=hire)
            )

    def applications_by_candidate_id(self) -> pl.DataFrame:
        """Each report with the applications of its reporting company whose candidate id it
        lists (``joins.reports.BY_CANDIDATE``): a candidate id names a candidate only at its
        company."""
        er = s.employer_reports
        listed = [
            (report, company, candidate)
            for report, company, candidates in self._conn.execute(
                select(er.c.key, er.c.reporting_company_id, er.c.candidate_ids)
            )
            for candidate in dict.fromkeys(candidates or ())
        ]
        if not listed:
            return pl.DataFrame(schema=reports.BY_CANDIDATE)
        with temporary(self._conn, _report_candidates):
            insert_all(self._conn, _report_candidates, listed)
            # CROSS JOIN: SQLite reads the few listed ids first and looks each one up by index.
            found = self._conn.execute(
                text(
                    "SELECT DISTINCT r.report, a.key FROM report_join_candidates r "
                    "CROSS JOIN applications a "
                    "WHERE a.company_id = r.company_id AND a.candidate_id = r.candidate_id"
                )
            ).all()
        return pl.DataFrame(found, schema=reports.BY_CANDIDATE, orient="row")

    def applications_by_subject_value(self, kinds: Sequence[str]) -> pl.DataFrame:
        """Each report with the applications, anywhere, that hold one of its subject's values
        of ``kinds`` (``joins.reports.BY_VALUE``)."""
        er, rsv, app, val = (
            s.employer_reports,
            s.report_subject_values,
            s.applications,
            s.applicant_values,
        )
        query = (
            select(er.c.key, app.c.key, rsv.c.kind)
            .join(er, er.c.id == rsv.c.report_ref)
            .join(val, and_(val.c.kind == rsv.c.kind, val.c.key == rsv.c.key))
            .join(app, app.c.id == val.c.app_ref)
            .where(rsv.c.kind.in_(kinds))
        )
        return pl.DataFrame(self._conn.execute(query).all(), schema=reports.BY_VALUE, orient="row")

    def applications_by_subject_name(self) -> pl.DataFrame:
        """Each report with the applications, anywhere, that have its subject's name key, and
        the companies of both (``joins.reports.BY_NAME``)."""
        er, rsv, app = s.employer_reports, s.report_subject_values, s.applications
        query = (
            select(er.c.key, er.c.reporting_company_id, app.c.key, app.c.company_id)
            .join(er, er.c.id == rsv.c.report_ref)
            .join(app, app.c.name_key == rsv.c.key)
            .where(rsv.c.kind == "name")
        )
        return pl.DataFrame(self._conn.execute(query).all(), schema=reports.BY_NAME, orient="row")

    def replace_report_matches(self, matches: pl.DataFrame) -> None:
        """Every report's matches (``joins.reports.MATCHES``) in place of those stored."""
        rm = s.report_matches
        self._conn.execute(rm.delete())
        rows = matches.select(list(reports.MATCHES)).rows()
        if rows:
            # The driver's own bulk insert: through SQLAlchemy each of v3's 45k rows was a dict
            # whose parameters were built one by one.
            insert_all(self._conn, rm, rows)
