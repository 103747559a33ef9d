"""The assessment's frames for a few identities, read by index (a screen: ``services/screen.py``).

A full assessment reads every linked record (``frames.FACT_QUERIES``, 25 s at a million
applications). Screening one candidate needs the same frames for the identities it touched and
those their context indicators read: the members of their networks, the identities they were
split from as borrowed, and the holders of the names that referred them
(``assessment_scope``). Each query here is its full-store twin with a clause that keeps the
scope's rows, so both read the same columns in the same shape; the hires' twin starts from
the scope's links instead (``frames.SCOPED_HIRES``), as the whole store's starts from every hire.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from sqlalchemy import Connection, TextClause, bindparam, text

from fauxhire.domain.normalise import name as name_norm
from fauxhire.store.frames import FACT_QUERIES, SCOPED_HIRES, SCOPED_HIRES_FROM
from fauxhire.store.store import Store

_IN_SCOPE = "l.identity_id IN :ids"
# Each frame's clause: appended with WHERE, or with AND where its query has a WHERE already.
_SCOPES: dict[str, str] = {
    "applications": f"WHERE {_IN_SCOPE}",
    "contacts": (
        "AND app_ref IN (SELECT a.id FROM applications a JOIN links l ON l.app_key = a.key "
        f"WHERE {_IN_SCOPE})"
    ),
    "meetings": f"WHERE {_IN_SCOPE}",
    "signins": f"WHERE {_IN_SCOPE}",
    # Every identity a report touching the scope matched: a report is tied by e-mail only
    # where at most two identities hold the address (services/facts.py), counted store-wide.
    "reports": (
        "WHERE m.report_key IN (SELECT n.report_key FROM report_matches n "
        "JOIN links l ON l.app_key = n.app_key WHERE l.identity_id IN :ids)"
    ),
    # The buildings the scope's hires ship to, found as the scope's hires are (the subquery's
    # aliases are its own: it does not refer to the outer hire).
    "buildings": (
        f"AND h.shipping_building_key IN (SELECT h.shipping_building_key {SCOPED_HIRES_FROM})"
    ),
    "edges": "AND (a IN :ids OR b IN :ids)",
    "borrowed": "AND (a IN :ids OR b IN :ids)",
}
# Frames that are the store's context, not any identity's records: read whole.
WHOLE = frozenset({"observables", "ip_ranges"})


def read_scoped_fact_frame(store: Store, name: str, identities: Sequence[str]) -> pl.DataFrame:
    """The frame ``name`` of ``FACT_QUERIES`` with only the rows of ``identities`` (for the
    edge frames: the edges touching one of them); the context frames whole."""
    query, schema = FACT_QUERIES[name]
    if name in WHOLE:
        sql, params = query, {}
    elif name == "hires":
        sql, params = SCOPED_HIRES, {"ids": sorted(set(identities))}
    else:
        sql, params = f"{query} {_SCOPES[name]}", {"ids": sorted(set(identities))}
    statement = text(sql)
    if params:
        statement = statement.bindparams(bindparam("ids", expanding=True))
    with store.transaction(f"assess:{name}:scoped") as conn:
        rows = conn.execute(statement, params).all()
    return _frame(rows, schema)


def _frame(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")


def assessment_scope(store: Store, identities: Sequence[str], namesakes: int) -> list[str]:
    """``identities`` and every identity their assessment reads: the other members of their
    networks, the identities a borrowed-identity edge ties them to, and up to ``namesakes``
    holders of each name that the applications of all of these say referred them, and of each
    name ``identities`` hold. Sorted. (Whom they referred is not read: a referral names a
    person in free text, which no index holds; ``score.assess`` carries it.)

    The holders of every referring name in the scope, not only of the names referring the
    identities asked for: the referral detector reads a referral only under a name few
    identities hold, counted among the identities it is given. A network mate's referral
    names someone; with that name's other holders out of the scope, a name held by 190
    identities looked held by one, and a screen called the identity asked for the referrer
    of a flagged mate (bench/screen at a million applications: 10 of 1,000 screens).

    And the holders of the names the identities asked for hold: a holder of a referring name
    brought in above has referrals of its own, which the detector reads too. One naming the
    identity's name, held by 157 identities, looked held by one: a screen called the identity
    the referrer of a flagged one (bench/screen: 4 of 1,000 screens)."""
    ids = sorted(set(identities))
    if not ids:
        return []
    found = set(ids)
    with store.transaction("assessment_scope") as conn:
        for query in _TIED:
            found.update(row[0] for row in conn.execute(_expanding(query), {"ids": ids}))
        scope = sorted(found)
        referrals = conn.execute(_expanding(_REFERRALS), {"ids": scope}).scalars().all()
        own = conn.execute(_expanding(_OWN_NAMES), {"ids": ids}).scalars().all()
        names = sorted(({name_norm.key(text) for text in referrals} | set(own)) - {""})
        for name in names:
            found.update(first_holders(conn, name, namesakes))
    return sorted(found)


def first_holders(conn: Connection, name: str, bound: int, rows: int = 200) -> list[str]:
    """The first ``bound`` identities holding ``name``, in the order of their applications'
    keys: the same on every backend. Read ``rows`` applications at a time."""
    held: dict[str, None] = {}
    after = ""
    while len(held) < bound:
        page = conn.execute(_NAME_HOLDERS, {"name": name, "after": after, "rows": rows}).all()
        held.update(dict.fromkeys(identity for _, identity in page))
        if len(page) < rows:
            break
        after = page[-1][0]
    return list(held)[:bound]


def _expanding(query: str) -> TextClause:
    return text(query).bindparams(bindparam("ids", expanding=True))


_TIED = (
    # Links are an application's: a join of the two sides would pair every application of
    # the identities with every one of their networks'.
    "SELECT DISTINCT identity_id FROM links WHERE network_id IN (SELECT network_id FROM links "
    "WHERE identity_id IN :ids AND network_id IS NOT NULL)",
    "SELECT a AS identity_id FROM link_edges WHERE stage = 'borrowed' AND b IN :ids "
    "UNION SELECT b FROM link_edges WHERE stage = 'borrowed' AND a IN :ids",
)
_REFERRALS = (
    "SELECT DISTINCT a.referred_by FROM applications a JOIN links l ON l.app_key = a.key "
    "WHERE l.identity_id IN :ids AND a.referred_by IS NOT NULL"
)
# The names the identities asked for hold: a referral under one of them, by anyone in the
# scope, names them, and is read only if few identities hold the name.
_OWN_NAMES = (
    "SELECT DISTINCT a.name_key FROM applications a JOIN links l ON l.app_key = a.key "
    "WHERE l.identity_id IN :ids AND a.name_key IS NOT NULL"
)
# A name's holders a page at a time, in the order of the name index (name, application key):
# the scope takes the first ``bound`` identities (it needs them to count a name's holders up
# to the bound the referral detector reads under; past it, which ones does not matter), and
# a common name's thousands of applications are not read for them. Ordered by the index, so
# PostgreSQL walks it and stops; its plan for DISTINCT with LIMIT walked every link in
# identity order instead (7 s a screen).
_NAME_HOLDERS = text(
    "SELECT a.key, l.identity_id FROM applications a JOIN links l ON l.app_key = a.key "
    "WHERE a.name_key = :name AND a.key > :after ORDER BY a.key LIMIT :rows"
)
