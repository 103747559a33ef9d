"""The edges written with a link run: the evidence an analyst sees for each link.

An identity's edges are the strongest links that hold it together, each with what every
comparison found and what it weighed; a borrowed identity's, the link that shows what the two
parts present alike; a network's, the shared values that joined its identities.
"""

from __future__ import annotations

import polars as pl

from fauxhire.domain import evidence
from fauxhire.domain.evidence import JUDGED_TOGETHER, ComparisonEvidence, SharedEvidence
from fauxhire.link.engine import Engine, NetworkLinks, level_column, weight_column
from fauxhire.link.identities import IDENTITY_SPEC
from fauxhire.link.spec import MISSING
from fauxhire.ports import Edge


def identity_edges(
    links: pl.DataFrame, identities: pl.DataFrame, apps: pl.DataFrame, engine: Engine
) -> list[Edge]:
    """``identity_edge_frame`` as edges, for the few an incremental run adds."""
    frame = identity_edge_frame(links, identities, apps, engine)
    return [
        Edge("identity", a, b, group, float(score), probability, evidence)
        for a, b, group, score, probability, evidence in frame.iter_rows()
    ]


def identity_edge_frame(
    links: pl.DataFrame, identities: pl.DataFrame, apps: pl.DataFrame, engine: Engine
) -> pl.DataFrame:
    """a, b, group_id, score, probability, evidence: the strongest links that hold each
    identity together (a maximum spanning forest of ``links`` over the records of
    ``identities``: rec, id), with their evidence as JSON text built in columns (a dict per
    comparison per edge, in Python, took 7 s at a million)."""
    tree = engine.spanning_links(links, identities.get_column("rec"))
    keys = apps.select("rec", "key")
    tree = (
        tree.join(keys, left_on="rec_a", right_on="rec")
        .join(keys, left_on="rec_b", right_on="rec", suffix="_b")
        .join(identities.select("rec", "id"), left_on="rec_a", right_on="rec")
        .with_columns(_evidence_json().alias("evidence"))
    )
    return tree.select(
        pl.col("key").alias("a"),
        pl.col("key_b").alias("b"),
        pl.col("id").alias("group_id"),
        pl.col("weight").cast(pl.Float64).alias("score"),
        "probability",
        "evidence",
    )


def borrowed_edges(
    pairs: pl.DataFrame, links: pl.DataFrame, identities: pl.DataFrame
) -> list[Edge]:
    """One edge per pair of identities split apart as a possibly borrowed identity (``pairs``:
    cluster_a, cluster_b): the strongest link between them, which shows what they present alike
    (the name, the address, the profile) and that no email, phone or resume line agrees."""
    cluster = identities.select("rec", "cluster", "id")
    across = (
        links.join(cluster, left_on="rec_a", right_on="rec")
        .join(cluster, left_on="rec_b", right_on="rec", suffix="_b")
        .with_columns(
            pl.min_horizontal("cluster", "cluster_b").alias("cluster_a"),
            pl.max_horizontal("cluster", "cluster_b").alias("_high"),
        )
        .join(pairs, left_on=["cluster_a", "_high"], right_on=["cluster_a", "cluster_b"])
        .sort("weight", descending=True)
        .unique(["cluster_a", "_high"], keep="first")
    )
    named = across.with_columns(_evidence_json().alias("evidence")).sort("id", "id_b")
    return [
        Edge("borrowed", a, b, a, float(score), probability, evidence)
        for a, b, score, probability, evidence in named.select(
            pl.min_horizontal("id", "id_b").alias("a"),
            pl.max_horizontal("id", "id_b").alias("b"),
            "weight",
            "probability",
            "evidence",
        ).iter_rows()
    ]


def _evidence_json() -> pl.Expr:
    """Per edge, the JSON list of what each comparison found: its level, an analyst's reading
    of it and its weight. A pair the model did not link (no levels) is held by an analyst's
    word alone."""
    parts = []
    for c in IDENTITY_SPEC.comparisons:
        level = pl.col(level_column(c))
        readings = {value: c.describe(value) for value in range(MISSING, c.levels + 1)}
        parts.append(
            evidence.encoded(
                ComparisonEvidence,
                comparison=pl.lit(c.name),
                level=level,
                reading=level.replace_strict(readings, return_dtype=pl.String),
                weight=pl.col(weight_column(c)).round(3),
            )
        )
    return (
        pl.when(pl.col(level_column(IDENTITY_SPEC.comparisons[0])).is_null())
        .then(pl.lit(evidence.to_json([JUDGED_TOGETHER])))
        .otherwise(evidence.listed_across(parts))
    )


def network_edges(
    network: NetworkLinks, per_identity: pl.DataFrame, network_ids: pl.DataFrame
) -> list[Edge]:
    named = (
        network.edges.join(per_identity, left_on="identity_a", right_on="cluster")
        .join(per_identity, left_on="identity_b", right_on="cluster", suffix="_b")
        .join(network.networks, left_on="identity_a", right_on="identity")
        .join(network_ids, left_on="network", right_on="group", suffix="_net")
    )
    return [
        Edge(
            "network",
            row["id"],
            row["id_b"],
            row["id_net"],
            float(row["score"]),
            None,
            # The values as polars gives them, unconverted: the stored text stays what it was.
            evidence.to_json(SharedEvidence(**item) for item in row["evidence"]),
        )
        for row in named.iter_rows(named=True)
    ]
