"""What an erasure deletes beside the records themselves: their quarantined and held copies,
the employer reports' subject values that were theirs, the stage outputs that cite them, and
the tombstones it leaves (``store/erasure.py`` says what is found how)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, false, func, insert, or_, select

from fauxhire.store import schema
from fauxhire.store.store import Store
from fauxhire.store.writer import ID_BATCH

_Q, _HELD = schema.quarantine, schema.held_records
_DECIDED = schema.quarantine_decisions
_NAMES = "name"  # a report's names are not erased with a person: a borrowed one is another's
# Terms of one OR chain: SQLite parses ``a OR b OR ...`` into a tree as deep as it is long, and
# refuses one deeper than 1,000 ("Expression tree is too large"), which retention's batches of
# thousands of identities reached.
OR_BATCH = 200


def batches(values: Iterable[Any], size: int = ID_BATCH) -> Iterator[list[Any]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def pairs_in(first: Any, second: Any, pairs: Iterable[tuple[Any, Any]]) -> Any:
    """``(first, second)`` is one of ``pairs``, written as ``first = ? AND second IN (...)``
    for each first value: SQLite reads a row-value IN by scanning the table, but each of
    these from the index on the two columns."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for a, b in pairs:
        grouped[a].append(b)
    return or_(false(), *(and_(first == a, second.in_(bs)) for a, bs in grouped.items()))


def select_pairs(
    conn: Connection, query: Any, first: Any, second: Any, pairs: Iterable[tuple[Any, Any]]
) -> list[Any]:
    rows: list[Any] = []
    for part in batches(pairs, OR_BATCH):
        rows += conn.execute(query.where(pairs_in(first, second, part))).all()
    return rows


def delete_in(conn: Connection, table: Table, column: Any, values: Iterable[Any]) -> int:
    return sum(
        conn.execute(delete(table).where(column.in_(part))).rowcount for part in batches(values)
    )


def erase_quarantined(
    conn: Connection, records: Mapping[str, Sequence[str]], shown: set[str]
) -> dict[str, int]:
    """The quarantine entries of later versions of the records (held whole beside them), and
    the entries whose excerpt shows one of ``shown`` (a scan: a single erasure's)."""
    pairs = [(table, key) for table, keys in records.items() for key in keys]
    held = select(_HELD.c.quarantine_key)
    found = select_pairs(conn, held, _HELD.c.record_table, _HELD.c.record_key, pairs)
    entries = {row[0] for row in found}
    for part in batches((value for value in shown if value), OR_BATCH):
        showing = or_(*(_contains(conn, _Q.c.excerpt, value) for value in part))
        entries |= {row[0] for row in conn.execute(select(_Q.c.key).where(showing))}
    return {
        "quarantine_decisions": delete_in(conn, _DECIDED, _DECIDED.c.quarantine_key, entries),
        "held_records": delete_in(conn, _HELD, _HELD.c.quarantine_key, entries),
        "quarantine": delete_in(conn, _Q, _Q.c.key, entries),
    }


def erase_subject_values(
    conn: Connection, values: Sequence[tuple[str, str]], app_ids: Sequence[int]
) -> dict[str, int]:
    """The employer reports' subject values that are the applicant's, names aside, unless an
    application that stays holds the same value (it is that one's as well)."""
    v, s = schema.applicant_values, schema.report_subject_values
    theirs = sorted({pair for pair in values if pair[0] != _NAMES})
    deleted = 0
    for part in batches(theirs, OR_BATCH):
        kept = select(v.c.kind, v.c.key).where(
            pairs_in(v.c.kind, v.c.key, part), v.c.app_ref.not_in(list(app_ids) or [-1])
        )
        shared = {tuple(row) for row in conn.execute(kept)}
        gone = [pair for pair in part if pair not in shared]
        if gone:
            where = pairs_in(s.c.kind, s.c.key, gone)
            deleted += conn.execute(delete(s).where(where)).rowcount
    return {"report_subject_values": deleted}


def erase_outputs(conn: Connection, app_keys: Sequence[str]) -> dict[str, int]:
    """Every output that cites the applications: their links, matches, judgements and the
    dispositions left with no application; the identity links to them; and the network and
    borrowed links, assessments and stored reports of the identities and networks that held
    them, which the next linking run and assessment rebuild from what remains."""
    links, edges = schema.links, schema.link_edges
    held = select_in(
        conn, select(links.c.identity_id, links.c.network_id), links.c.app_key, app_keys
    )
    identities = sorted({row.identity_id for row in held})
    networks = sorted({row.network_id for row in held if row.network_id})
    counts = _erase_analyst_records(conn, app_keys)
    counts["report_matches"] = delete_in(
        conn, schema.report_matches, schema.report_matches.c.app_key, app_keys
    )
    counts["links"] = delete_in(conn, links, links.c.app_key, app_keys)
    counts["link_edges"] = _erase_edges(conn, edges, app_keys, identities)
    counts["assessments"] = _erase_assessments(conn, identities, networks)
    counts["reports"] = _erase_reports(conn, [*identities, *networks])
    return counts


def select_in(conn: Connection, query: Any, column: Any, values: Iterable[Any]) -> list[Any]:
    rows: list[Any] = []
    for part in batches(values):
        rows += conn.execute(query.where(column.in_(part))).all()
    return rows


def _erase_analyst_records(conn: Connection, app_keys: Sequence[str]) -> dict[str, int]:
    """Judgements naming an application, and its place in a disposition; a disposition whose
    every application is gone goes too (its reason was about that person)."""
    j, da, d = schema.judgements, schema.disposition_applications, schema.dispositions
    judged = sum(
        conn.execute(delete(j).where(or_(j.c.a.in_(part), j.c.b.in_(part)))).rowcount
        for part in batches(app_keys)
    )
    disposed = select_in(conn, select(da.c.disposition_id), da.c.app_key, app_keys)
    places = delete_in(conn, da, da.c.app_key, app_keys)
    ids = {row[0] for row in disposed}
    empty = [
        i
        for i in ids
        if conn.execute(select(da.c.app_key).where(da.c.disposition_id == i)).first() is None
    ]
    return {
        "judgements": judged,
        "disposition_applications": places,
        "dispositions": delete_in(conn, d, d.c.disposition_id, empty),
    }


def _erase_edges(
    conn: Connection, edges: Table, app_keys: Sequence[str], identities: Sequence[str]
) -> int:
    """Identity links with an end among the applications (found through their identities'
    index); network and borrowed links with an end among the identities."""
    deleted = 0
    for part in batches(identities):
        of_group = and_(edges.c.stage == "identity", edges.c.group_id.in_(part))
        citing = conn.execute(select(edges.c.a, edges.c.b).where(of_group)).all()
        gone = set(app_keys)
        pairs = [(a, b) for a, b in citing if a in gone or b in gone]
        for pair_part in batches(pairs, OR_BATCH):
            where = and_(edges.c.stage == "identity", pairs_in(edges.c.a, edges.c.b, pair_part))
            deleted += conn.execute(delete(edges).where(where)).rowcount
        grouped = and_(
            edges.c.stage.in_(["network", "borrowed"]),
            or_(edges.c.a.in_(part), edges.c.b.in_(part)),
        )
        deleted += conn.execute(delete(edges).where(grouped)).rowcount
    return deleted


def _erase_assessments(conn: Connection, identities: Sequence[str], networks: Sequence[str]) -> int:
    t = schema.assessments
    deleted = 0
    for kind, ids in (("identity", identities), ("network", networks)):
        for part in batches(ids):
            where = and_(t.c.subject_kind == kind, t.c.subject_id.in_(part))
            deleted += conn.execute(delete(t).where(where)).rowcount
    return deleted


def _erase_reports(conn: Connection, subjects: Sequence[str]) -> int:
    """Stored campaign reports that list one of the identities or networks (a report that is
    not anonymised shows their names); the report is made again from what remains."""
    t = schema.reports
    deleted = 0
    for part in batches(subjects, OR_BATCH):
        listing = or_(*(_contains(conn, t.c.figures, f'"{subject}"') for subject in part))
        deleted += conn.execute(delete(t).where(listing)).rowcount
    return deleted


def add_tombstones(store: Store, digests: Sequence[tuple[str, str]], *, at: datetime) -> int:
    """Store the (kind, digest) pairs not held yet; how many were new."""
    t = schema.erasure_tombstones
    with store.transaction("add_tombstones") as conn:
        known = {
            row[0] for part in batches(d for _, d in digests)
            for row in conn.execute(select(t.c.digest).where(t.c.digest.in_(part)))
        }  # fmt: skip
        new = {digest: kind for kind, digest in digests if digest not in known}
        if new:
            rows = [{"digest": d, "kind": k, "erased_at": at} for d, k in sorted(new.items())]
            conn.execute(insert(t), rows)
        return len(new)


def tombstone_digests(store: Store) -> frozenset[str]:
    t = schema.erasure_tombstones
    with store.transaction("tombstone_digests") as conn:
        return frozenset(row[0] for row in conn.execute(select(t.c.digest)))


def _contains(conn: Connection, column: Any, text: str) -> Any:
    """``text`` is within ``column``: a plain substring test (LIKE would read ``%`` and
    ``_`` in an e-mail as wildcards)."""
    if conn.dialect.name == "postgresql":
        return func.strpos(column, text) > 0
    return func.instr(column, text) > 0
