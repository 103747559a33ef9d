"""Connected components on Spark against the driver's union-find (``link.cluster``), on
graphs shaped where a component algorithm goes wrong: a chain of 600 records (a label
propagation needs 600 rounds; large-star/small-star a few), a star, a complete graph,
records in no link, many small components, duplicate and reversed links, and components
holding pairs an analyst judged apart, which must be rebuilt as the embedded engine does."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

from fauxhire.link.cluster import cluster_ids

pytestmark = pytest.mark.spark


def _graph() -> tuple[pl.DataFrame, pl.DataFrame]:
    """records (rec) and links (rec_a, rec_b, weight), ids sparse and unordered."""
    rng = np.random.default_rng(20)
    edges: list[tuple[int, int]] = []
    chain = list(rng.permutation(np.arange(1_000, 1_600)))  # a chain in shuffled id order
    edges += list(itertools.pairwise(chain))
    edges += [(5_000, 5_000 + k) for k in range(1, 80)]  # a star
    edges += [(6_000 + i, 6_000 + j) for i in range(12) for j in range(i + 1, 12)]  # complete
    for start in range(7_000, 9_000, 10):  # many small trees, links in both directions
        edges += [(start + 3, start), (start + 1, start + 3), (start, start + 3)]
    nodes = {n for pair in edges for n in pair}
    lonely = [10_000 + k for k in range(50)]
    recs = sorted(nodes | set(lonely))
    links = pl.DataFrame(
        {
            "rec_a": [min(a, b) for a, b in edges],
            "rec_b": [max(a, b) for a, b in edges],
            "weight": rng.uniform(1.0, 30.0, len(edges)).round(1),  # ties, as real weights have
        }
    )
    return pl.DataFrame({"rec": recs}), links


def _partition(clusters: pl.DataFrame) -> set[frozenset[int]]:
    grouped = clusters.group_by("cluster").agg(pl.col("rec"))
    return {frozenset(recs) for recs in grouped.get_column("rec").to_list()}


def _expected(records: pl.DataFrame, links: pl.DataFrame, apart: pl.DataFrame) -> pl.DataFrame:
    labels = cluster_ids(
        records.get_column("rec").to_numpy(),
        links.get_column("rec_a").to_numpy(),
        links.get_column("rec_b").to_numpy(),
        links.get_column("weight").to_numpy(),
        list(apart.iter_rows()),
    )
    return pl.DataFrame({"rec": records.get_column("rec"), "cluster": labels})


@pytest.mark.parametrize(
    "apart",
    [
        [],
        # In the chain, in the complete graph, between two components (no effect), and a pair
        # naming a record in no link.
        [(1_000, 1_599), (6_000, 6_011), (6_001, 6_005), (5_000, 7_000), (10_001, 1_000)],
    ],
    ids=["no-judgements", "apart"],
)
def test_spark_components_are_the_embedded_clusters(apart: list[tuple[int, int]]) -> None:
    from fauxhire.link.engines.spark.cluster import clusters
    from fauxhire.link.engines.spark.session import session, to_polars, to_spark

    records, links = _graph()
    judged = pl.DataFrame(apart, schema={"rec_a": pl.Int64, "rec_b": pl.Int64}, orient="row")
    spark = session()
    got = to_polars(clusters(to_spark(spark, records), to_spark(spark, links), judged))
    expected = _expected(records, links, judged)

    assert got.get_column("rec").sort().to_list() == records.get_column("rec").to_list()
    assert _partition(got) == _partition(expected)
    # Labelled by each cluster's smallest record.
    smallest = got.group_by("cluster").agg(pl.col("rec").min().alias("low"))
    assert (smallest.get_column("cluster") == smallest.get_column("low")).all()
    if apart:
        same = dict(got.iter_rows())
        assert same[1_000] != same[1_599] and same[6_000] != same[6_011]
        assert len(_partition(got)) > len(_partition(_expected(records, links, judged.head(0))))


def test_components_converge_on_a_long_chain_in_few_rounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fauxhire.link.engines.spark import cluster as spark_cluster
    from fauxhire.link.engines.spark.session import session, to_polars, to_spark

    chain = np.random.default_rng(3).permutation(2_000)
    edges = pl.DataFrame({"rec_a": chain[:-1], "rec_b": chain[1:]})
    monkeypatch.setattr(spark_cluster, "MAX_ROUNDS", 20)  # 2,000 in a chain: a dozen at most
    labels = to_polars(spark_cluster.components(to_spark(session(), edges)))
    assert labels.height == 2_000
    assert labels.get_column("cluster").unique().to_list() == [0]
