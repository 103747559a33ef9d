"""The network-links evidence names the same peers however the edges come in."""

from __future__ import annotations

import polars as pl

from fauxhire.assess.detectors.context import (
    ContextParams,
    LinkParams,
    network_context,
    network_links,
)
from fauxhire.assess.facts import Facts


def test_tied_peers_are_named_by_id_whatever_the_row_order() -> None:
    # Eight peers tie at one score; the evidence names five. Which five must not depend on
    # the order the store returned the edges in.
    peers = [f"i-{n}" for n in (17, 3, 12, 8, 5, 21, 9, 14)]
    edges = pl.DataFrame({"a": ["i-1"] * 8, "b": peers, "score": [1.5] * 8})
    named = set()
    for seed in range(6):
        shuffled = edges.sample(fraction=1.0, shuffle=True, seed=seed)
        fired = network_links(Facts.make(edges=shuffled), LinkParams())
        row = fired.filter(pl.col("identity_id") == "i-1").row(0, named=True)
        named.add(tuple(row["values"]))
    assert named == {("i-12", "i-14", "i-17", "i-21", "i-3")}  # the five smallest ids, as text


def test_the_network_context_peer_of_equal_gain_is_chosen_by_id() -> None:
    # Three members of one network with the same own gain: which one each cites as its
    # strongest peer must not depend on the order the first pass returned them in.
    members = ["i-112", "i-2", "i-33"]
    edges = pl.DataFrame({"a": ["i-112", "i-2"], "b": ["i-33", "i-33"], "score": [2.0, 2.0]})
    cited = set()
    for seed in range(6):
        own = pl.DataFrame(
            {"identity_id": members, "network_id": ["net-2"] * 3, "gain": [9.2, 9.2, 9.2]}
        ).sample(fraction=1.0, shuffle=True, seed=seed)
        fired = network_context(Facts.make(edges=edges), ContextParams(), own)
        row = fired.filter(pl.col("identity_id") == "i-33").row(0, named=True)
        cited.add(tuple(row["values"]))
    assert len(cited) == 1
    assert cited.pop()[0].startswith("i-112 in net-2")  # the first by id, as text
