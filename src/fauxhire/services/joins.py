"""Cross-source joins: observations and reports to the applications and hires they are about.

Run after every ingest, in any order of arrival: each join fills only what is still unjoined,
so it is idempotent, and a source that arrives later is joined when it arrives. The rules are
``fauxhire.joins``; the store finds the candidates by key and writes the choices
(``store/joins.py``), all joins in one transaction.

- A meeting participant joins the candidate's application at that company by email, or failing
  that by name when exactly one candidate of that company has that name; of the candidate's
  applications, one applied for before the meeting, whose job title the topic names, whose
  dates are nearest the meeting (``joins.meetings``; docs/formats.md section 12).
- An identity-provider event joins the hire whose work email it signs in with (through hr/).
- An employer report joins the applications it names: candidate ids at the reporting company,
  emails, phones and profile handles anywhere, names only at the reporting company.
"""

from __future__ import annotations

import polars as pl

from fauxhire.joins import meetings, reports, signins
from fauxhire.store import Store
from fauxhire.store.joins import JoinTables, join_tables


def resolve_joins(store: Store) -> dict[str, int]:
    with join_tables(store) as tables:
        joined_meetings = join_meetings(tables)
        joined_signins = _join_signins(tables)
        matched_reports = _join_reports(tables)
    return {
        "meeting_participants": joined_meetings,
        "signin_events": joined_signins,
        "report_matches": matched_reports,
    }


def join_meetings(tables: JoinTables) -> int:
    """Join every candidate participant not yet joined; the number joined."""
    chosen = meetings.choose_applications(meeting_pairs(tables))
    tables.write_meeting_choices(chosen)
    return chosen.height


def meeting_pairs(tables: JoinTables) -> pl.DataFrame:
    """Every candidate participant not yet joined, with each application it may join
    (``joins.meetings.PAIRS``)."""
    pending = meetings.pending_keys(tables.unjoined_participants(meetings.HOST_ROLES))
    if pending.is_empty():
        return pl.DataFrame(schema=meetings.PAIRS)
    by_email, by_name = tables.participant_matches(pending)
    return meetings.candidate_pairs(pending, by_email, by_name)


def _join_signins(tables: JoinTables) -> int:
    chosen = signins.hires_of_signins(tables.unjoined_signins(), tables.hires_with_work_email())
    tables.write_signin_hires(chosen)
    return chosen.height


def _join_reports(tables: JoinTables) -> int:
    """Recompute matches of every report: new applications may name an old report's subject."""
    matches = reports.report_matches(
        tables.applications_by_candidate_id(),
        tables.applications_by_subject_value(reports.STRONG_KINDS),
        tables.applications_by_subject_name(),
    )
    tables.replace_report_matches(matches)
    return matches.height
