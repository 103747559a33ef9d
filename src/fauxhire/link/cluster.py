"""Clusters from scored pairs: connected components, with an analyst's judgements kept.

Linked pairs join their records into one cluster (transitively). Judgements constrain that:
a confirmed pair is always joined; a separated pair ("this record is not that identity") is
never in one cluster, however strong the chain between them. Components with no separated
pair inside are taken whole (scipy, vectorised); only the few that hold one are rebuilt edge by
edge, strongest first, refusing any union that would join a separated pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from fauxhire.link.positions import RecordIndex

Ints = npt.NDArray[np.int64]


def components(nodes: int, a: Ints, b: Ints) -> Ints:
    """Component label of each node 0..nodes-1 given undirected edges (a[i], b[i])."""
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(nodes, nodes))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def cluster_ids(
    ids: Ints,
    a: Ints,
    b: Ints,
    weight: npt.NDArray[np.float64],
    apart: Sequence[tuple[int, int]] = (),
) -> Ints:
    """``cluster`` over records named by id rather than position: a label per id, in order.
    Pairs of ``apart`` naming an id not among ``ids`` are ignored."""
    known = set(ids.tolist()) if apart else set()
    kept = [(x, y) for x, y in apart if x in known and y in known]
    flat = np.array([v for pair in kept for v in pair], dtype=np.int64)
    index = RecordIndex(ids)
    at = index.positions(flat).reshape(-1, 2).tolist() if kept else []
    return cluster(
        len(ids), index.positions(a), index.positions(b), weight, [(x, y) for x, y in at]
    )


def cluster(
    nodes: int,
    a: Ints,
    b: Ints,
    weight: npt.NDArray[np.float64],
    apart: list[tuple[int, int]] | None = None,
) -> Ints:
    """Labels of nodes joined by edges, never putting a pair of ``apart`` together."""
    labels = components(nodes, a, b)
    apart = apart or []
    troubled = {int(labels[x]) for x, y in apart if labels[x] == labels[y]}
    if not troubled:
        return labels
    inside = np.isin(labels[a], list(troubled))
    order = np.argsort(-weight[inside], kind="stable")
    sub_a, sub_b = a[inside][order], b[inside][order]
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = defaultdict(set)

    def root(x: int) -> int:
        if x not in parent:
            parent[x] = x
            members[x] = {x}
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    forbidden: dict[int, set[int]] = defaultdict(set)
    for x, y in apart:
        forbidden[x].add(y)
        forbidden[y].add(x)
    for x, y in zip(sub_a.tolist(), sub_b.tolist(), strict=True):
        rx, ry = root(x), root(y)
        if rx == ry:
            continue
        small, big = sorted((rx, ry), key=lambda r: len(members[r]))
        if any(forbidden[n] & members[big] for n in members[small] if n in forbidden):
            continue
        parent[small] = big
        members[big] |= members.pop(small)
    out = labels.copy()
    fresh = int(labels.max()) + 1
    for node in parent:
        top = root(node)
        if int(labels[node]) in troubled:
            out[node] = fresh + top
    return out


def spanning_edges(nodes: int, a: Ints, b: Ints, weight: npt.NDArray[np.float64]) -> Ints:
    """Indexes of the edges of a maximum spanning forest: the strongest links that still hold
    every cluster together, n - 1 for a cluster of n instead of up to n^2 / 2."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.int64)
    finite = np.where(np.isfinite(weight), weight, np.nan)
    top = np.nanmax(finite) if np.isfinite(finite).any() else 0.0
    # minimum_spanning_tree minimises and drops zero entries: costs are positive and strongest
    # links cheapest; a confirmed link (infinite weight) is the cheapest of all.
    cost = np.where(np.isfinite(weight), top + 1.0 - weight, 0.5)
    cost = np.maximum(cost, 1e-9)
    graph = coo_matrix((cost, (a, b)), shape=(nodes, nodes)).tocsr()
    tree = minimum_spanning_tree(graph).tocoo()
    # The tree keeps an edge as (row, col) in either direction: match both to edge indexes.
    low = np.minimum(tree.row, tree.col).astype(np.int64)
    high = np.maximum(tree.row, tree.col).astype(np.int64)
    edges = pl.DataFrame({"x": np.minimum(a, b), "y": np.maximum(a, b), "index": np.arange(len(a))})
    kept = pl.DataFrame({"x": low, "y": high}).join(edges, on=["x", "y"])
    return np.sort(kept.get_column("index").to_numpy()).astype(np.int64)
