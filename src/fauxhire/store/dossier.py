"""One identity's records as an analyst reads them (the console's identity page, issue 18):
a timeline of what it did at each company, and its contact values with where each was seen.

Each read starts from the identity's links (``ix_links_identity``) and reaches its records
by index, so a page costs the same in a store of a thousand applications as in one of a
million. Events are named as assessments cite their sources (``meeting:c-1/m-9/p-2``), so
a page can take an indicator to the records behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, text

from fauxhire.ports.dossier import SeenValue, TimelineEvent
from fauxhire.store.schema import KEY_SEP
from fauxhire.store.sealed import RowSealer
from fauxhire.store.store import Store
from fauxhire.store.subsets import value_counts

_LINKED = "FROM links l JOIN applications a ON a.key = l.app_key"
_HIRED = (
    f"{_LINKED} JOIN hires h ON h.company_id = a.company_id AND h.candidate_id = a.candidate_id"
)
_SCOPE = "WHERE l.identity_id = :identity AND (:member IS NULL OR {company} = :member)"
_READS: dict[str, str] = {
    "application": (
        "SELECT a.key, a.company_id, a.applied_at, a.job_title, a.stage, a.status, a.source, "
        f"a.interviewed_at {_LINKED} " + _SCOPE.format(company="a.company_id")
    ),
    "meeting": (
        "SELECT m.key, m.company_id, COALESCE(m.join_time, m.start_time), m.topic, "
        "m.ip_address, m.location, m.camera, m.device "
        "FROM links l JOIN meeting_participants m ON m.app_key = l.app_key "
        + _SCOPE.format(company="m.company_id")
    ),
    "signin": (
        "SELECT s.key, s.company_id, s.observed_at, s.event_type, s.outcome, s.ip_address, "
        f"s.country, s.as_org, s.is_proxy {_HIRED} JOIN signin_events s ON s.hire_key = h.key "
        + _SCOPE.format(company="s.company_id")
    ),
    "hire": (
        "SELECT h.key, h.company_id, h.start_date, h.end_date, h.payout_method "
        f"{_HIRED} " + _SCOPE.format(company="h.company_id")
    ),
    "report": (
        "SELECT DISTINCT r.key, r.reporting_company_id, r.reported_at, r.disposition, "
        "r.confidence, r.summary, m.matched_on "
        "FROM links l JOIN report_matches m ON m.app_key = l.app_key "
        "JOIN employer_reports r ON r.key = m.report_key "
        + _SCOPE.format(company="r.reporting_company_id")
    ),
}
_PARTNER = text(
    "SELECT stix_id, name, valid_from, created_by, confidence, tlp FROM indicators "
    "WHERE stix_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_CONTACTS = text(
    "SELECT v.kind, v.key, v.display, a.company_id, a.application_id "
    "FROM links l JOIN applications a ON a.key = l.app_key "
    "JOIN applicant_values v ON v.app_ref = a.id "
    "WHERE l.identity_id = :identity AND (:member IS NULL OR a.company_id = :member) "
    "ORDER BY v.kind, v.key, a.company_id, a.application_id"
)


def identity_timeline(
    store: Store, identity_id: str, *, member: str | None, partner_ids: Sequence[str] = ()
) -> list[TimelineEvent]:
    """The identity's applications, interview meetings, sign-ins, hires and the employer
    reports that matched it, oldest first; with ``member``, only that company's own; and
    the partner indicators ``partner_ids`` (the STIX ids its assessment cites)."""
    events: list[TimelineEvent] = []
    with store.transaction("identity_timeline") as conn:
        for kind, query in _READS.items():
            rows = conn.execute(text(query), {"identity": identity_id, "member": member})
            events += [_event(kind, tuple(row)) for row in rows]
        if partner_ids:
            events += _partner_events(conn, partner_ids)
    return sorted(events, key=_when)


def identity_values(store: Store, identity_id: str, *, member: str | None) -> list[SeenValue]:
    """Each contact value of the identity's applications (with ``member``: of that company's
    only), where it was seen, and how many applications in the store hold it."""
    with store.transaction("identity_values") as conn:
        rows = [
            tuple(row)
            for row in conn.execute(_CONTACTS, {"identity": identity_id, "member": member})
        ]
    if not rows:
        return []
    columns = ("kind", "key", "display", "company_id", "application_id")
    opened = RowSealer(store.sealer).open_rows("applicant_values", columns, rows)
    wanted = pl.DataFrame([r[:2] for r in rows], schema=["kind", "key"], orient="row").unique()
    held = {(k, key): n for k, key, n in value_counts(store, wanted).iter_rows()}
    return [
        SeenValue(kind, key, display, company, application, held.get((kind, key), 1))
        for kind, key, display, company, application in opened
    ]


def _event(kind: str, row: tuple[Any, ...]) -> TimelineEvent:
    key, company, at, *rest = row
    summary = _SUMMARIES[kind](*map(_time, rest))
    return TimelineEvent(_time(at), kind, company, f"{kind}:{_ref(key)}", summary)


def _time(value: Any) -> Any:
    """A time as an aware datetime or a date: SQLite hands a raw statement's times back as
    text, PostgreSQL as datetimes; both are UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return parsed.date() if len(value) == 10 else _time(parsed)
    return value


def _partner_events(conn: Connection, ids: Sequence[str]) -> list[TimelineEvent]:
    found = conn.execute(_PARTNER, {"ids": list(ids)}).all()
    return [
        TimelineEvent(
            _time(valid_from),
            "partner",
            None,
            f"indicator:{stix_id}",
            _words(
                f"partner indicator {name or stix_id}",
                f"from {created_by}" if created_by else None,
                f"confidence {confidence}" if confidence is not None else None,
                f"TLP:{tlp.upper()}" if tlp else None,
            ),
        )
        for stix_id, name, valid_from, created_by, confidence, tlp in found
    ]


def _ref(key: str) -> str:
    return key.replace(KEY_SEP, "/")


def _when(event: TimelineEvent) -> tuple[int, str, str]:
    """Oldest first; events without a time last; a date as the start of its day."""
    if event.at is None:
        return (1, "", event.source)
    return (0, event.at.isoformat()[:19], event.source)


def _words(*parts: str | None) -> str:
    return ", ".join(part for part in parts if part)


def _application(
    title: str | None, stage: str | None, status: str | None, source: str | None, interviewed: Any
) -> str:
    return _words(
        f"applied for {title}" if title else "applied",
        f"stage {stage}" if stage else None,
        f"status {status}" if status else None,
        f"via {source}" if source else None,
        f"interviewed {interviewed:%Y-%m-%d}" if interviewed else None,
    )


def _meeting(
    topic: str | None, ip: str | None, where: str | None, camera: str | None, device: str | None
) -> str:
    return _words(
        f"joined the meeting {topic!r}" if topic else "joined an interview meeting",
        f"from {ip}" if ip else None,
        f"located {where}" if where else None,
        f"camera {camera}" if camera else None,
        f"device {device}" if device else None,
    )


def _signin(
    event: str | None,
    outcome: str | None,
    ip: str | None,
    country: str | None,
    as_org: str | None,
    proxy: bool | None,
) -> str:
    return _words(
        f"{event or 'sign-in'} {outcome or ''}".strip(),
        f"from {ip}" if ip else None,
        f"in {country}" if country else None,
        f"network {as_org}" if as_org else None,
        "through an anonymising proxy" if proxy else None,
    )


def _hire(end: date | None, payout: str | None) -> str:
    return _words(
        "hired", f"left {end:%Y-%m-%d}" if end else None, f"paid by {payout}" if payout else None
    )


def _report(
    disposition: str | None, confidence: str | None, summary: str | None, matched_on: str | None
) -> str:
    return _words(
        f"employer report: {disposition or 'unstated'}",
        f"confidence {confidence}" if confidence else None,
        f"matched on {matched_on}" if matched_on else None,
        summary,
    )


_SUMMARIES: dict[str, Any] = {
    "application": _application,
    "meeting": _meeting,
    "signin": _signin,
    "hire": _hire,
    "report": _report,
}
