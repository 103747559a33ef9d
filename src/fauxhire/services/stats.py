"""What the store holds, at a glance: totals, per source, per company, and what was quarantined."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from fauxhire.store import Store
from fauxhire.store import schema as s

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


def store_stats(store: Store) -> dict[str, Any]:
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
        by_source: dict[str, dict[str, int]] = {}
        for t in RECORD_TABLES:
            for source, n in conn.execute(
                select(t.c.source_system, func.count()).group_by(t.c.source_system)
            ):
                by_source.setdefault(source, {})[t.name] = n
        out["by_source"] = by_source
        by_company: dict[str, dict[str, int]] = {}
        for t in RECORD_TABLES:
            for member, n in conn.execute(
                select(t.c.member_id, func.count())
                .where(t.c.member_id.is_not(None))
                .group_by(t.c.member_id)
            ):
                by_company.setdefault(member, {})[t.name] = n
        out["by_company"] = dict(sorted(by_company.items()))
        q = s.quarantine
        out["quarantined_by_reason"] = dict(
            conn.execute(select(q.c.code, func.count()).group_by(q.c.code).order_by(q.c.code)).all()
        )
        f = s.ingest_files
        out["files"] = dict(
            conn.execute(select(f.c.status, func.count()).group_by(f.c.status)).all()
        )
    return out


def _count_not_null(conn: Any, column: Any) -> int:
    return int(conn.execute(select(func.count()).where(column.is_not(None))).scalar_one())
