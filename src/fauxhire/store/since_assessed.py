"""Whether an identity's stored assessment, and its network members', saw all they hold but a
screen's applications (``ApplicantReader.rows_since_assessed``), read by index.

A screen that adds an application to an identity carries what its other records gave from
its stored assessment (``assess/reassess.py``), and sums its network's assessment from the
members' stored ones. That holds while nothing else came since: no other link after the
assessment of the identity it belongs to, and no meeting, hire, sign-in, employer report or
disposition after that assessment or the screened identity's (whose carried context read
them).

The statements: the identity's applications, and its assessment's time; one pass over the
links of the identity and its network, grouped by identity before each identity's
assessment is joined (its time, whether a link came after it, whether a link came after
the screened identity's); the identities a borrowed-identity edge ties it to, and the same
pass over theirs (the detector weighs their own evidence against its); where a link came
after the screened identity's assessment, whether one brought a record of another kind
with it; and one of probes, each read from an index on time: whether anything came after
the oldest of those assessments at all (nothing, in a store where only screens came since
the last refresh), and only then which records, each compared with its own identity's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, Text, bindparam, text

from fauxhire.domain.normalise import name as name_norm
from fauxhire.ports import ApplicantRows, SinceAssessed
from fauxhire.store.applicants import CONTACTS
from fauxhire.store.scoped_facts import first_holders
from fauxhire.store.store import Store
from fauxhire.store.types import UtcDateTime

_APPLICATIONS = text(
    "SELECT a.id, a.key, a.company_id, CAST(a.applied_at AS TEXT), a.claimed_location, "
    "a.referred_by, l.network_id FROM links l JOIN applications a ON a.key = l.app_key "
    "WHERE l.identity_id = :id ORDER BY a.id"
)
_MINE = text(
    "SELECT assessed_at FROM assessments WHERE subject_kind = 'identity' AND subject_id = :id"
)
# Per identity of the scope (the identity, and its network's members): its assessment's time
# (NULL: none); whether a link of it other than the new ones came after that; and whether a
# link of it came after :mine (the screened identity's assessment). The links are grouped
# before the assessments are joined: one lookup an identity, not one a link.
_CHECKED = (
    "SELECT g.identity_id, s.assessed_at, "
    "CASE WHEN g.last_linked > s.assessed_at THEN 1 ELSE 0 END, g.recent FROM ("
    "SELECT l.identity_id, MAX(CASE WHEN l.app_key NOT IN :new THEN l.linked_at END) "
    "AS last_linked, MAX(CASE WHEN l.linked_at > :mine THEN 1 ELSE 0 END) AS recent "
    "FROM links l WHERE {scope} GROUP BY l.identity_id) g "
    "LEFT JOIN assessments s ON s.subject_kind = 'identity' AND s.subject_id = g.identity_id"
)
_MEMBERS = text(_CHECKED.format(scope="l.identity_id = :id OR l.network_id = :net")).bindparams(
    bindparam("new", expanding=True)
)
# Whether an application linked after :mine (a screen's, its own or a member's) is named by
# a record of another kind, which it brought into the network: a hire of its candidate, a
# meeting or report joined to it, a disposition. Asked apart, and only where such links are
# (``recent``): folded into the pass above, PostgreSQL planned each check as a hash of its
# whole table, built for the first link to reach it. A hire names its candidate, not an
# application: one that an application of the same identity, linked before, names with the
# same name and claimed home was held already, and the facts read it the same (they keep one
# row a hire, from any of its applications: services/facts.py).
_HELD_ALREADY = (
    "SELECT 1 FROM applications b JOIN links k ON k.app_key = b.key "
    "WHERE b.company_id = a.company_id AND b.candidate_id = a.candidate_id "
    "AND k.identity_id = l.identity_id AND k.linked_at <= :mine "
    "AND COALESCE(b.name_key, '') = COALESCE(a.name_key, '') "
    "AND COALESCE(b.claimed_location, '') = COALESCE(a.claimed_location, '')"
)
_BROUGHT = " OR ".join(
    f"EXISTS (SELECT 1 {query})"
    for query in (
        "FROM meeting_participants m WHERE m.app_key = l.app_key",
        "FROM report_matches rm WHERE rm.app_key = l.app_key",
        "FROM disposition_applications da WHERE da.app_key = l.app_key",
        "FROM applications a JOIN hires h ON h.company_id = a.company_id "
        f"AND h.candidate_id = a.candidate_id WHERE a.key = l.app_key "
        f"AND NOT EXISTS ({_HELD_ALREADY})",
    )
)
# The identities a borrowed-identity edge ties it to: the detector weighs its own evidence
# against theirs, so their stored assessments must have seen all they hold, as members'.
_PARTNERS = text(
    "SELECT b FROM link_edges WHERE stage = 'borrowed' AND a = :id "
    "UNION SELECT a FROM link_edges WHERE stage = 'borrowed' AND b = :id"
)


def _partners_param() -> BindParameter[str]:
    # Typed: an empty list is an empty set of text on PostgreSQL, not of integers.
    return bindparam("partners", expanding=True, type_=Text())


_PARTNERS_CHECKED = text(_CHECKED.format(scope="l.identity_id IN :partners")).bindparams(
    bindparam("new", expanding=True), _partners_param()
)
_SCOPE = "(l.identity_id = :id OR l.network_id = :net OR l.identity_id IN :partners)"
# Read through the identities that have such links (:recent, from the pass above: never
# empty), not the whole network's: a screened identity's own links, not the 2,000 of a
# network. The scope as above, with the identity and its partners in one list (:own): an
# empty list is a subquery on PostgreSQL, which no index serves.
_BROUGHT_SINCE = text(
    "SELECT 1 FROM links l WHERE l.identity_id IN :recent "
    "AND (l.identity_id IN :own OR l.network_id = :net) "
    f"AND l.linked_at > :mine AND ({_BROUGHT}) LIMIT 1"
).bindparams(bindparam("recent", expanding=True), bindparam("own", expanding=True))

# A record's time came after its identity's assessment or the screened identity's (:mine).
_AFTER = "({t} > s.assessed_at OR {t} > :mine)"
# From a record's application (a.key, or l.app_key) to its identity in the scope, with that
# identity's assessment. CROSS JOIN keeps SQLite's order: the records after :oldest first,
# from the index on their time, then their links by key.
_IN_SCOPE = (
    "CROSS JOIN links l CROSS JOIN assessments s WHERE {on} AND " + _SCOPE + " "
    "AND s.subject_kind = 'identity' AND s.subject_id = l.identity_id"
)
_HIRED = "a.company_id = h.company_id AND a.candidate_id = h.candidate_id AND l.app_key = a.key"
_CAME_AFTER = [
    "FROM meeting_participants m " + _IN_SCOPE.format(on="l.app_key = m.app_key")
    + " AND m.ingested_at > :oldest AND " + _AFTER.format(t="m.ingested_at"),
    "FROM hires h CROSS JOIN applications a " + _IN_SCOPE.format(on=_HIRED)
    + " AND h.ingested_at > :oldest AND " + _AFTER.format(t="h.ingested_at"),
    "FROM signin_events e CROSS JOIN hires h CROSS JOIN applications a "
    + _IN_SCOPE.format(on=f"h.key = e.hire_key AND {_HIRED}")
    + " AND e.ingested_at > :oldest AND " + _AFTER.format(t="e.ingested_at"),
    "FROM employer_reports r CROSS JOIN report_matches rm "
    + _IN_SCOPE.format(on="rm.report_key = r.key AND l.app_key = rm.app_key")
    + " AND r.ingested_at > :oldest AND " + _AFTER.format(t="r.ingested_at"),
    "FROM dispositions d CROSS JOIN disposition_applications da "
    + _IN_SCOPE.format(on="da.disposition_id = d.disposition_id AND l.app_key = da.app_key")
    + " AND d.created_at > :oldest AND " + _AFTER.format(t="d.created_at"),
]  # fmt: skip
_UNSEEN = text(
    "SELECT CASE WHEN "
    + " OR ".join(f"EXISTS (SELECT 1 {query})" for query in _CAME_AFTER)
    + " THEN 1 ELSE 0 END"
).bindparams(_partners_param())
# Whether anything came after :oldest at all, from each table's latest time (read off its
# index): nothing did, in a store where only screens came since the last refresh, and the
# scoped probes (milliseconds of planning on PostgreSQL) are then not asked. The latest
# time, not "EXISTS ... > :oldest": PostgreSQL's generic plan of a prepared statement
# guesses a third of the rows newer than a parameter and scans the whole table for one.
_RECORD_TIMES = (
    ("meeting_participants", "ingested_at", ""),
    ("hires", "ingested_at", ""),
    ("signin_events", "ingested_at", ""),
    ("employer_reports", "ingested_at", ""),
    ("dispositions", "created_at", ""),
)
_STORE_WIDE = (
    # An ingest (not a screen's records) joins what waited, a meeting to an application a
    # screen stored, and may bring IP intelligence, which classes every egress IP; an
    # analyst's decision may replace a record. An indicator that came or expired changes a
    # partner match (graded by the clock), which is carried.
    ("ingest_files", "started_at", " WHERE format <> 'records'"),
    ("quarantine_decisions", "decided_at", ""),
    ("indicators", "ingested_at", ""),
)


def _any_later(times: Sequence[tuple[str, str, str]]) -> str:
    return " OR ".join(f"(SELECT MAX({c}) FROM {t}{where}) > :oldest" for t, c, where in times)


_CAME = text(
    f"SELECT CASE WHEN {_any_later(_STORE_WIDE)} OR EXISTS (SELECT 1 FROM indicators "
    "WHERE valid_until > :oldest AND valid_until <= :now) THEN 2 "
    f"WHEN {_any_later(_RECORD_TIMES)} THEN 1 ELSE 0 END"
).bindparams(bindparam("now", type_=UtcDateTime()))
_STORE_WIDE_CHANGE, _RECORDS_CAME = 2, 1


def rows_since_assessed(
    store: Store, identity_id: str, new: Sequence[str], namesakes: int, now: datetime
) -> SinceAssessed | None:
    wanted = sorted(set(new))
    with store.transaction("rows_since_assessed") as conn:
        apps = conn.execute(_APPLICATIONS, {"id": identity_id}).all()
        if not wanted or not set(wanted) <= {row[1] for row in apps}:
            return None  # the new ones are not (all) its
        networks = {row[6] for row in apps}
        if len(networks) != 1:
            return None  # its applications disagree on its network: the batch way decides
        (network,) = networks
        referrals = {name_norm.key(row[5]) for row in apps if row[5]} - {""}
        if any(_read(conn, name, identity_id, namesakes) for name in sorted(referrals)):
            return None
        mine = conn.execute(_MINE, {"id": identity_id}).scalar()
        if mine is None:
            return None
        scope = {"id": identity_id, "net": network, "new": wanted, "mine": mine}
        members = conn.execute(_MEMBERS, scope).all()
        partners = sorted(conn.execute(_PARTNERS, {"id": identity_id}).scalars())
        checked = list(members)
        if partners:
            checked += conn.execute(_PARTNERS_CHECKED, {**scope, "partners": partners}).all()
            if len({row[0] for row in checked} & set(partners)) < len(partners):
                return None  # a partner holds no application: the batch way decides
        if any(at is None or late for _, at, late, _ in checked):
            return None  # one has no stored assessment, or a link it did not see
        times: dict[str, Any] = {member: at for member, at, _, _ in members}
        oldest = min(at for _, at, _, _ in checked)
        probes = {
            "id": identity_id, "net": network, "mine": mine, "oldest": oldest, "now": now,
            "partners": partners,
        }  # fmt: skip
        recent = sorted({member for member, *_, since in checked if since})
        brought = {"recent": recent, "own": [identity_id, *partners], "net": network, "mine": mine}
        if recent and conn.execute(_BROUGHT_SINCE, brought).first():
            return None  # a link since brought a record with it
        came = conn.execute(_CAME, {"oldest": oldest, "now": now}).scalar()
        if came == _STORE_WIDE_CHANGE or (
            came == _RECORDS_CAME and conn.execute(_UNSEEN, probes).scalar()
        ):
            return None
        key_of = {row[0]: row[1] for row in apps}
        contacts = conn.execute(CONTACTS, {"refs": list(key_of)}).all()
    rows = ApplicantRows(
        applications=[(key, company, at, place) for _, key, company, at, place, *_ in apps],
        contacts=[(key_of[ref], kind, key) for ref, kind, key in contacts],
    )
    changed = sorted(member for member, at in times.items() if at > mine)
    return SinceAssessed(rows, network, sorted(times), changed, tuple(partners))


def _read(conn: Connection, name: str, identity_id: str, namesakes: int) -> bool:
    """Whether the referral detector reads a referral under ``name``: fewer than
    ``namesakes`` identities hold it, another than the referred one among them. Whether it
    fires then depends on those holders' own evidence now, which a screen does not carry."""
    # A few rows at a time: a common name's first rows hold enough identities to say no.
    holders = first_holders(conn, name, namesakes, rows=8 * namesakes)
    return len(holders) < namesakes and any(h != identity_id for h in holders)
