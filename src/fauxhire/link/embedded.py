"""The embedded engine: blocking, comparison and scoring on one machine, with polars.

Every step is a columnar operation over all pairs at once (joins, list set operations,
rapidfuzz's multi-threaded ``cpdist`` for string similarity), so a million records take
seconds, not a Python loop each. The distributed engine of docs/linking-at-scale.md implements
the same four operations; the model and the clustering consume only what they return.

Records are a polars frame with an integer ``rec`` column and the spec's columns; list columns
hold lists of strings (or of integers, for hashed text).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler, Levenshtein

from fauxhire.link.model import Model, Patterns, RuleSample
from fauxhire.link.spec import MISSING, Blocking, Comparison, LinkSpec

_SCORERS = {
    "jaro_winkler": JaroWinkler.normalized_similarity,
    "levenshtein": Levenshtein.normalized_similarity,
}


@dataclass
class BlockingReport:
    """Per rule, the candidate pairs it proposed and the blocks skipped as too common."""

    pairs: dict[str, int] = field(default_factory=dict)
    skipped_blocks: dict[str, int] = field(default_factory=dict)
    skipped_records: dict[str, int] = field(default_factory=dict)


def level_column(comparison: Comparison) -> str:
    return f"lv_{comparison.name}"


def tf_column(comparison: Comparison) -> str:
    return f"tf_{comparison.name}"


def candidate_pairs(
    records: pl.DataFrame, spec: LinkSpec, new: pl.Series | None = None
) -> tuple[pl.DataFrame, BlockingReport]:
    """Distinct pairs (rec_a < rec_b) that agree on any blocking rule, with ``rules``: a bit
    per rule that proposed the pair (bit i for ``spec.blocking[i]``).

    With ``new``, only pairs with at least one record in it: what an incremental batch adds.
    """
    report = BlockingReport()
    found = [_empty_pairs().with_columns(pl.lit(0, dtype=pl.Int64).alias("rules"))]
    for bit, rule in enumerate(spec.blocking):
        pairs = _block(records, rule, spec.list_columns, new, report)
        report.pairs[rule.name] = pairs.height
        found.append(pairs.with_columns(pl.lit(1 << bit, dtype=pl.Int64).alias("rules")))
    # Each rule's pairs are distinct, so the sum of its bits is their union.
    pairs = pl.concat(found).group_by("rec_a", "rec_b").agg(pl.col("rules").sum())
    return across_sources(pairs, records, spec).sort("rec_a", "rec_b"), report


def across_sources(pairs: pl.DataFrame, records: pl.DataFrame, spec: LinkSpec) -> pl.DataFrame:
    """The pairs that join two sources, when the spec links sources; else all of them."""
    if spec.across is None:
        return pairs
    source = records.select("rec", pl.col(spec.across).alias("source"))
    return (
        pairs.join(source, left_on="rec_a", right_on="rec")
        .join(source, left_on="rec_b", right_on="rec", suffix="_b")
        .filter(pl.col("source") != pl.col("source_b"))
        .select(pairs.columns)
    )


def possible_pairs(records: pl.DataFrame, spec: LinkSpec) -> float:
    """How many pairs the spec could compare at all: the denominator of a random pair's prior."""
    n = float(records.height)
    if spec.across is None:
        return n * (n - 1) / 2
    sizes = records.group_by(spec.across).len().get_column("len").cast(pl.Float64)
    return (n * n - float((sizes * sizes).sum())) / 2


def _block(
    records: pl.DataFrame,
    rule: Blocking,
    list_columns: frozenset[str],
    new: pl.Series | None,
    report: BlockingReport,
) -> pl.DataFrame:
    keyed = records.select("rec", *rule.columns)
    for column in rule.columns:
        if column in list_columns:
            keyed = keyed.explode(column)
    keyed = keyed.drop_nulls()
    for column in rule.columns:
        if keyed.schema[column] == pl.String:
            keyed = keyed.filter(pl.col(column) != "")
    keyed = keyed.unique().select("rec", pl.struct(rule.columns).hash().alias("block"))
    sizes = keyed.group_by("block").len()
    too_big = sizes.filter(pl.col("len") > rule.max_block)
    report.skipped_blocks[rule.name] = too_big.height
    report.skipped_records[rule.name] = int(too_big.get_column("len").sum() or 0)
    keep = sizes.filter((pl.col("len") >= 2) & (pl.col("len") <= rule.max_block))
    keyed = keyed.join(keep.select("block"), on="block")
    left = keyed if new is None else keyed.filter(pl.col("rec").is_in(new.implode()))
    joined = left.join(keyed, on="block", suffix="_b").filter(pl.col("rec") != pl.col("rec_b"))
    return joined.select(
        pl.min_horizontal("rec", "rec_b").alias("rec_a"),
        pl.max_horizontal("rec", "rec_b").alias("rec_b"),
    ).unique()


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})


def random_pairs(records: pl.DataFrame, spec: LinkSpec, seed: int) -> pl.DataFrame:
    """About ``spec.random_pairs`` pairs of distinct records drawn uniformly, from the pairs
    the spec compares: to estimate u (nearly no matches)."""
    recs = records.get_column("rec").to_numpy()
    if len(recs) < 2:
        return _empty_pairs()
    rng = np.random.default_rng(seed)
    count = spec.random_pairs
    a = rng.integers(0, len(recs), count)
    b = rng.integers(0, len(recs) - 1, count)
    b = b + (b >= a)  # never a record with itself
    pairs = pl.DataFrame(
        {"rec_a": recs[a], "rec_b": recs[b]}, schema={"rec_a": pl.Int64, "rec_b": pl.Int64}
    )
    return across_sources(pairs, records, spec)


def compare(
    pairs: pl.DataFrame,
    records: pl.DataFrame,
    spec: LinkSpec,
    frequencies: dict[str, pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """The pairs with one level column per comparison (Int8), and with ``frequencies`` (from
    ``term_frequencies``) the rarity of the shared value where a comparison weighs it."""
    columns = list(dict.fromkeys(c.column for c in spec.comparisons))
    side = records.select("rec", *columns)
    joined = pairs.join(side, left_on="rec_a", right_on="rec", how="left").join(
        side, left_on="rec_b", right_on="rec", how="left", suffix="_b"
    )
    levels = [_levels(joined, c).alias(level_column(c)) for c in spec.comparisons]
    out = pairs.with_columns(levels)
    if frequencies:
        for comparison in spec.comparisons:
            if comparison.term_frequency:
                shared = _shared_frequency(joined, comparison, spec, frequencies)
                out = out.with_columns(shared.alias(tf_column(comparison)))
    return out


def _levels(joined: pl.DataFrame, comparison: Comparison) -> pl.Series:
    a, b = joined.get_column(comparison.column), joined.get_column(f"{comparison.column}_b")
    if comparison.method == "exact":
        present = a.is_not_null() & b.is_not_null() & (a != "") & (b != "")
        agree = (a == b).cast(pl.Int8)
        return pl.select(pl.when(present).then(agree).otherwise(MISSING)).to_series().cast(pl.Int8)
    if comparison.method in _SCORERS:
        return _graded_strings(a, b, comparison)
    frame = pl.DataFrame({"a": a, "b": b})
    present = (pl.col("a").list.len() > 0) & (pl.col("b").list.len() > 0)
    inter = pl.col("a").list.set_intersection("b").list.len()
    if comparison.method == "overlap":
        level = (inter > 0).cast(pl.Int8)
    else:
        union = pl.col("a").list.set_union("b").list.len()
        share = inter / union
        level = pl.sum_horizontal([(share >= t).cast(pl.Int8) for t in comparison.thresholds])
    expr = pl.when(present.fill_null(False)).then(level).otherwise(MISSING)
    return frame.select(expr.cast(pl.Int8)).to_series()


def _graded_strings(a: pl.Series, b: pl.Series, comparison: Comparison) -> pl.Series:
    present = (a.is_not_null() & b.is_not_null() & (a != "") & (b != "")).fill_null(False)
    mask = present.to_numpy()
    levels = np.full(len(a), MISSING, dtype=np.int8)
    if mask.any():
        left = a.filter(present).to_list()
        right = b.filter(present).to_list()
        similarity = process.cpdist(
            left, right, scorer=_SCORERS[comparison.method], workers=-1, dtype=np.float32
        )
        graded = np.zeros(len(left), dtype=np.int8)
        for threshold in comparison.thresholds:
            graded += similarity >= np.float32(threshold) - np.float32(1e-6)
        levels[mask] = graded
    return pl.Series(levels, dtype=pl.Int8)


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


def _shared_frequency(
    joined: pl.DataFrame,
    comparison: Comparison,
    spec: LinkSpec,
    frequencies: dict[str, pl.DataFrame],
) -> pl.Series:
    """The tf of the value both sides share (the rarest one, for lists); null if none."""
    tf = frequencies[comparison.column]
    a, b = pl.col(comparison.column), pl.col(f"{comparison.column}_b")
    indexed = joined.select(pl.int_range(pl.len()).alias("row"), a, b)
    if comparison.column in spec.list_columns:
        shared = (
            indexed.select("row", a.list.set_intersection(b).alias("value"))
            .explode("value")
            .join(tf, on="value")
            .group_by("row")
            .agg(pl.col("tf").min())
        )
    else:
        shared = indexed.filter(a == b).select("row", a.alias("value")).join(tf, on="value")
    return (
        indexed.select("row")
        .join(shared.select("row", "tf"), on="row", how="left", maintain_order="left")
        .get_column("tf")
    )


def eligible(compared: pl.DataFrame, spec: LinkSpec) -> pl.DataFrame:
    """The compared pairs that meet every requirement of the spec."""
    by_name = {c.name: c for c in spec.comparisons}
    for requirement in spec.requirements:
        passes = []
        for name in requirement.any_of:
            level = pl.col(level_column(by_name[name]))
            passes.append(level >= requirement.min_level)
            if requirement.missing_passes:
                passes.append(level == MISSING)
        compared = compared.filter(pl.any_horizontal(passes))
    return compared


def level_patterns(compared: pl.DataFrame, spec: LinkSpec) -> Patterns:
    """(distinct level patterns as an int8 matrix, how many pairs have each): what EM needs."""
    names = [level_column(c) for c in spec.comparisons]
    # Sorted: group_by's order varies between runs, and EM sums in pattern order, so an
    # unsorted table gives weights that differ in the last bits from run to run.
    counted = compared.group_by(names).len().sort(names)
    levels = counted.select(names).to_numpy().astype(np.int8).reshape(-1, len(names))
    return levels, counted.get_column("len").to_numpy().astype(np.int64)


def training_samples(compared: pl.DataFrame, spec: LinkSpec) -> list[RuleSample]:
    """Per blocking rule that trains the model, the level patterns of the pairs it proposed,
    the comparisons it fixes set to MISSING (``model.estimate`` says why); and of those no
    earlier training rule proposed, whose matches and non-matches alike disagree on what
    those rules fix, so that is left out too."""
    out = []
    earlier_bits, earlier_fixed = 0, frozenset[str]()
    rules = pl.col("rules")
    for bit, rule in enumerate(spec.blocking):
        if not rule.trains:
            continue
        fixed = spec.fixed_by(rule)
        mine = compared.filter((rules & (1 << bit)) != 0)
        first = mine.filter((rules & earlier_bits) == 0)
        out.append(
            RuleSample(
                level_patterns(_without(mine, spec, fixed), spec),
                level_patterns(_without(first, spec, fixed | earlier_fixed), spec),
            )
        )
        earlier_bits |= 1 << bit
        earlier_fixed |= fixed
    return out


def _without(compared: pl.DataFrame, spec: LinkSpec, names: frozenset[str]) -> pl.DataFrame:
    """The pairs with these comparisons' levels set to MISSING."""
    return compared.with_columns(
        pl.lit(MISSING, dtype=pl.Int8).alias(level_column(c))
        for c in spec.comparisons
        if c.name in names
    )


def weight_column(comparison: Comparison) -> str:
    return f"w_{comparison.name}"


def score(compared: pl.DataFrame, model: Model) -> pl.DataFrame:
    """The pairs with each comparison's weight (``w_<name>``), their sum with the prior
    (``weight``, log2 odds of a match) and the match ``probability``."""
    spec = model.spec
    total = np.full(compared.height, model.prior_weight)
    parts = []
    for index, (comparison, table) in enumerate(
        zip(spec.comparisons, model.weight_table(), strict=True)
    ):
        levels = compared.get_column(level_column(comparison)).to_numpy().astype(np.int64)
        weight = table[levels + 1]
        name = tf_column(comparison)
        if comparison.term_frequency and name in compared.columns:
            # An exact agreement weighs log2(m / tf(value)) instead of log2(m / u): rarer
            # values than average say more, commoner ones less.
            tf = compared.get_column(name).fill_null(np.nan).to_numpy()
            top = (levels == comparison.levels) & ~np.isnan(tf)
            u_top = model.u[index][comparison.levels]
            floor = spec.probability_floor
            weight = weight.copy()
            weight[top] += np.log2(u_top / np.clip(tf[top], floor, 1.0))
        total += weight
        parts.append(pl.Series(weight_column(comparison), weight))
    probability = 1 / (1 + np.exp2(-np.clip(total, -1000, 1000)))
    return compared.with_columns(
        *parts, pl.Series("weight", total), pl.Series("probability", probability)
    )
