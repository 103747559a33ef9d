"""Erasure on SQL: the records that hold one applicant's data, found by key and index and
deleted in the caller's transaction (``ports.ErasureStore``); the outputs that cite them go
too (``erasure_outputs``). Everything is found from the applications by what joins them
(values by ``app_ref``, meetings by ``app_key``, hires by candidate, sign-ins by the hire's
work account, webhook deliveries and write-backs by application key), never by a name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, exists, or_, select

from fauxhire.ports import Erased
from fauxhire.store import schema
from fauxhire.store.erasure_cases import erase_cases
from fauxhire.store.erasure_outputs import (
    delete_in,
    erase_outputs,
    erase_quarantined,
    erase_subject_values,
    select_in,
    select_pairs,
)
from fauxhire.store.erasure_webhooks import erase_webhook_rows
from fauxhire.store.store import Store

_A, _V = schema.applications, schema.applicant_values
_M, _S, _H = schema.meeting_participants, schema.signin_events, schema.hires
_TOMBSTONE_KINDS = ("email", "phone")  # the contact values a tombstone is kept of


def applications_selected(store: Store, kind: str, values: Sequence[str]) -> list[str]:
    """The keys of the applications ``kind`` and ``values`` select: by a contact value they
    hold (an e-mail also through a hire's work account), by key, or by identity."""
    with store.transaction("applications_selected") as conn:
        if kind == "application":
            found = select_in(conn, select(_A.c.key), _A.c.key, values)
        elif kind == "identity":
            t = schema.links
            found = select_in(conn, select(t.c.app_key), t.c.identity_id, values)
        else:
            held = select(_A.c.key).join(_V, _V.c.app_ref == _A.c.id).where(_V.c.kind == kind)
            found = select_in(conn, held, _V.c.key, values)
            if kind == "email":
                found += _applications_of_hires(conn, values)
    return sorted({row[0] for row in found})


def _applications_of_hires(conn: Connection, work_emails: Sequence[str]) -> list[Any]:
    hired = select(_H.c.company_id, _H.c.candidate_id)
    candidates = select_in(conn, hired, _H.c.work_email_key, work_emails)
    pairs = [(row.company_id, row.candidate_id) for row in candidates]
    return select_pairs(conn, select(_A.c.key), _A.c.company_id, _A.c.candidate_id, pairs)


def erase_records(
    store: Store,
    applications: Sequence[str],
    *,
    emails: Sequence[str] = (),
    thorough: bool,
    refused: str,
) -> Erased:
    """Delete ``applications`` and what holds their applicant's data, in the caller's unit
    of work (or a transaction of its own); what was deleted (or, of the webhook deliveries,
    blanked and marked ``refused``: ``erasure_webhooks``), by table."""
    with store.transaction("erase_records") as conn:
        apps = select_in(
            conn, select(_A.c.id, _A.c.key, _A.c.company_id, _A.c.candidate_id), _A.c.key,
            applications,
        )  # fmt: skip
        ids, keys = [row.id for row in apps], [row.key for row in apps]
        values = select_in(conn, select(_V.c.kind, _V.c.key, _V.c.display), _V.c.app_ref, ids)
        held_emails = {v.key for v in values if v.kind == "email"} | set(emails)
        candidates = {(row.company_id, row.candidate_id) for row in apps}
        hires = _hires(conn, candidates, emails)
        meetings = _meetings(conn, keys, held_emails if emails else set())
        signins = _signins(conn, hires, emails)
        records = {
            "applications": tuple(keys),
            "meeting_participants": tuple(sorted(meetings)),
            "signin_events": tuple(sorted(signins)),
            "hires": tuple(sorted(row.key for row in hires)),
        }
        # E-mails and phones only: an address or a URL may be short enough ("Austin, TX")
        # to be part of other people's quarantined excerpts.
        contact = [v for v in values if v.kind in _TOMBSTONE_KINDS]
        shown = {v.display for v in contact} | {v.key for v in contact} | set(emails)
        counts = erase_quarantined(conn, records, shown if thorough else set())
        if thorough:
            counts |= erase_subject_values(conn, [(v.kind, v.key) for v in values], ids)
        counts |= erase_cases(conn, keys)  # before erase_outputs: it reads their links
        counts |= erase_outputs(conn, keys)
        counts |= erase_webhook_rows(conn, keys, refused=refused)
        counts["applicant_values"] = delete_in(conn, _V, _V.c.app_ref, ids)
        counts["meeting_participants"] = delete_in(conn, _M, _M.c.key, meetings)
        counts["signin_events"] = delete_in(conn, _S, _S.c.key, signins)
        counts["hires"] = delete_in(conn, _H, _H.c.key, records["hires"])
        counts["applications"] = delete_in(conn, _A, _A.c.id, ids)
        contacts = {(v.kind, v.key) for v in values if v.kind in _TOMBSTONE_KINDS}
        erased = contacts - _still_held(conn, contacts)
    erased |= {("email", email) for email in emails}
    erased |= {("application", key) for key in keys}
    erased |= {("candidate", f"{company}{schema.KEY_SEP}{cid}") for company, cid in candidates}
    return Erased({t: n for t, n in counts.items() if n}, records, tuple(sorted(erased)))


def _still_held(conn: Connection, values: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The values an application that stays holds as well: no tombstone for them, or that
    applicant's next file would be refused."""
    held = select(_V.c.kind, _V.c.key)
    return {(row.kind, row.key) for row in select_pairs(conn, held, _V.c.kind, _V.c.key, values)}


def _hires(conn: Connection, candidates: set[tuple[str, str]], emails: Sequence[str]) -> list[Any]:
    """The hires of the applications' candidates, and those whose work account is an e-mail
    the selector names."""
    query = select(_H.c.key, _H.c.company_id, _H.c.work_email_key)
    found = select_pairs(conn, query, _H.c.company_id, _H.c.candidate_id, candidates)
    found += select_in(conn, query, _H.c.work_email_key, emails)
    return list({row.key: row for row in found}.values())


def _meetings(conn: Connection, app_keys: Sequence[str], emails: set[str]) -> set[str]:
    """The meeting joins matched to the applications, and (for an erasure by e-mail) those
    with one of the applicant's e-mails that no application was matched to."""
    found = {row[0] for row in select_in(conn, select(_M.c.key), _M.c.app_key, app_keys)}
    unjoined = select(_M.c.key).where(_M.c.app_key.is_(None))
    found |= {row[0] for row in select_in(conn, unjoined, _M.c.email_key, emails)}
    return found


def _signins(conn: Connection, hires: Sequence[Any], emails: Sequence[str]) -> set[str]:
    """The sign-ins of the hires' work accounts, read through the (company, user) index; and
    (for an erasure by e-mail) those of an account that is that e-mail."""
    accounts = {(h.company_id, h.work_email_key) for h in hires if h.work_email_key}
    query = select(_S.c.key)
    found = select_pairs(conn, query, _S.c.company_id, _S.c.user_key, accounts)
    found += select_in(conn, query, _S.c.user_key, emails)
    return {row[0] for row in found}


def expired_applications(
    store: Store, before: datetime, *, hold_before: datetime | None
) -> list[str]:
    """The keys of applications past retention, in key order; confirmed fraud held. One
    read: ``applied_at`` has no index, so a query a batch would scan the table a batch."""
    query = select(_A.c.key).where(_A.c.applied_at < before).order_by(_A.c.key)
    if hold_before is None or hold_before > before:
        held = _confirmed_fraud(_A.c.key)
        query = query.where(
            ~held if hold_before is None else or_(~held, _A.c.applied_at < hold_before)
        )
    with store.transaction("expired_applications") as conn:
        return [row[0] for row in conn.execute(query)]


def _confirmed_fraud(app_key: ColumnElement[Any]) -> ColumnElement[bool]:
    """The application belongs to an identity with confirmed fraud: an employer's report of
    confirmed fraud matched to it or to another of its identity's applications, or an
    analyst's confirmed disposition of it."""
    rm, er = schema.report_matches, schema.employer_reports
    da, d, links = schema.disposition_applications, schema.dispositions, schema.links
    reported = (
        select(rm.c.app_key)
        .join(er, er.c.key == rm.c.report_key)
        .where(er.c.disposition == "confirmed_fraud")
    )
    confirmed = (
        select(da.c.app_key)
        .join(d, d.c.disposition_id == da.c.disposition_id)
        .where(d.c.disposition == "confirmed")
    )
    flagged = reported.union(confirmed).subquery()
    mine, theirs = links.alias("mine"), links.alias("theirs")
    same_identity = exists(
        select(1)
        .select_from(mine.join(theirs, theirs.c.identity_id == mine.c.identity_id))
        .where(mine.c.app_key == app_key, theirs.c.app_key.in_(select(flagged.c.app_key)))
    )
    return or_(app_key.in_(select(flagged.c.app_key)), same_identity)


def erase_expired_observations(
    store: Store, before: datetime, *, hold_before: datetime | None
) -> dict[str, int]:
    """Meeting joins and sign-ins observed before ``before``, deleted in the caller's unit;
    those of confirmed fraud held as its applications are (``expired_applications``)."""
    observed = _M.c.join_time.is_not(None)
    meetings = or_(
        and_(observed, _M.c.join_time < before), and_(~observed, _M.c.start_time < before)
    )
    signins = _S.c.observed_at < before
    if hold_before is None or hold_before > before:
        on_candidate = and_(
            _H.c.company_id == _A.c.company_id, _H.c.candidate_id == _A.c.candidate_id
        )
        fraud_hire = exists(
            select(1)
            .select_from(_H.join(_A, on_candidate))
            .where(_H.c.key == _S.c.hire_key, _confirmed_fraud(_A.c.key))
        )
        fraud_meeting = and_(_M.c.app_key.is_not(None), _confirmed_fraud(_M.c.app_key))
        fraud_signin = and_(_S.c.hire_key.is_not(None), fraud_hire)
        if hold_before is not None:
            fraud_meeting = and_(fraud_meeting, _M.c.start_time >= hold_before)
            fraud_signin = and_(fraud_signin, _S.c.observed_at >= hold_before)
        meetings, signins = and_(meetings, ~fraud_meeting), and_(signins, ~fraud_signin)
    with store.transaction("erase_expired_observations") as conn:
        return {
            "meeting_participants": conn.execute(delete(_M).where(meetings)).rowcount,
            "signin_events": conn.execute(delete(_S).where(signins)).rowcount,
        }
