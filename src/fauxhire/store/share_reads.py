"""What an export to partners reads (services/share_export.py): the flagged identities with
their assessment, counts of their applications, interviews and companies, their span in
time, and the normalised contact values they hold of the kinds partners match on; and the
networks they belong to. Read by index, a batch of identities at a time: an export reads a
few thousand identities of a store of millions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Integer, bindparam, cast, func, or_, select, text

from fauxhire.store import schema
from fauxhire.store.erasure_outputs import select_in
from fauxhire.store.store import Store

_A, _V, _L, _AS = schema.applications, schema.applicant_values, schema.links, schema.assessments


class Flagged(NamedTuple):
    """One identity or network at or above the export's level, as the last assessment left it."""

    subject_id: str
    network_id: str | None
    probability: float
    level: str
    assessed_at: datetime


class Activity(NamedTuple):
    """An identity's applications in counts and dates: what a sighting says, without where."""

    applications: int
    interviews: int
    companies: int
    first_applied: datetime
    last_applied: datetime


def flagged(store: Store, kind: str, levels: Sequence[str]) -> list[Flagged]:
    """The identities (``kind`` identity) or networks assessed at one of ``levels``, by id."""
    query = (
        select(_AS.c.subject_id, _AS.c.network_id, _AS.c.probability, _AS.c.level,
               _AS.c.assessed_at)
        .where(_AS.c.subject_kind == kind, _AS.c.level.in_(list(levels)))
        .order_by(_AS.c.subject_id)
    )  # fmt: skip
    with store.transaction("share_flagged") as conn:
        return [Flagged(*row) for row in conn.execute(query)]


def activity(store: Store, identity_ids: Sequence[str]) -> dict[str, Activity]:
    """Each identity's applications counted, with their first and last dates."""
    interviewed = func.sum(cast(or_(_A.c.stage_interview, _A.c.has_meeting), Integer))
    query = (
        select(
            _L.c.identity_id, func.count(), interviewed, func.count(_A.c.company_id.distinct()),
            func.min(_A.c.applied_at), func.max(_A.c.applied_at),
        )
        .join(_A, _A.c.key == _L.c.app_key)
        .group_by(_L.c.identity_id)
    )  # fmt: skip
    with store.transaction("share_activity") as conn:
        rows = select_in(conn, query, _L.c.identity_id, identity_ids)
    return {row[0]: Activity(int(row[1]), int(row[2] or 0), int(row[3]), row[4], row[5])
            for row in rows}  # fmt: skip


def contact_keys(
    store: Store, identity_ids: Sequence[str], kinds: Sequence[str]
) -> dict[str, set[tuple[str, str]]]:
    """The normalised values of ``kinds`` each identity holds, as (kind, key), kept only
    where every identity holding the value is one of ``identity_ids``: a value an identity
    outside them holds too may be a victim's or an innocent's, and is never shared."""
    held = (
        select(_L.c.identity_id, _V.c.kind, _V.c.key)
        .join(_A, _A.c.key == _L.c.app_key)
        .join(_V, _V.c.app_ref == _A.c.id)
        .where(_V.c.kind.in_(list(kinds)))
    )
    with store.transaction("share_contacts") as conn:
        found = select_in(conn, held, _L.c.identity_id, identity_ids)
        values = {(row.kind, row.key) for row in found}
        shared = _held_elsewhere(conn, values, set(identity_ids))
    by_identity: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in found:
        if (row.kind, row.key) not in shared:
            by_identity[row.identity_id].add((row.kind, row.key))
    return dict(by_identity)


def _held_elsewhere(
    conn: Connection, values: Iterable[tuple[str, str]], inside: set[str]
) -> set[tuple[str, str]]:
    """The values an identity outside ``inside`` holds as well (the store's value index)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in values:
        by_kind[kind].append(key)
    elsewhere: set[tuple[str, str]] = set()
    for kind, keys in by_kind.items():
        holders = (
            select(_V.c.key, _L.c.identity_id)
            .join(_A, _A.c.id == _V.c.app_ref)
            .join(_L, _L.c.app_key == _A.c.key, isouter=True)  # unlinked yet: outside too
            .where(_V.c.kind == kind)
        )
        rows: list[Any] = select_in(conn, holders, _V.c.key, keys)
        elsewhere |= {(kind, row.key) for row in rows if row.identity_id not in inside}
    return elsewhere


def _egress_sql(meetings: str, signins: str) -> str:
    """Identity and egress IP of meetings and of sign-ins (a hire's, through its
    applications), each kept by its own condition on ``:values``."""
    return (
        "SELECT l.identity_id, m.ip_address FROM meeting_participants m "
        f"JOIN links l ON l.app_key = m.app_key WHERE m.ip_address IS NOT NULL AND {meetings} "
        "UNION "
        "SELECT l.identity_id, s.ip_address FROM signin_events s "
        "JOIN hires h ON h.key = s.hire_key "
        "JOIN applications a ON a.company_id = h.company_id AND a.candidate_id = h.candidate_id "
        f"JOIN links l ON l.app_key = a.key WHERE s.ip_address IS NOT NULL AND {signins}"
    )


_BY_IDENTITY = _egress_sql("l.identity_id IN :values", "l.identity_id IN :values")
_BY_IP = _egress_sql("m.ip_address IN :values", "s.ip_address IN :values")


def egress(store: Store, identity_ids: Sequence[str]) -> dict[str, set[str]]:
    """The egress IPs each of ``identity_ids`` was seen at (meetings and sign-ins)."""
    found: dict[str, set[str]] = defaultdict(set)
    for identity, ip in _rows_of(store, _BY_IDENTITY, identity_ids):
        found[identity].add(ip)
    return dict(found)


def egress_holders(store: Store, ips: Sequence[str]) -> dict[str, set[str]]:
    """The identities each of ``ips`` was seen for (by the IP indexes of migration 0021)."""
    found: dict[str, set[str]] = defaultdict(set)
    for identity, ip in _rows_of(store, _BY_IP, ips):
        found[ip].add(identity)
    return dict(found)


def _rows_of(store: Store, sql: str, values: Sequence[str]) -> list[Any]:
    query = text(sql).bindparams(bindparam("values", expanding=True))
    rows: list[Any] = []
    with store.transaction("share_egress") as conn:
        for start in range(0, len(values), 500):
            rows += conn.execute(query, {"values": list(values[start : start + 500])}).all()
    return rows
