"""Cross-source joins: observations and reports to the applications and hires they are about.

Run after every ingest, in any order of arrival: each join fills only what is still unjoined,
so it is idempotent, and a source that arrives later is joined when it arrives.

- A meeting participant joins the candidate's application at that company by email, or failing
  that by name when exactly one candidate of that company has that name; of the candidate's
  applications, one applied for before the meeting, whose job title the topic names, whose
  dates are nearest the meeting (``meetings``; docs/formats.md section 12).
- An identity-provider event joins the hire whose work email it signs in with (through hr/).
- An employer report joins the applications it names: candidate ids at the reporting company,
  emails, phones and profile handles anywhere, names only at the reporting company.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, and_, select, update

from fauxhire.services.meetings import join_meetings
from fauxhire.store import Store
from fauxhire.store import schema as s
from fauxhire.store.bulk import insert_rows

STRONG_KINDS = ("email", "phone", "linkedin", "github", "url")


def resolve_joins(store: Store) -> dict[str, int]:
    with store.transaction("resolve_joins") as conn:
        meetings = join_meetings(conn)
        signins = _join_signins(conn)
        reports = _join_reports(conn)
    return {"meeting_participants": meetings, "signin_events": signins, "report_matches": reports}


def _join_signins(conn: Connection) -> int:
    se, h = s.signin_events, s.hires
    hire_key = (
        select(h.c.key)
        .where(h.c.company_id == se.c.company_id, h.c.work_email_key == se.c.user_key)
        .limit(1)
        .scalar_subquery()
    )
    # Only events that find their hire are updated, so the count says how many were joined.
    result = conn.execute(
        update(se)
        .where(se.c.hire_key.is_(None), se.c.user_key.is_not(None), hire_key.is_not(None))
        .values(hire_key=hire_key)
    )
    return int(result.rowcount or 0)


def _join_reports(conn: Connection) -> int:
    """Recompute matches of every report: new applications may name an old report's subject."""
    er, rsv, app, val, rm = (
        s.employer_reports,
        s.report_subject_values,
        s.applications,
        s.applicant_values,
        s.report_matches,
    )
    matches: dict[tuple[str, str], set[str]] = defaultdict(set)
    for report_key, company, candidate_ids in conn.execute(
        select(er.c.key, er.c.reporting_company_id, er.c.candidate_ids)
    ):
        if candidate_ids:
            for (app_key,) in conn.execute(
                select(app.c.key).where(
                    app.c.company_id == company, app.c.candidate_id.in_(candidate_ids)
                )
            ):
                matches[(report_key, app_key)].add("candidate_id")
    by_value = conn.execute(
        select(er.c.key, app.c.key, rsv.c.kind)
        .join(er, er.c.id == rsv.c.report_ref)
        .join(val, and_(val.c.kind == rsv.c.kind, val.c.key == rsv.c.key))
        .join(app, app.c.id == val.c.app_ref)
        .where(rsv.c.kind.in_(STRONG_KINDS))
    )
    for report_key, app_key, kind in by_value.all():  # one fetch, not a row at a time
        matches[(report_key, app_key)].add(kind)
    by_name = conn.execute(
        select(er.c.key, app.c.key)
        .join(er, er.c.id == rsv.c.report_ref)
        .join(app, and_(app.c.company_id == er.c.reporting_company_id, app.c.name_key == rsv.c.key))
        .where(rsv.c.kind == "name")
    )
    for report_key, app_key in by_name:
        matches[(report_key, app_key)].add("name")
    conn.execute(rm.delete())
    # The driver's own bulk insert: through SQLAlchemy each of v3's 45k rows was a dict
    # whose parameters were built one by one.
    rows = [(r, a, ",".join(sorted(on))) for (r, a), on in sorted(matches.items())]
    if rows:
        insert_rows(conn, rm, ["report_key", "app_key", "matched_on"], rows, conn.dialect.name)
    return len(matches)
