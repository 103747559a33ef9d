"""The Spark engine's side of training: the counts the model is estimated from, the embedded
engine's counts (``embedded/training.py``), made by Spark and read on the driver.

u: the embedded engine's own random pairs, the same positions in the records' stable order
drawn on the driver, found by Spark (which numbers the records in that order), so that the
driver holds the sample and never the records; compared by Spark in one pass with the tenth
of the sample each pair belongs to; the embedded engine's stopping rule (a comparison stops
once each of its levels was seen U_OBSERVATIONS times) is then replayed on the counts per
tenth, so u is the same.
EM: the level patterns of the candidate pairs per set of proposing rules, weighed by what
each pair represents, grouped by Spark (a few thousand rows) and cut into the embedded
engine's per-rule samples on the driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl
from pyspark.sql import functions as F

from fauxhire.link.engine import level_column
from fauxhire.link.engines.embedded.blocking import random_positions
from fauxhire.link.engines.embedded.training import _U_CHUNKS, U_OBSERVATIONS, training_samples
from fauxhire.link.engines.spark.comparison import compare
from fauxhire.link.engines.spark.session import to_polars, to_spark
from fauxhire.link.model import RuleSample, shares
from fauxhire.link.spec import MISSING, ORDER, LinkSpec

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def sampled_u(
    spark: SparkSession, records: DataFrame, total: int, spec: LinkSpec, seed: int
) -> list[np.ndarray]:
    """u of every comparison, as ``embedded.training.sampled_u`` gives it for the same
    ``total`` records."""
    pairs = _random_pairs(records, total, spec, seed)
    chunk = np.zeros(pairs.height, dtype=np.int64)
    for index, part in enumerate(np.array_split(np.arange(pairs.height), _U_CHUNKS)):
        chunk[part] = index
    sample = to_spark(spark, pairs.with_columns(pl.Series("chunk", chunk)))
    compared = compare(sample, records, spec)
    levels = [level_column(c) for c in spec.comparisons]
    counts = to_polars(compared.groupBy("chunk", *levels).agg(F.count("*").alias("pairs")))
    return _replayed(counts, spec)


def _random_pairs(records: DataFrame, total: int, spec: LinkSpec, seed: int) -> pl.DataFrame:
    """``embedded.blocking.random_pairs`` of the records: rec_a, rec_b in the order drawn."""
    if total < 2:
        return pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})
    a, b = random_positions(total, spec.random_pairs, seed)
    draws = pl.DataFrame({"draw": np.arange(len(a)), "pos_a": a, "pos_b": b})
    placed = _stable_positions(records, spec)
    pairs = to_spark(records.sparkSession, draws)
    for side in ("a", "b"):
        source = [F.col(spec.across).alias(f"source_{side}")] if spec.across else []
        at = [F.col("pos").alias(f"pos_{side}"), F.col("rec").alias(f"rec_{side}"), *source]
        pairs = pairs.join(placed.select(*at), f"pos_{side}")
    if spec.across:
        pairs = pairs.where(F.col("source_a") != F.col("source_b"))
    found = to_polars(pairs.select("draw", "rec_a", "rec_b"))
    placed.unpersist()
    return found.sort("draw").select(pl.col("rec_a", "rec_b").cast(pl.Int64))


def _stable_positions(records: DataFrame, spec: LinkSpec) -> DataFrame:
    """pos, rec (and the source): each record's position, 0 to n-1, in the stable order the
    embedded engine draws from (ORDER, then rec). A sort leaves consecutive ranges in its
    partitions, so a record's position is its row in its partition (the low 33 bits of
    ``monotonically_increasing_id``; the partition is above them) plus the rows of the
    partitions before it: one count per partition on the driver, not a global window."""
    kept = ["rec", ORDER, *([spec.across] if spec.across else [])]
    ordered = records.select(*kept).orderBy(ORDER, "rec")
    numbered = ordered.withColumn("_id", F.monotonically_increasing_id()).persist()
    part = F.shiftrightunsigned("_id", 33).alias("_part")
    rows = to_polars(numbered.groupBy(part).agg(F.count("*").alias("rows"))).sort("_part")
    offsets = rows.select("_part", (pl.col("rows").cum_sum() - pl.col("rows")).alias("_before"))
    row = F.col("_id").bitwiseAND((1 << 33) - 1)
    placed = numbered.withColumn("_part", part).join(
        F.broadcast(to_spark(records.sparkSession, offsets)), "_part"
    )
    placed = placed.select((F.col("_before") + row).alias("pos"), *kept).persist()
    placed.count()  # numbered, and then placed, once each
    numbered.unpersist()
    return placed


def _replayed(counts: pl.DataFrame, spec: LinkSpec) -> list[np.ndarray]:
    """The embedded stopping rule, over the counts per tenth of the sample."""
    totals = {c.name: np.zeros(c.levels + 1) for c in spec.comparisons}
    pending = list(spec.comparisons)
    for index in range(_U_CHUNKS):
        in_chunk = counts.filter(pl.col("chunk") == index)
        if not pending or in_chunk.height == 0:
            continue
        for comparison in pending:
            name = level_column(comparison)
            by_level = (
                in_chunk.filter(pl.col(name) != MISSING).group_by(name).agg(pl.col("pairs").sum())
            )
            for level, pairs in by_level.iter_rows():
                totals[comparison.name][int(level)] += pairs
        pending = [c for c in pending if totals[c.name].min() < U_OBSERVATIONS]
    return [shares(totals[c.name], spec) for c in spec.comparisons]


def rule_samples(compared: DataFrame, spec: LinkSpec) -> list[RuleSample]:
    """Per training rule, the level patterns of its pairs (``embedded.training_samples``),
    from the candidates' patterns counted by Spark."""
    levels = [level_column(c) for c in spec.comparisons]
    weighed = "represents" in compared.columns
    # Summed as exact decimals: a sum of doubles depends on the order Spark adds them in,
    # and EM would then give a model that differs in its last bits from run to run.
    exact = F.sum(F.col("represents").cast("decimal(38,18)")).cast("double")
    count = exact if weighed else F.count("*").cast("double")
    counted = to_polars(compared.groupBy(*levels, "rules").agg(count.alias("represents")))
    return training_samples(counted, spec)
