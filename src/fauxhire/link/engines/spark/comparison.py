"""The Spark engine's comparison: a level per comparison for each pair, the embedded engine's
levels exactly (``embedded/comparison.py``), and the term frequencies they are weighed by.

Pairs join the records twice (``_b`` for the second side). Equality, list overlaps and
Jaccard shares are column expressions; a string similarity (Jaro-Winkler, Levenshtein) is
graded by the embedded engine's own code (its rapidfuzz scorer, cutoff and thresholds) over
Arrow batches (``mapInArrow``), since Spark has no Jaro-Winkler of its own.
A term frequency is the share of records holding the value; a single value's is rounded to
float32 as the embedded engine's codes hold it, so that weights agree to the bit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pyarrow as pa
from pyspark.sql import functions as F

from fauxhire.link.engine import level_column, tf_column
from fauxhire.link.engines.embedded.comparison import coded_levels
from fauxhire.link.engines.embedded.vectors import encode
from fauxhire.link.spec import MISSING, Comparison, LinkSpec

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame


def term_frequencies(records: DataFrame, spec: LinkSpec, total: int) -> dict[str, DataFrame]:
    """Per weighed column: value, tf (the share of the ``total`` records that hold it)."""
    out: dict[str, DataFrame] = {}
    for comparison in spec.comparisons:
        column = comparison.column
        if not comparison.term_frequency or column in out:
            continue
        values = records.select("rec", F.col(column).alias("value"))
        if column in spec.list_columns:
            values = values.withColumn("value", F.explode("value")).distinct()
        counted = values.dropna().groupBy("value").agg(F.count("*").alias("holders"))
        out[column] = counted.select("value", (F.col("holders") / total).alias("tf"))
    return out


def compare(
    pairs: DataFrame,
    records: DataFrame,
    spec: LinkSpec,
    frequencies: dict[str, DataFrame] | None = None,
) -> DataFrame:
    """The pairs with ``lv_<c>`` (tinyint) per comparison and, with ``frequencies``, ``tf_<c>``
    of the weighed ones (the shared value's, or the rarest shared one's).

    The levels and the shared values are computed in one pass and checkpointed: each term
    frequency then joins that, not the plan that made it (joining the pairs' own plan five
    times over doubled Spark's analysis at each join, to an exhausted heap)."""
    columns = list(dict.fromkeys(c.column for c in spec.comparisons))
    side_a = records.select(F.col("rec").alias("rec_a"), *columns)
    side_b = records.select(
        F.col("rec").alias("rec_b"), *(F.col(c).alias(f"{c}_b") for c in columns)
    )
    joined = pairs.join(side_a, "rec_a").join(side_b, "rec_b")
    fuzzy = [c for c in spec.comparisons if c.method in ("jaro_winkler", "levenshtein")]
    joined = _similarities(joined.select(*joined.columns, *(_graded(c) for c in fuzzy)), fuzzy)
    weighed = [c for c in spec.comparisons if frequencies and c.term_frequency]
    levels = [_level(c, spec).cast("tinyint").alias(level_column(c)) for c in spec.comparisons]
    shared = [_shared(c, spec).alias(_shared_column(c)) for c in weighed]
    base = joined.select(*pairs.columns, *levels, *shared)
    if not weighed or frequencies is None:
        return base
    base = base.localCheckpoint(eager=True)
    compared = base
    for comparison in weighed:
        rarity = _rarity(base, comparison, frequencies[comparison.column], spec)
        compared = compared.join(rarity, ["rec_a", "rec_b"], "left")
    names = [level_column(c) for c in spec.comparisons] + [tf_column(c) for c in weighed]
    return compared.select(*pairs.columns, *names)


def eligible(compared: DataFrame, spec: LinkSpec) -> DataFrame:
    """The compared pairs that meet every requirement of the spec."""
    by_name = {c.name: c for c in spec.comparisons}
    for requirement in spec.requirements:
        passes = []
        for name in requirement.any_of:
            level = F.col(level_column(by_name[name]))
            passes.append(level >= requirement.min_level)
            if requirement.missing_passes:
                passes.append(level == MISSING)
        either = passes[0]
        for one in passes[1:]:
            either = either | one
        compared = compared.where(either)
    return compared


def _present(column: str) -> Column:
    return F.col(column).isNotNull() & (F.col(column) != "")


def _level(comparison: Comparison, spec: LinkSpec) -> Column:
    a, b = comparison.column, f"{comparison.column}_b"
    if comparison.column in spec.list_columns:
        size_a = F.coalesce(F.array_size(a), F.lit(0))
        size_b = F.coalesce(F.array_size(b), F.lit(0))
        shared = F.array_size(F.array_intersect(a, b))
        if comparison.method == "overlap":
            level = (shared > 0).cast("int")
        else:
            share = shared.cast("double") / (size_a + size_b - shared).cast("double")
            level = sum(((share >= t).cast("int") for t in comparison.thresholds), F.lit(0))
        return F.when((size_a > 0) & (size_b > 0), level).otherwise(MISSING)
    if comparison.method != "exact":
        return F.col(_grade_column(comparison))  # missing, same and similar: all graded there
    present = _present(a) & _present(b)
    return F.when(present, (F.col(a) == F.col(b)).cast("int")).otherwise(MISSING)


def _grade_column(comparison: Comparison) -> str:
    return f"_grade_{comparison.name}"


def _graded(comparison: Comparison) -> Column:
    return F.lit(0).cast("tinyint").alias(_grade_column(comparison))


def _similarities(joined: DataFrame, fuzzy: Sequence[Comparison]) -> DataFrame:
    """Each fuzzy comparison's level (missing, 0, or 1..levels) of each pair, computed
    per Arrow batch by ``embedded.comparison.coded_levels``."""
    if not fuzzy:
        return joined
    schema = joined.schema

    def grade(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            columns = {name: batch.column(name) for name in batch.schema.names}
            for comparison in fuzzy:
                a = columns[comparison.column].to_pylist()
                b = columns[f"{comparison.column}_b"].to_pylist()
                columns[_grade_column(comparison)] = pa.array(_grades(a, b, comparison), pa.int8())
            yield pa.RecordBatch.from_pydict(columns, schema=batch.schema)

    return joined.mapInArrow(grade, schema)


def _grades(a: list[str | None], b: list[str | None], comparison: Comparison) -> np.ndarray:
    """The levels of one batch's pairs of values, by the embedded engine's own grading of
    coded values: the same scorer, cutoff and thresholds, so the same levels to the bit."""
    column = encode(pl.Series(a + b, dtype=pl.String))
    return coded_levels(column.codes[: len(a)], column.codes[len(a) :], column, comparison)


def _shared_column(comparison: Comparison) -> str:
    return f"_shared_{comparison.name}"


def _shared(comparison: Comparison, spec: LinkSpec) -> Column:
    """The value both sides hold (a single value), or the values they share (lists)."""
    a, b = comparison.column, f"{comparison.column}_b"
    if comparison.column in spec.list_columns:
        return F.array_intersect(a, b)
    return F.when(_present(a) & _present(b) & (F.col(a) == F.col(b)), F.col(a))


def _rarity(base: DataFrame, comparison: Comparison, tf: DataFrame, spec: LinkSpec) -> DataFrame:
    """rec_a, rec_b, ``tf_<c>``: the tf of the value both hold (a single value, as float32 as
    the embedded engine keeps it), or of the rarest value they share (lists); pairs that
    share none are left out."""
    name, shared = tf_column(comparison), _shared_column(comparison)
    if comparison.column in spec.list_columns:
        values = base.select("rec_a", "rec_b", F.explode(shared).alias("value"))
        return values.join(tf, "value").groupBy("rec_a", "rec_b").agg(F.min("tf").alias(name))
    values = base.where(F.col(shared).isNotNull()).select(
        "rec_a", "rec_b", F.col(shared).alias("value")
    )
    rounded = tf.select("value", F.col("tf").cast("float").cast("double").alias(name))
    return values.join(rounded, "value").select("rec_a", "rec_b", name).distinct()
