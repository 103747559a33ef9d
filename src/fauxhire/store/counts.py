"""What the store holds, counted: totals, per source, per company, the joins made, what was
quarantined and the files ingested (``fauxhire stats``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, func, or_, select

from fauxhire.store import schema as s
from fauxhire.store.store import Store

# The headline totals of `fauxhire stats --json`, in the order shown.
TOTALS = (
    ("companies", s.companies),
    ("applications", s.applications),
    ("meeting_participants", s.meeting_participants),
    ("signin_events", s.signin_events),
    ("hires", s.hires),
    ("employer_reports", s.employer_reports),
    ("indicators", s.indicators),
    ("intel_objects", s.intel_objects),
    ("ip_ranges", s.ip_ranges),
    ("quarantined", s.quarantine),
)
RECORD_TABLES = tuple(t for name, t in TOTALS if name != "quarantined")


def read_counts(store: Store) -> dict[str, Any]:
    """The counts of ``fauxhire stats --json``, read in one transaction."""
    app = s.applications
    with store.transaction("stats") as conn:
        out: dict[str, Any] = {
            name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for name, t in TOTALS
        }
        out["interviews"] = conn.execute(
            select(func.count()).where(or_(app.c.stage_interview, app.c.has_meeting))
        ).scalar_one()
        out["candidates"] = conn.execute(
            select(func.count()).select_from(
                select(app.c.company_id, app.c.candidate_id).distinct().subquery()
            )
        ).scalar_one()
        out["joins"] = {
            "meeting_participants_to_applications": _count_not_null(
                conn, s.meeting_participants.c.app_key
            ),
            "signin_events_to_hires": _count_not_null(conn, s.signin_events.c.hire_key),
            "report_matches": conn.execute(
                select(func.count()).select_from(s.report_matches)
            ).scalar_one(),
        }
        out["by_source"] = _by_source(conn)
        out["by_company"] = _by_company(conn)
        q = s.quarantine
        out["quarantined_by_reason"] = dict(
            conn.execute(select(q.c.code, func.count()).group_by(q.c.code).order_by(q.c.code)).all()
        )
        f = s.ingest_files
        out["files"] = dict(
            conn.execute(select(f.c.status, func.count()).group_by(f.c.status)).all()
        )
    return out


def _by_source(conn: Connection) -> dict[str, dict[str, int]]:
    by_source: dict[str, dict[str, int]] = {}
    for t in RECORD_TABLES:
        for source, n in conn.execute(
            select(t.c.source_system, func.count()).group_by(t.c.source_system)
        ):
            by_source.setdefault(source, {})[t.name] = n
    return by_source


def _by_company(conn: Connection) -> dict[str, dict[str, int]]:
    by_company: dict[str, dict[str, int]] = {}
    for t in RECORD_TABLES:
        for member, n in conn.execute(
            select(t.c.member_id, func.count())
            .where(t.c.member_id.is_not(None))
            .group_by(t.c.member_id)
        ):
            by_company.setdefault(member, {})[t.name] = n
    return dict(sorted(by_company.items()))


def _count_not_null(conn: Connection, column: Column[Any]) -> int:
    return int(conn.execute(select(func.count()).where(column.is_not(None))).scalar_one())
