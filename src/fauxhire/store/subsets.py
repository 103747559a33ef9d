"""Reads and writes of the few records an incremental link touches, through indexes.

A batch of a thousand new applications must link into a store of a million in seconds, so
nothing here reads a whole table: new applications come after the last run's watermark (row
ids only grow), the existing records worth comparing are found by the values and names the
new ones hold (``ix_applicant_values_kind_key``, ``ix_applications_name_key``), and their
identities by their links.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import polars as pl
from sqlalchemy import TextClause, bindparam, insert, text, update

from fauxhire.domain import evidence
from fauxhire.store import schema
from fauxhire.store.bulk import insert_rows
from fauxhire.store.frames import QUERIES, frame_of
from fauxhire.store.outputs import Edge
from fauxhire.store.store import Store

_CHUNK = 5000  # bound parameters a statement, well under SQLite's and psycopg's limits

_APPLICATIONS = QUERIES["applications"]
_AFTER = text(f"{_APPLICATIONS} WHERE id > :rec")


def applications_after(store: Store, rec: int) -> pl.DataFrame:
    """Applications stored after row ``rec`` (the last linked), as the applications frame."""
    with store.transaction("applications_after") as conn:
        rows = conn.execute(_AFTER, {"rec": rec}).all()
    return frame_of("applications", rows)


def applications_by_rec(store: Store, recs: Sequence[int]) -> pl.DataFrame:
    rows = _chunked(store, f"{_APPLICATIONS} WHERE id IN :recs", "recs", recs)
    return frame_of("applications", rows)


def values_of(store: Store, recs: Sequence[int]) -> pl.DataFrame:
    """The applicant values (rec, kind, key) of these applications."""
    query = "SELECT app_ref AS rec, kind, key FROM applicant_values WHERE app_ref IN :recs"
    return frame_of("applicant_values", _chunked(store, query, "recs", recs))


def holders_of_values(store: Store, values: pl.DataFrame) -> pl.DataFrame:
    """Every application holding any of these (kind, key) values: rec, kind, key."""
    query = "SELECT app_ref AS rec, kind, key FROM applicant_values WHERE {where}"
    return frame_of("applicant_values", _by_kind(store, query, values))


def _by_kind(store: Store, query: str, values: pl.DataFrame) -> list[Any]:
    """The rows of ``query`` (its ``{where}`` a condition on one kind and its keys, so that
    the (kind, key) index serves it) for these (kind, key) values. A screen's few values
    are one statement, a UNION ALL of a branch a kind: a round trip a kind cost a screen a
    millisecond. A batch's thousands are a statement a kind and chunk, as ``_chunked``."""
    keyed: dict[str, dict[str, None]] = {}  # in Python: polars' group_by costs a millisecond
    for kind, key in values.select("kind", "key").iter_rows():
        keyed.setdefault(kind, {})[key] = None
    if sum(map(len, keyed.values())) + len(keyed) > _CHUNK:
        rows: list[Any] = []
        for kind, keys in keyed.items():
            where = query.format(where="kind = :kind AND key IN :keys")
            rows += _chunked(store, where, "keys", list(keys), kind=kind)
        return rows
    if not keyed:
        return []
    statement = _union_by_kind(query, len(keyed))
    params: dict[str, Any] = {}
    for i, (kind, keys) in enumerate(keyed.items()):
        params |= {f"kind_{i}": kind, f"keys_{i}": list(keys)}
    with store.transaction("subset:by_kind") as conn:
        return list(conn.execute(statement, params).all())


def value_counts(store: Store, values: pl.DataFrame) -> pl.DataFrame:
    """kind, key, holders: how many applications hold each of these (kind, key) values (an
    index-only count: the values are not read)."""
    query = "SELECT kind, key, COUNT(*) FROM applicant_values WHERE {where} GROUP BY kind, key"
    rows = _by_kind(store, query, values)
    schema = {"kind": pl.String, "key": pl.String, "holders": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def name_counts(store: Store, name_keys: Sequence[str]) -> pl.DataFrame:
    """name_key, holders: how many applications are under each of these name keys."""
    query = "SELECT name_key, COUNT(*) FROM applications WHERE name_key IN :names GROUP BY name_key"
    rows = _chunked(store, query, "names", name_keys)
    return pl.DataFrame(rows, schema={"name_key": pl.String, "holders": pl.Int64}, orient="row")


def holders_of_names(store: Store, name_keys: Sequence[str]) -> pl.DataFrame:
    """rec, name_key, key of the applications under any of these name keys."""
    query = "SELECT id AS rec, name_key, key FROM applications WHERE name_key IN :names"
    rows = _chunked(store, query, "names", name_keys)
    return pl.DataFrame(
        rows, schema={"rec": pl.Int64, "name_key": pl.String, "key": pl.String}, orient="row"
    )


def links_of(store: Store, recs: Sequence[int]) -> pl.DataFrame:
    """rec, identity_id, network_id of these applications, where linked."""
    query = (
        "SELECT a.id AS rec, l.identity_id, l.network_id FROM applications a "
        "JOIN links l ON l.app_key = a.key WHERE a.id IN :recs"
    )
    return frame_of("links", _chunked(store, query, "recs", recs))


def links_of_keys(store: Store, keys: Sequence[str]) -> dict[str, str]:
    """Application key to identity id, for these application keys."""
    query = "SELECT app_key, identity_id FROM links WHERE app_key IN :keys"
    return {str(key): str(identity) for key, identity in _chunked(store, query, "keys", keys)}


def identity_sizes(store: Store, identity_ids: Sequence[str]) -> dict[str, int]:
    query = "SELECT identity_id, COUNT(*) FROM links WHERE identity_id IN :ids GROUP BY identity_id"
    return {identity: int(n) for identity, n in _chunked(store, query, "ids", identity_ids)}


def borrowed_pairs(store: Store, identity_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(a, b): the pairs of these identities the last full run split apart as a possibly
    borrowed identity (its ``borrowed`` edges name the lower id ``a``)."""
    query = "SELECT a, b FROM link_edges WHERE stage = 'borrowed' AND a IN :ids"
    wanted = set(identity_ids)
    found = _chunked(store, query, "ids", identity_ids)
    return sorted({(str(a), str(b)) for a, b in found if b in wanted})


def add_links(
    store: Store,
    links: Iterable[tuple[str, str, str | None]],
    merged: dict[str, tuple[str, str | None]],
    edges: Iterable[Edge],
    *,
    now: datetime,
) -> int:
    """In one transaction: the new applications' links (app key, identity, network), the
    identities merged into others renamed (old id to kept id and its network) in links and
    edges, and the new identity edges. The number of links added."""
    rows = [
        {"app_key": key, "identity_id": identity, "network_id": network, "linked_at": now}
        for key, identity, network in links
    ]
    t, e = schema.links, schema.link_edges
    with store.transaction("add_links") as conn:
        for old, (kept, network) in merged.items():
            conn.execute(
                update(t).where(t.c.identity_id == old).values(identity_id=kept, network_id=network)
            )
            conn.execute(
                update(e).where(e.c.stage == "identity", e.c.group_id == old).values(group_id=kept)
            )
        if rows:
            conn.execute(insert(t), rows)
        # Straight to the driver, evidence as its JSON text: through the column's type, text
        # built in bulk would be encoded again (one JSON string `fauxhire show` cannot read),
        # and parsing it to objects first cost more than the rest of the write.
        edge_rows = [(*edge[:-1], _evidence_text(edge)) for edge in edges]
        if edge_rows:
            insert_rows(conn, e, Edge._fields, edge_rows, store.dialect)
    return len(rows)


def _evidence_text(edge: Edge) -> str:
    if isinstance(edge.evidence, str):
        return edge.evidence
    return evidence.to_json(evidence.from_parsed(edge.evidence, evidence.shape_of(edge.stage)))


@lru_cache(maxsize=64)
def _union_by_kind(query: str, kinds: int) -> TextClause:
    """``query`` for ``kinds`` kinds, one branch each. Kept: a statement used again is not
    parsed and keyed again by SQLAlchemy (a screen runs some forty)."""
    branches = [query.format(where=f"kind = :kind_{i} AND key IN :keys_{i}") for i in range(kinds)]
    return text(" UNION ALL ".join(branches)).bindparams(
        *(bindparam(f"keys_{i}", expanding=True) for i in range(kinds))
    )


@lru_cache(maxsize=64)
def _expanding(query: str, name: str) -> TextClause:
    return text(query).bindparams(bindparam(name, expanding=True))


def _chunked(
    store: Store, query: str, name: str, values: Sequence[Any], **params: Any
) -> list[Any]:
    statement = _expanding(query, name)
    rows: list[Any] = []
    with store.transaction(f"subset:{name}") as conn:
        for start in range(0, len(values), _CHUNK):
            chunk = list(values[start : start + _CHUNK])
            rows += conn.execute(statement, {name: chunk, **params}).all()
    return rows
