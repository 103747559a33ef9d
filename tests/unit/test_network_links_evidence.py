"""The network-links evidence names the same peers however the edges come in."""

from __future__ import annotations

import polars as pl

from fauxhire.assess.detectors.context import LinkParams, network_links
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
