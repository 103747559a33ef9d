"""The embedded engine's comparison: a level per comparison for every pair, at once.

Single values are integer codes into their column's distinct values (``vectors.encode``):
equality is an integer compare, and rapidfuzz's multi-threaded ``cpdist`` grades each distinct
pair of strings once, reading them by reference. Lists use polars' set operations, gathered a
million pairs at a time. Requirements that read single values only run before the lists are
gathered (``compare_eligible``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxhire.link.engine import level_column, tf_column
from fauxhire.link.engines.embedded.vectors import (
    Encoded,
    Ints,
    encode,
    similarity_of_codes,
)
from fauxhire.link.positions import RecordIndex
from fauxhire.link.similarity import SCORERS
from fauxhire.link.spec import MISSING, Comparison, LinkSpec, Requirement


def coded_lists(records: pl.DataFrame, spec: LinkSpec) -> pl.DataFrame:
    """The records with each list column's values as integer codes, equal where the values
    are: what ``compare`` and ``term_frequencies`` read gives the same levels and shares.
    Gathering both sides' lists of strings for millions of pairs was most of linking a million
    applications (17 s for the emails alone); lists of integers gather twenty times faster.
    Codes are ranks among these records' values, so they mean nothing outside this frame."""
    coded = []
    for column in records.columns:
        if column not in spec.list_columns:
            continue
        # One row (a null) for an empty or null list, so every record comes back once, in
        # order; an empty or null list becomes an empty one (both are missing).
        exploded = records.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), column
        ).explode(column, empty_as_null=True, keep_nulls=True)
        codes = exploded.with_columns(pl.col(column).rank("dense").cast(pl.UInt32))
        lists = codes.group_by("_row", maintain_order=True).agg(pl.col(column).drop_nulls())
        coded.append(lists.get_column(column))
    return records.with_columns(coded)


def compare(
    pairs: pl.DataFrame,
    records: pl.DataFrame,
    spec: LinkSpec,
    frequencies: dict[str, pl.DataFrame] | None = None,
    comparisons: Sequence[Comparison] | None = None,
    encoded: dict[str, Encoded] | None = None,
) -> pl.DataFrame:
    """The pairs with one level column per comparison (Int8), and with ``frequencies`` (from
    ``term_frequencies``) the rarity of the shared value where a comparison weighs it; of
    ``comparisons`` only, when given. ``encoded``: the single-value columns of these
    ``records`` encoded already, by column; filled with those this call encodes, so that
    the calls of one run over one set of records encode each column once (a million names
    took about a second each time, and the u sample alone compares them ten times)."""
    index = RecordIndex(records.get_column("rec"))
    a = index.positions(pairs.get_column("rec_a"))
    b = index.positions(pairs.get_column("rec_b"))
    frequencies = frequencies or {}
    chosen = list(spec.comparisons if comparisons is None else comparisons)
    added = _single_value_levels(a, b, records, spec, chosen, frequencies, encoded)
    added += _list_levels(a, b, records, spec, chosen, frequencies)
    order = [level_column(c) for c in chosen]
    order += [tf_column(c) for c in chosen if frequencies and c.term_frequency]
    by_name = {series.name: series for series in added}
    return pairs.with_columns(by_name[name] for name in order)


def compare_eligible(
    pairs: pl.DataFrame,
    records: pl.DataFrame,
    spec: LinkSpec,
    frequencies: dict[str, pl.DataFrame] | None = None,
    encoded: dict[str, Encoded] | None = None,
) -> pl.DataFrame:
    """``eligible(compare(...))``, cheapest first: requirements whose comparisons read only
    single-value columns (integer codes) drop their failing pairs before the list columns
    are gathered for the rest. On a million applications, the shared resume lines of common
    templates propose pairs under other names by the million; the name alone rules them out.
    """
    early = [
        requirement
        for requirement in spec.requirements
        if all(spec.comparison(name).column not in spec.list_columns for name in requirement.any_of)
    ]
    first = [c for c in spec.comparisons if any(c.name in r.any_of for r in early)]
    if not first:
        return eligible(compare(pairs, records, spec, frequencies, encoded=encoded), spec)
    screened = eligible(compare(pairs, records, spec, frequencies, first, encoded), spec, early)
    rest = [c for c in spec.comparisons if c not in first]
    compared = compare(screened.select(pairs.columns), records, spec, frequencies, rest, encoded)
    levels = [level_column(c) for c in spec.comparisons]
    tf = [tf_column(c) for c in spec.comparisons if frequencies and c.term_frequency]
    both = pl.concat([screened, compared.drop(pairs.columns)], how="horizontal")
    return eligible(both.select(*pairs.columns, *levels, *tf), spec)


def _single_value_levels(
    a: Ints,
    b: Ints,
    records: pl.DataFrame,
    spec: LinkSpec,
    comparisons: list[Comparison],
    frequencies: dict[str, pl.DataFrame],
    encoded: dict[str, Encoded] | None = None,
) -> list[pl.Series]:
    """Levels (and shared-value tf) of the comparisons of single-value columns, from codes."""
    out = []
    encoded = {} if encoded is None else encoded
    for comparison in comparisons:
        if comparison.column in spec.list_columns:
            continue
        if comparison.column not in encoded:
            encoded[comparison.column] = encode(records.get_column(comparison.column))
        column = encoded[comparison.column]
        ca, cb = column.codes[a], column.codes[b]
        out.append(pl.Series(level_column(comparison), coded_levels(ca, cb, column, comparison)))
        tf = (
            column.frequencies(frequencies.get(comparison.column))
            if comparison.term_frequency
            else None
        )
        if tf is not None:
            shared = np.where((ca == cb) & (ca >= 0), tf[np.maximum(ca, 0)], np.nan)
            out.append(pl.Series(tf_column(comparison), shared).fill_nan(None))
    return out


def _list_levels(
    a: Ints,
    b: Ints,
    records: pl.DataFrame,
    spec: LinkSpec,
    comparisons: list[Comparison],
    frequencies: dict[str, pl.DataFrame],
) -> list[pl.Series]:
    """Levels (and rarest shared value's tf) of the comparisons of list columns."""
    listed = [c for c in comparisons if c.column in spec.list_columns]
    if not listed:
        return []
    columns = list(dict.fromkeys(c.column for c in listed))
    side = records.select(*columns)
    renamed = {c: f"{c}_b" for c in columns}
    parts: dict[str, list[pl.Series]] = {}
    # A slice of pairs at a time: both sides' lists of millions of pairs, gathered at once,
    # were the peak of a million applications' linking (1.8 GB of the 4).
    for start in range(0, max(len(a), 1), _PAIR_SLICE):  # once at least: typed, if empty
        end = start + _PAIR_SLICE
        joined = pl.concat(
            [side[a[start:end]], side[b[start:end]].rename(renamed)], how="horizontal"
        )
        for comparison in listed:
            for one in _list_comparison(joined, comparison, frequencies):
                parts.setdefault(one.name, []).append(one)
    return [pl.concat(pieces) for pieces in parts.values()]


_PAIR_SLICE = 1_000_000


def coded_levels(
    a: npt.NDArray[np.int32], b: npt.NDArray[np.int32], column: Encoded, comparison: Comparison
) -> npt.NDArray[np.int8]:
    """Levels of a single-value comparison from the codes of both sides."""
    present = (a >= 0) & (b >= 0)
    same = present & (a == b)
    levels = np.where(present, 0, MISSING).astype(np.int8)
    levels[same] = comparison.levels  # equal values meet every threshold
    if comparison.method == "exact":
        return levels
    differ = np.flatnonzero(present & ~same)
    if len(differ):
        similarity = similarity_of_codes(
            a[differ],
            b[differ],
            column.values,
            SCORERS[comparison.method],
            cutoff=min(comparison.thresholds) - 1e-6,
        )
        graded = np.zeros(len(differ), dtype=np.int8)
        for threshold in comparison.thresholds:
            graded += similarity >= np.float32(threshold) - np.float32(1e-6)
        levels[differ] = graded
    return levels


def _list_comparison(
    joined: pl.DataFrame, comparison: Comparison, frequencies: dict[str, pl.DataFrame]
) -> list[pl.Series]:
    """The level of one list comparison for each pair (both sides in ``joined``), and where
    it weighs rarity, the tf of the rarest value both share. The shared values are found once
    for both. Lists hold distinct values (``application_records`` makes them so), so the union
    is counted, not built: building it was a third of comparing a million applications."""
    column = comparison.column
    frame = joined.select(
        pl.col(column).list.len().alias("len_a"),
        pl.col(f"{column}_b").list.len().alias("len_b"),
        pl.col(column).list.set_intersection(pl.col(f"{column}_b")).alias("shared"),
    )
    present = (pl.col("len_a") > 0) & (pl.col("len_b") > 0)
    inter = pl.col("shared").list.len()
    if comparison.method == "overlap":
        level = (inter > 0).cast(pl.Int8)
    else:
        share = inter / (pl.col("len_a") + pl.col("len_b") - inter)
        level = pl.sum_horizontal([(share >= t).cast(pl.Int8) for t in comparison.thresholds])
    expr = pl.when(present.fill_null(False)).then(level).otherwise(MISSING)
    out = [frame.select(expr.cast(pl.Int8)).to_series().alias(level_column(comparison))]
    if comparison.term_frequency and column in frequencies:
        tf = _rarest_shared(frame.get_column("shared"), frequencies[column])
        out.append(tf.alias(tf_column(comparison)))
    return out


def term_frequencies(records: pl.DataFrame, spec: LinkSpec) -> dict[str, pl.DataFrame]:
    """Per weighed column, each value's share of the records that hold it (value, tf)."""
    total = max(records.height, 1)
    out: dict[str, pl.DataFrame] = {}
    for comparison in spec.comparisons:
        if not comparison.term_frequency or comparison.column in out:
            continue
        values = records.select("rec", pl.col(comparison.column).alias("value"))
        if comparison.column in spec.list_columns:
            values = values.explode("value").unique()
        out[comparison.column] = (
            values.drop_nulls().group_by("value").agg((pl.len() / total).alias("tf"))
        )
    return out


def _rarest_shared(shared: pl.Series, tf: pl.DataFrame) -> pl.Series:
    """Per pair, the tf of the rarest of its shared values; null if it shares none."""
    indexed = shared.alias("value").to_frame().with_row_index("row")
    rarest = indexed.explode("value").join(tf, on="value").group_by("row").agg(pl.col("tf").min())
    return (
        indexed.select("row")
        .join(rarest, on="row", how="left", maintain_order="left")
        .get_column("tf")
    )


def eligible(
    compared: pl.DataFrame, spec: LinkSpec, requirements: Sequence[Requirement] | None = None
) -> pl.DataFrame:
    """The compared pairs that meet every requirement of the spec (or of ``requirements``)."""
    by_name = {c.name: c for c in spec.comparisons}
    for requirement in spec.requirements if requirements is None else requirements:
        passes = []
        for name in requirement.any_of:
            level = pl.col(level_column(by_name[name]))
            passes.append(level >= requirement.min_level)
            if requirement.missing_passes:
                passes.append(level == MISSING)
        compared = compared.filter(pl.any_horizontal(passes))
    return compared
