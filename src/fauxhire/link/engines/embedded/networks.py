"""The embedded engine's network grouping: identities into the networks that run them.

The method is ``fauxhire.link.networks``' (read its docstring): shared values weighed by kind
and rarity, families summed, groups joined round by round until no two are linked, a network
being two parties or more. ``network_values`` weighs the values and finds the persons and
households; this module joins the groups and keeps the links that did.

Input and output are polars frames; nothing here reads a store.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxhire.link.cluster import cluster_ids
from fauxhire.link.engine import NETWORK_EVIDENCE, NetworkLinks
from fauxhire.link.engines.embedded.network_values import (
    below_chance,
    full_nats,
    households,
    name_words,
    organisation_spread,
    personal_values,
    same_person,
)
from fauxhire.link.engines.embedded.overlap import overlap_worth, pools
from fauxhire.link.networks import NETWORK_SPEC, NetworkSpec


def link_networks(
    observations: pl.DataFrame,
    spec: NetworkSpec = NETWORK_SPEC,
    referrals: pl.DataFrame | None = None,
    apart: list[tuple[int, int]] | None = None,
    names: pl.DataFrame | None = None,
    homes: pl.DataFrame | None = None,
) -> NetworkLinks:
    """Network links between identities.

    ``observations``: identity (Int64), kind, value (String): the infrastructure each identity
    was seen with. ``referrals``: identity (the referred), referrer (Int64), value (the name
    as written): already resolved to the identities it may name. ``apart``: identity pairs an
    analyst split: never in one network. ``names``: identity, name (the normalised names each
    identity presented), to tell one person split from two. ``homes``: identity, value (the
    home addresses its applications declare): a household declares one home, and is one
    party however much its members share (a joint account, a connection, a laptop).
    """
    shared = _shared_values(observations, spec, names)
    referred = (
        _referral_pairs(referrals, spec)
        if referrals is not None and referrals.height
        else pl.DataFrame(schema=_FOUND)
    )
    ids = (
        pl.concat(
            [
                shared.get_column("identity"),
                referred.get_column("identity_a"),
                referred.get_column("identity_b"),
            ]
        )
        .unique()
        .sort()
    )
    ids_np = ids.to_numpy().astype(np.int64)
    apart = apart or []
    joins = same_person(shared, spec, names)  # identity_a, identity_b, score
    # A household is one party for "a network is two parties or more", but joins no groups: a
    # home declared by identities of two networks must not merge them. Parties only count, so
    # pairs kept apart may share one (a persona declaring its victim's home is no second party
    # beside the victim's family).
    parties = _groups(ids_np, pl.concat([joins, households(homes, ids, spec, shared)]), [])
    drawn = pools(observations, spec)
    groups, links = _join_rounds(shared, drawn, referred, spec, ids_np, joins, apart)
    return _result(groups, parties, links)


def _shared_values(
    observations: pl.DataFrame, spec: NetworkSpec, names: pl.DataFrame | None
) -> pl.DataFrame:
    """The values two identities or more hold, with their signal's fields, ``shared_by`` (how
    many hold it) and ``population`` (how many hold a value of its kind), weighed as
    ``network_values`` says: organisations spread, chance names held back, personal ones out."""
    signals = pl.DataFrame(
        [
            s.model_dump(exclude={"scope"})  # every field but the regex, a frame column each
            for s in spec.signals
        ]
    )
    seen = observations.select("identity", "kind", "value").unique().join(signals, on="kind")
    shared = seen.with_columns(
        pl.len().over("kind", "value").alias("shared_by"),
        pl.col("identity").n_unique().over("kind").alias("population"),
    ).filter(pl.col("shared_by") >= 2)
    shared = below_chance(organisation_spread(shared, spec), spec)
    if names is not None and names.height:
        shared = shared.join(
            personal_values(shared, name_words(names)), on=["kind", "value"], how="anti"
        )
    return shared


def _join_rounds(
    shared: pl.DataFrame,
    drawn: pl.DataFrame,
    referred: pl.DataFrame,
    spec: NetworkSpec,
    ids: np.ndarray,
    joins: pl.DataFrame,
    apart: list[tuple[int, int]],
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The groups (identity, group) once no two are linked, from the persons ``joins`` make,
    and the links of each round that joined some. ``drawn``: the values of overlap signals
    (``overlap.pools``), whose worth depends on the groups as they stand."""
    groups, links = _groups(ids, joins, apart), []
    while True:  # each round joins groups linked at the threshold; stop when none are
        found = pl.concat(
            [_group_pairs(shared, groups, spec), _referrals_between(referred, groups)],
            how="vertical_relaxed",
        )
        scored = _score(overlap_worth(found, drawn, groups, spec), spec)
        if scored.height == 0:
            break
        joins = pl.concat([joins, scored.select("identity_a", "identity_b", "score")])
        after = _groups(ids, joins, apart)
        if after.get_column("group").n_unique() == groups.get_column("group").n_unique():
            break  # every union left was refused (an analyst's apart)
        links.append(scored)
        groups = after
    return groups, links


_FOUND = {
    "group": pl.Int64,
    "group_b": pl.Int64,
    "identity_a": pl.Int64,
    "identity_b": pl.Int64,
    "kind": pl.String,
    "family": pl.String,
    "value": pl.String,
    "shared_by": pl.Int64,
    "worth": pl.Float64,
    "adds": pl.Boolean,
    "weight": pl.Float64,
}


def _groups(ids: np.ndarray, joins: pl.DataFrame, apart: list[tuple[int, int]]) -> pl.DataFrame:
    """identity, group: the components ``joins`` make, never holding a pair of ``apart``."""
    labels = cluster_ids(
        ids,
        joins.get_column("identity_a").to_numpy().astype(np.int64),
        joins.get_column("identity_b").to_numpy().astype(np.int64),
        joins.get_column("score").to_numpy().astype(np.float64),
        apart,
    )
    return pl.DataFrame(
        {"identity": ids, "group": labels}, schema={"identity": pl.Int64, "group": pl.Int64}
    )


def _group_pairs(shared: pl.DataFrame, groups: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """Values two groups share, each worth what its holders outside the two groups leave it."""
    held = (
        shared.join(groups, on="identity")
        .group_by(
            "kind", "family", "weight", "cap", "adds", "population", "value", "shared_by", "group"
        )
        .agg(pl.len().alias("inside"), pl.col("identity").min())
    )
    # No two groups could hold it with few enough others outside them: no evidence.
    biggest = pl.col("inside").max().over("kind", "value")
    held = held.filter(pl.col("shared_by") - biggest + 1 <= pl.col("cap"))
    pairs = held.join(
        held.select("kind", "value", "group", "inside", "identity"),
        on=["kind", "value"],
        suffix="_b",
    ).filter(pl.col("group") < pl.col("group_b"))
    # The holders outside the two groups, and the two groups themselves.
    counted = pl.col("shared_by") - pl.col("inside") - pl.col("inside_b") + 2
    pairs = pairs.with_columns(counted.alias("counted")).filter(pl.col("counted") <= pl.col("cap"))
    return pairs.select(
        "group",
        "group_b",
        pl.col("identity").alias("identity_a"),
        "identity_b",
        "kind",
        "family",
        "value",
        pl.col("shared_by").cast(pl.Int64),
        _worth(spec).alias("worth"),
        "adds",
        "weight",
    )


def _worth(spec: NetworkSpec) -> pl.Expr:
    full = spec.full_strength_up_to
    counted = pl.col("counted").cast(pl.Float64)
    span = (pl.col("cap").cast(pl.Float64) / full).log().clip(lower_bound=1e-9)
    falling = ((pl.col("cap").cast(pl.Float64) / counted).log() / span).clip(0.0, 1.0)
    nats = (pl.col("population").cast(pl.Float64) / counted).log().clip(lower_bound=0.0)
    return pl.col("weight") * (
        pl.when(pl.col("adds"))
        .then(nats / full_nats(spec, pl.col("population")))
        .when(pl.col("counted") <= full)
        .then(1.0)
        .otherwise(falling)
    )


def _referral_pairs(referrals: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    signal = spec.signal("referral")
    named = referrals.with_columns(pl.len().over("identity", "value").alias("shared_by"))
    named = named.filter(
        (pl.col("shared_by") <= signal.cap) & (pl.col("identity") != pl.col("referrer"))
    )
    return named.select(
        pl.lit(None, pl.Int64).alias("group"),
        pl.lit(None, pl.Int64).alias("group_b"),
        pl.min_horizontal("identity", "referrer").alias("identity_a"),
        pl.max_horizontal("identity", "referrer").alias("identity_b"),
        pl.lit("referral").alias("kind"),
        pl.lit(signal.family).alias("family"),
        pl.col("value"),
        pl.col("shared_by").cast(pl.Int64),
        (signal.weight / pl.col("shared_by").cast(pl.Float64)).alias("worth"),
        pl.lit(False).alias("adds"),
        pl.lit(signal.weight).alias("weight"),
    )


def _referrals_between(referred: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Referrals whose two identities are in two different groups (group < group_b)."""
    at = groups.select("identity", "group")
    found = (
        referred.drop("group", "group_b")
        .join(at.rename({"identity": "identity_a"}), on="identity_a")
        .join(at.rename({"identity": "identity_b", "group": "group_b"}), on="identity_b")
        .filter(pl.col("group") != pl.col("group_b"))
    )
    low = pl.col("group") < pl.col("group_b")
    return found.select(
        pl.when(low).then("group").otherwise("group_b").alias("group"),
        pl.when(low).then("group_b").otherwise("group").alias("group_b"),
        pl.when(low).then("identity_a").otherwise("identity_b").alias("identity_a"),
        pl.when(low).then("identity_b").otherwise("identity_a").alias("identity_b"),
        *[c for c in _FOUND if c not in ("group", "group_b", "identity_a", "identity_b")],
    )


def _score(found: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """A link for each pair of groups whose families sum to the threshold: the strongest value
    of each family counts, or, for a signal whose values add (resume lines), their sum up to
    its weight; the link's ends are the two identities that carry its strongest value."""
    best = (
        found.sort(
            ["worth", "kind", "value", "identity_a", "identity_b"],
            descending=[True, False, False, False, False],
        )
        .group_by("group", "group_b", "family", maintain_order=True)
        .agg(
            pl.all().exclude("worth").first(),
            pl.when(pl.col("adds").first())
            .then(pl.min_horizontal(pl.col("worth").sum(), pl.col("weight").first()))
            .otherwise(pl.col("worth").first())
            .alias("worth"),
            pl.len().alias("_values"),
        )
        .with_columns(
            pl.when(pl.col("_values") > 1)
            .then(pl.col("value") + " (+" + (pl.col("_values") - 1).cast(pl.String) + " more)")
            .otherwise(pl.col("value"))
            .alias("value")
        )
    )
    links = (
        best.group_by("group", "group_b", maintain_order=True)
        .agg(
            pl.col("identity_a").first(),
            pl.col("identity_b").first(),
            pl.col("worth").sum().alias("score"),
            pl.struct(
                "kind", "family", "value", "shared_by", pl.col("worth").alias("weight")
            ).alias("evidence"),
        )
        .filter(pl.col("score") >= spec.threshold - 1e-9)
    )
    return links.select(
        pl.min_horizontal("identity_a", "identity_b").alias("identity_a"),
        pl.max_horizontal("identity_a", "identity_b").alias("identity_b"),
        "score",
        "evidence",
    ).sort("identity_a", "identity_b")


def _result(groups: pl.DataFrame, persons: pl.DataFrame, links: list[pl.DataFrame]) -> NetworkLinks:
    # A network is two parties or more: one identity alone, one person split or one household
    # is in none.
    networks = (
        groups.join(persons.rename({"group": "person"}), on="identity")
        .filter(pl.col("person").n_unique().over("group") >= 2)
        .select("identity", pl.col("group").alias("network"))
        .sort("identity")
    )
    edges = (
        pl.concat(links)
        if links
        else pl.DataFrame(
            schema={
                "identity_a": pl.Int64,
                "identity_b": pl.Int64,
                "score": pl.Float64,
                "evidence": pl.List(NETWORK_EVIDENCE),
            }
        )
    )
    edges = edges.join(networks, left_on="identity_a", right_on="identity").join(
        networks, left_on="identity_b", right_on="identity", suffix="_b"
    )
    edges = edges.filter(pl.col("network") == pl.col("network_b")).drop("network", "network_b")
    return NetworkLinks(edges=edges.sort("identity_a", "identity_b"), networks=networks)
