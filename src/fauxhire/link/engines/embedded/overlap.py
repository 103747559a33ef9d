"""Values drawn from a pool, many per identity: two groups' overlap weighed against chance.

A VPN's users come out of its exits, each user through several over time. How often two users
meet on an exit depends on the pool and on their use of it, not on any one exit's rarity: a
small VPN's twenty users meet on its exits all the time, and two networks of a hundred sessions
each on a large one meet on a dozen by chance. So for a signal marked ``overlap`` (``Signal``),
what two groups share counts as a whole: if each group's ``k`` values of a pool (a provider's
exits in the store, ``D`` of them) were drawn at random, the number they share would follow a
hypergeometric law; the nats of the chance of sharing as many as they do, or more, over the
chance margin across every pair of the pool's users (``full_nats``), is the link's worth, up to
the signal's weight. A value held by more than the signal's cap is left out of the count of
shared values (a popular exit is common however groups form) but stays in ``k`` and ``D``.

Polars frames in and out; nothing here reads a store.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.stats import hypergeom

from fauxhire.link.engines.embedded.network_values import full_nats
from fauxhire.link.networks import NetworkSpec


def _overlapping(spec: NetworkSpec) -> pl.Expr:
    """Whether a row's value is of an overlap signal."""
    return pl.col("kind").is_in([s.kind for s in spec.signals if s.overlap])


def _scope(spec: NetworkSpec) -> pl.Expr:
    """``scope``: the pool each value is drawn from (its signal's ``scope`` regex), "" where
    its signal names none."""
    scope = pl.lit(None, pl.String)
    for signal in spec.signals:
        if signal.scope:
            scope = (
                pl.when(pl.col("kind") == signal.kind)
                .then(pl.col("value").str.extract(signal.scope, 1))
                .otherwise(scope)
            )
    return scope.fill_null("").alias("scope")


def pools(observations: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """identity, kind, scope, value, pool, users: every value of an overlap signal each
    identity holds, shared or not (what a group draws from its pool), with how many values
    its pool holds and how many identities draw from it. Read once: groups do not change it."""
    return (
        observations.filter(_overlapping(spec))
        .select("identity", "kind", _scope(spec), "value")
        .unique()
        .with_columns(
            pl.col("value").n_unique().over("kind", "scope").alias("pool"),
            pl.col("identity").n_unique().over("kind", "scope").alias("users"),
        )
    )


def overlap_worth(
    found: pl.DataFrame, drawn: pl.DataFrame, groups: pl.DataFrame, spec: NetworkSpec
) -> pl.DataFrame:
    """``found`` (values two groups share) with the rows of overlap signals worth what the
    overlap of the two groups' values in their pool is; other rows as they were."""
    mine = _overlapping(spec)
    if drawn.height == 0 or found.filter(mine).height == 0:
        return found
    held = (
        drawn.join(groups, on="identity")
        .group_by("group", "kind", "scope")
        .agg(pl.col("value").n_unique().alias("k"), pl.col("pool").first(), pl.col("users").first())
    )
    overlaps = (
        found.filter(mine)
        .with_columns(_scope(spec))
        .group_by("group", "group_b", "kind", "scope")
        .agg(pl.col("value").n_unique().alias("shared"))
        .join(held, on=["group", "kind", "scope"])
        .join(
            held.select("group", "kind", "scope", pl.col("k").alias("k_b")),
            left_on=["group_b", "kind", "scope"],
            right_on=["group", "kind", "scope"],
        )
    )
    counts = overlaps.select(
        pl.col("shared", "pool", "k_b", "k").cast(pl.Int64)
    ).to_numpy()  # signed: scipy subtracts them
    nats = -hypergeom.logsf(counts[:, 0] - 1, counts[:, 1], counts[:, 2], counts[:, 3])
    weights = {s.kind: s.weight for s in spec.signals if s.overlap}
    weight = pl.col("kind").replace_strict(weights, return_dtype=pl.Float64)
    # Pools are independent: the chances of overlaps in several multiply, their nats add,
    # each pool's over the chance margin among its own users.
    worth = (
        overlaps.with_columns(pl.Series("nats", np.nan_to_num(nats, posinf=1e6)))
        .with_columns((pl.col("nats") / full_nats(spec, pl.col("users"))).alias("_overlap"))
        .group_by("group", "group_b", "kind")
        .agg((pl.col("_overlap").sum().clip(0.0, 1.0) * weight.first()).alias("_overlap"))
    )
    return (
        found.join(worth, on=["group", "group_b", "kind"], how="left")
        .with_columns(
            pl.when(mine).then(pl.col("_overlap").fill_null(0.0)).otherwise("worth").alias("worth")
        )
        .drop("_overlap")
    )
