"""The Spark engine's clustering: connected components of the links, on Spark, with an
analyst's "apart" judgements kept as ``fauxhire.link.cluster`` keeps them.

Components by alternating large-star and small-star (Kiveris et al., "Connected Components
in MapReduce and Beyond", 2014), in plain DataFrame code: each round is two ``groupBy(min)``
and their joins, and the rounds needed grow with the logarithm of the components' size, not
with their diameter (a label-propagation loop would need as many rounds as the longest
chain, and a persona's applications chain for hundreds). The edges converge to stars, each
centred on its component's smallest record, which labels it.

A component with a pair judged apart inside is "troubled": its links (a few, where analysts
judged) are collected and rebuilt on the driver by ``cluster_ids``, edge by edge, strongest
first, exactly as the embedded engine does; each part is labelled by its smallest record.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final

import numpy as np
import polars as pl
from pyspark.sql import functions as F

from fauxhire.link.cluster import cluster_ids
from fauxhire.link.engine import in_link_order
from fauxhire.link.engines.spark.session import to_polars, to_spark

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

log = logging.getLogger(__name__)

# Far above what log-many rounds need (about 2 log2 n for n records in one component): a
# run that has not converged by then has a bug, and says so rather than looping.
MAX_ROUNDS: Final = 64


def clusters(records: DataFrame, links: DataFrame, apart: pl.DataFrame) -> DataFrame:
    """rec, cluster (the component's smallest rec) for every record of ``records`` (rec),
    joined by ``links`` (rec_a, rec_b, weight), never a pair of ``apart`` (rec_a, rec_b) in
    one cluster (``fauxhire.link.engine.Resolution``). Checkpointed: the rounds' plans end
    here."""
    labels = components(links.select("rec_a", "rec_b"))
    labelled = (
        records.select("rec")
        .join(labels, "rec", "left")
        .select("rec", F.coalesce("cluster", "rec").alias("cluster"))
    )
    troubled = _troubled(labels, apart)
    if troubled:
        rebuilt = to_spark(records.sparkSession, _rebuilt(labels, links, apart, troubled))
        labelled = labelled.where(~F.col("cluster").isin(troubled)).unionByName(rebuilt)
    return labelled.localCheckpoint(eager=True)


def components(edges: DataFrame) -> DataFrame:
    """rec, cluster: every record named by an edge (rec_a, rec_b), labelled by the smallest
    record of its component."""
    current = _normalised(edges).localCheckpoint(eager=True)
    for round_ in range(1, MAX_ROUNDS + 1):
        after = _small_star(_large_star(current)).localCheckpoint(eager=True)
        if _same(current, after):
            log.debug("connected components converged in %d rounds", round_)
            # A star: every edge joins a record to its component's smallest one.
            stars = after.select(F.col("high").alias("rec"), F.col("low").alias("cluster"))
            centres = after.select(F.col("low").alias("rec"), F.col("low").alias("cluster"))
            return stars.unionByName(centres).distinct().localCheckpoint(eager=True)
        current = after
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")


def _normalised(edges: DataFrame) -> DataFrame:
    """low < high, each edge once, no loops."""
    return (
        edges.select(
            F.least("rec_a", "rec_b").alias("low"), F.greatest("rec_a", "rec_b").alias("high")
        )
        .where(F.col("low") != F.col("high"))
        .distinct()
    )


def _both_ways(edges: DataFrame) -> DataFrame:
    """node, other: each edge from both of its ends."""
    return edges.select(F.col("low").alias("node"), F.col("high").alias("other")).unionByName(
        edges.select(F.col("high").alias("node"), F.col("low").alias("other"))
    )


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node's larger neighbours are joined to the smallest of its neighbourhood."""
    ways = _both_ways(edges)
    smallest = ways.groupBy("node").agg(F.least(F.min("other"), F.first("node")).alias("m"))
    larger = ways.where(F.col("other") > F.col("node")).join(smallest, "node")
    return _normalised(larger.select(F.col("other").alias("rec_a"), F.col("m").alias("rec_b")))


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node and its smaller neighbours are joined to the smallest of them."""
    ways = _both_ways(edges).where(F.col("other") < F.col("node"))
    smallest = ways.groupBy("node").agg(F.min("other").alias("m"))
    smaller = ways.join(smallest, "node").select(
        F.col("other").alias("rec_a"), F.col("m").alias("rec_b")
    )
    itself = smallest.select(F.col("node").alias("rec_a"), F.col("m").alias("rec_b"))
    return _normalised(smaller.unionByName(itself))


def _same(before: DataFrame, after: DataFrame) -> bool:
    """Whether two sets of distinct edges are equal: as many, and none new."""
    return before.count() == after.count() and bool(after.exceptAll(before).isEmpty())


def _troubled(labels: DataFrame, apart: pl.DataFrame) -> list[int]:
    """The components holding both records of a pair judged apart."""
    if apart.height == 0:
        return []
    pairs = to_spark(labels.sparkSession, apart.select("rec_a", "rec_b"))
    a = labels.select(F.col("rec").alias("rec_a"), F.col("cluster").alias("cluster_a"))
    b = labels.select(F.col("rec").alias("rec_b"), F.col("cluster").alias("cluster_b"))
    joined = pairs.join(a, "rec_a").join(b, "rec_b")
    inside = joined.where(F.col("cluster_a") == F.col("cluster_b")).select("cluster_a")
    return sorted({int(row[0]) for row in inside.distinct().collect()})


def _rebuilt(
    labels: DataFrame, links: DataFrame, apart: pl.DataFrame, troubled: list[int]
) -> pl.DataFrame:
    """rec, cluster of the troubled components' records, rebuilt on the driver by
    ``cluster_ids`` and each part labelled by its smallest record."""
    members = labels.where(F.col("cluster").isin(troubled)).select("rec")
    inside = (
        links.select("rec_a", "rec_b", "weight")
        .join(members.withColumnRenamed("rec", "rec_a"), "rec_a")
        .join(members.withColumnRenamed("rec", "rec_b"), "rec_b")
    )
    # The embedded engine's order: ``cluster`` sorts by weight stably, so ties fall as there.
    edges = in_link_order(to_polars(inside))
    recs = to_polars(members).get_column("rec").sort()
    parts = cluster_ids(
        recs.to_numpy().astype(np.int64),
        edges.get_column("rec_a").to_numpy().astype(np.int64),
        edges.get_column("rec_b").to_numpy().astype(np.int64),
        edges.get_column("weight").to_numpy(),
        list(apart.select("rec_a", "rec_b").iter_rows()),
    )
    rebuilt = pl.DataFrame({"rec": recs, "part": parts})
    return rebuilt.select("rec", pl.col("rec").min().over("part").alias("cluster"))
