"""The Spark engine's blocking: the candidate pairs of a spec, as the embedded engine makes
them (``embedded/blocking.py`` says what each step means), in DataFrame operations.

Per rule: records keyed by their block (list columns exploded, missing values dropped, a
64-bit ``xxhash64`` of the rule's values), blocks counted and those over ``max_block``
skipped and reported, then each record paired with the next ``window`` of its block in the
records' stable order (``row_number`` over the block; one self-join on the block). Rules are
unioned by pair: a bit per rule OR-ed, the largest chance kept. For the rules with a window,
a pair some of whose blocks it did not propose still stands in them: ``represents``, the
inverse of the likeliest rule's chance, as the embedded engine computes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import functions as F
from pyspark.sql.window import Window

from fauxhire.link.engine import BlockingReport
from fauxhire.link.spec import ORDER, Blocking, LinkSpec

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def candidate_pairs(records: DataFrame, spec: LinkSpec) -> tuple[DataFrame, BlockingReport]:
    """rec_a < rec_b, ``rules`` (a bit per rule that proposed or holds the pair) and, when a
    rule has a window, ``represents``; and the blocking report (``Engine.resolve``)."""
    report = BlockingReport()
    proposed, wide = [], {}
    for bit, rule in enumerate(spec.blocking):
        keyed = _keyed(records, rule, spec.list_columns).persist()
        _report_skipped(keyed, rule, report)
        kept = keyed.where(F.col("size").between(2, rule.max_block))
        pairs = _pairs(kept, rule).persist()
        report.pairs[rule.name] = pairs.count()
        proposed.append(pairs.select("rec_a", "rec_b", F.lit(1 << bit).alias("rules"), "chance"))
        if rule.window is not None:
            wide[bit] = kept.where(F.col("size") > rule.window + 1).select("rec", "block", "size")
    union = proposed[0]
    for part in proposed[1:]:
        union = union.unionByName(part)
    pairs = union.groupBy("rec_a", "rec_b").agg(
        F.bit_or("rules").alias("rules"), F.max("chance").alias("chance")
    )
    pairs = _represented(pairs, wide, spec) if wide else pairs.drop("chance")
    # Checkpointed: comparison joins these pairs, and the rules' plans end here.
    return _across_sources(pairs, records, spec).localCheckpoint(eager=True), report


def _keyed(records: DataFrame, rule: Blocking, list_columns: frozenset[str]) -> DataFrame:
    """rec, order, block, size: each record once per block of the rule it is in."""
    keyed = records.select("rec", F.col(ORDER).alias("order"), *rule.columns)
    for column in rule.columns:
        if column in list_columns:
            keyed = keyed.withColumn(column, F.explode(column))
    keyed = keyed.dropna()
    for column, kind in keyed.dtypes:
        if column in rule.columns and kind == "string":
            keyed = keyed.where(F.col(column) != "")
    keyed = keyed.select("rec", "order", F.xxhash64(*rule.columns).alias("block")).distinct()
    return keyed.withColumn("size", F.count("*").over(Window.partitionBy("block")))


def _report_skipped(keyed: DataFrame, rule: Blocking, report: BlockingReport) -> None:
    skipped = (
        keyed.where(F.col("size") > rule.max_block)
        .groupBy("block")
        .agg(F.first("size").alias("size"))
        .agg(F.count("*").alias("blocks"), F.sum("size").alias("records"))
        .first()
    )
    report.skipped_blocks[rule.name] = int(skipped["blocks"] or 0) if skipped else 0
    report.skipped_records[rule.name] = int(skipped["records"] or 0) if skipped else 0


def _pairs(kept: DataFrame, rule: Blocking) -> DataFrame:
    """The pairs a rule proposes, each once, with the chance its block gives a pair."""
    ordered = kept.withColumn(
        "at", F.row_number().over(Window.partitionBy("block").orderBy("order", "rec"))
    )
    other = ordered.select("block", F.col("rec").alias("rec_2"), F.col("at").alias("at_2"))
    near = F.col("at_2") > F.col("at")
    if rule.window is not None:
        near &= F.col("at_2") - F.col("at") <= rule.window
    joined = ordered.join(other, "block").where(near)
    pairs = joined.select(
        F.least("rec", "rec_2").alias("rec_a"),
        F.greatest("rec", "rec_2").alias("rec_b"),
        _kept(F.col("size"), rule.window).alias("chance"),
    )
    # Two shared emails put a pair in two blocks: once, with the likelier block's chance.
    return pairs.groupBy("rec_a", "rec_b").agg(F.max("chance").alias("chance"))


def _kept(size: Column, window: int | None) -> Column:
    """The share of a block's pairs its window proposes (``embedded.blocking._kept``)."""
    every = size * (size - 1) / 2
    if window is None:
        return every / F.greatest(every, F.lit(1))
    windowed = F.when(size - 1 <= window, every).otherwise(
        F.lit(window) * (size - window) + window * (window - 1) // 2
    )
    return windowed.cast("double") / F.greatest(every, F.lit(1)).cast("double")


def _represented(pairs: DataFrame, wide: dict[int, DataFrame], spec: LinkSpec) -> DataFrame:
    """Each pair's ``represents``; the bit of each windowed rule one of whose wide blocks
    holds the pair set, and its chance raised to that block's (the smallest such)."""
    pairs = pairs.localCheckpoint(eager=True)
    for bit, blocks in wide.items():
        rule = spec.blocking[bit]
        a_side = blocks.select(F.col("rec").alias("rec_a"), "block", "size")
        b_side = blocks.select(F.col("rec").alias("rec_b"), "block")
        unseen = pairs.where((F.col("rules").bitwiseAND(1 << bit)) == 0).select("rec_a", "rec_b")
        shared = (
            unseen.join(a_side, "rec_a")
            .join(b_side, ["rec_b", "block"])
            .groupBy("rec_a", "rec_b")
            .agg(F.min("size").alias("held_in"))
        )
        pairs = (
            pairs.join(shared, ["rec_a", "rec_b"], "left")
            .select(
                "rec_a",
                "rec_b",
                F.when(F.col("held_in").isNull(), F.col("rules"))
                .otherwise(F.col("rules").bitwiseOR(1 << bit))
                .alias("rules"),
                F.when(F.col("held_in").isNull(), F.col("chance"))
                .otherwise(F.greatest("chance", _kept(F.col("held_in"), rule.window)))
                .alias("chance"),
            )
            .localCheckpoint(eager=True)
        )  # each rule's step reads the last: a plan of one step
    return pairs.select("rec_a", "rec_b", "rules", (1 / F.col("chance")).alias("represents"))


def _across_sources(pairs: DataFrame, records: DataFrame, spec: LinkSpec) -> DataFrame:
    if spec.across is None:
        return pairs
    first = records.select(F.col("rec").alias("rec_a"), F.col(spec.across).alias("source"))
    second = records.select(F.col("rec").alias("rec_b"), F.col(spec.across).alias("other"))
    joined = pairs.join(first, "rec_a").join(second, "rec_b")
    return joined.where(F.col("source") != F.col("other")).drop("source", "other")
