"""The embedded engine: blocking, comparison and scoring on one machine, with polars.

Every step is a columnar operation over all pairs at once: pairs are record positions made
by run-length arithmetic within blocks, single values are integer codes, string similarity is
rapidfuzz's multi-threaded ``cpdist`` once per distinct pair of values (``vectors``), lists
use polars' set operations. A million records take seconds, not a Python loop each. The
distributed engine of docs/linking-at-scale.md implements the same operations; the model and
the clustering consume only what they return.

Records are a polars frame with an integer ``rec`` column and the spec's columns; list columns
hold lists of strings (or of integers, for hashed text).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl
from rapidfuzz.distance import JaroWinkler, Levenshtein

from fauxhire.link.model import Model, Patterns, RuleSample, shares
from fauxhire.link.spec import MISSING, Blocking, Comparison, LinkSpec, Requirement
from fauxhire.link.vectors import (
    Encoded,
    Ints,
    RecordIndex,
    Scorer,
    encode,
    pair_keys,
    pairs_within_blocks,
    similarity_of_codes,
    split_keys,
    windowed_pairs,
)

Floats = npt.NDArray[np.float64]

_SCORERS: dict[str, Scorer] = {
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
    per rule whose blocks hold the pair (bit i for ``spec.blocking[i]``). Sorted by (rec_a,
    rec_b).

    A rule with a ``window`` proposes only some pairs of its larger blocks. Then the pairs get
    ``represents`` too: how many pairs of the unbounded blocking each stands for, the inverse
    of its chance to be proposed (a pair of a block of s records under a window of w is
    proposed with chance windowed_pairs(s, w) / C(s, 2)), so that the model, estimated from
    counts of pairs, sees the blocks as if every pair were there. A pair the bounded rules did
    not propose may still sit in one of their blocks: its bit says so.

    With ``new``, only pairs with at least one record in it: what an incremental batch adds.
    """
    report = BlockingReport()
    records = records.sort("rec")  # positions in rec order: a < b means rec_a < rec_b
    records = records.with_columns(_content_order(records, spec))
    is_new = None
    if new is not None:
        is_new = np.zeros(records.height, dtype=bool)
        is_new[RecordIndex(records.get_column("rec")).positions(new)] = True
    keys, bits = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    chances = [np.empty(0)]
    wide: dict[int, pl.DataFrame] = {}
    for bit, rule in enumerate(spec.blocking):
        found, chance, wide[bit] = _block(records, rule, spec.list_columns, is_new, report)
        report.pairs[rule.name] = len(found)
        keys.append(found)
        bits.append(np.full(len(found), 1 << bit, dtype=np.int64))
        chances.append(chance)
    # The union: sorted by pair, each pair's bits OR-ed over its run, its chance the largest.
    by_pair = pl.DataFrame(
        {
            "key": np.concatenate(keys),
            "rules": np.concatenate(bits),
            "chance": np.concatenate(chances),
        }
    ).sort("key")
    key = by_pair.get_column("key").to_numpy()
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    rules = np.bitwise_or.reduceat(by_pair.get_column("rules").to_numpy(), starts)
    a, b = split_keys(key[starts])
    rules = rules if len(key) else key
    recs = records.get_column("rec").to_numpy().astype(np.int64)
    pairs = pl.DataFrame(
        {"rec_a": recs[a], "rec_b": recs[b], "rules": rules},
        schema={"rec_a": pl.Int64, "rec_b": pl.Int64, "rules": pl.Int64},
    )
    if new is None and any(frame.height for frame in wide.values()):
        chance = np.maximum.reduceat(by_pair.get_column("chance").to_numpy(), starts)
        represents = _represented(a, b, rules, chance, wide, spec)  # sets bits of rules: first
        pairs = pairs.with_columns(pl.Series("rules", rules), pl.Series("represents", represents))
    return across_sources(pairs, records, spec), report


def _content_order(records: pl.DataFrame, spec: LinkSpec) -> pl.Expr:
    """A number per record from what it holds (lists in sorted order), the same in every
    store that holds it: the order windows take neighbours in."""
    columns = sorted(c for c in records.columns if c != "rec" and not c.startswith("_"))
    held = [pl.col(c).list.sort() if c in spec.list_columns else pl.col(c) for c in columns]
    return pl.struct(held).hash(seed=0).alias("_order")


def _represented(
    a: Ints, b: Ints, rules: Ints, chance: Floats, wide: dict[int, pl.DataFrame], spec: LinkSpec
) -> Floats:
    """Per pair of positions, how many pairs of the unbounded blocking it stands for; sets in
    ``rules`` (in place) the bit of each rule whose blocks hold the pair, proposed or not.

    ``chance``: per pair, the largest chance that a rule which proposed it had to (``_block``).
    ``wide``: per rule bit, the (pos, block, size) of its blocks larger than its window. A pair
    that a rule's wide block holds but its window left out has that block's chance too. Every
    window runs in the same order (record ids), so rules that hold a pair tend to propose it or
    not together: its chance is taken as that of the likeliest rule, not as if the rules were
    independent (which counted a third fewer candidate pairs than there are, on the v3
    validation world)."""
    ends = pl.DataFrame({"i": np.arange(len(a), dtype=np.int64), "a": a, "b": b})
    top = int(max(a.max(), b.max())) + 1 if len(a) else 0
    for bit, rule in enumerate(spec.blocking):
        blocks = wide[bit]
        if blocks.height == 0:
            continue
        # Only pairs this rule did not propose, with both records in its wide blocks, may
        # share one unseen: the join is theirs alone.
        member = np.zeros(top, dtype=bool)
        member[blocks.get_column("pos").to_numpy()] = True
        unseen = member[a] & member[b] & ((rules & (1 << bit)) == 0)
        shared = (
            ends.filter(pl.Series(unseen))
            .join(blocks.rename({"pos": "a"}), on="a")
            .join(blocks.select(pl.col("pos").alias("b"), "block"), on=["b", "block"])
            .group_by("i")
            .agg(pl.col("size").min())  # two shared blocks: the likelier to propose it
        )
        at = shared.get_column("i").to_numpy()
        size = shared.get_column("size").to_numpy().astype(np.int64)
        rules[at] |= 1 << bit
        chance[at] = np.maximum(chance[at], _kept(size, rule.window))
    return 1 / chance


def _kept(size: Ints, window: int | None) -> Floats:
    """The share of a block's pairs a window proposes, per block size."""
    every = size * (size - 1) / 2
    return np.asarray(windowed_pairs(size, window) / np.maximum(every, 1), dtype=np.float64)


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
    is_new: npt.NDArray[np.bool_] | None,
    report: BlockingReport,
) -> tuple[Ints, Floats, pl.DataFrame]:
    """The pair keys (``vectors.pair_keys`` of positions) one rule proposes, each once; per
    pair the chance that the rule proposes a pair of its block (1 unless the window leaves
    some out); and the (pos, block, size) of its blocks larger than its window, whose pairs
    it proposes only in part (empty without a window)."""
    keyed = records.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("pos"), "_order", *rule.columns
    )
    for column in rule.columns:
        if column in list_columns:
            keyed = keyed.explode(column)
    keyed = keyed.drop_nulls()
    for column in rule.columns:
        if keyed.schema[column] == pl.String:
            keyed = keyed.filter(pl.col(column) != "")
    keyed = keyed.unique().select("pos", "_order", pl.struct(rule.columns).hash().alias("block"))
    sizes = keyed.group_by("block").len()
    too_big = sizes.filter(pl.col("len") > rule.max_block)
    report.skipped_blocks[rule.name] = too_big.height
    report.skipped_records[rule.name] = int(too_big.get_column("len").sum() or 0)
    keep = sizes.filter((pl.col("len") >= 2) & (pl.col("len") <= rule.max_block))
    keyed = keyed.join(keep.select("block"), on="block")
    if is_new is not None:  # only the blocks that hold a new record
        fresh = keyed.filter(pl.Series(is_new).gather(keyed.get_column("pos")))
        keyed = keyed.join(fresh.select("block").unique(), on="block")
    # A window takes neighbours in an order of the records' content, not of their row ids:
    # two stores holding the same applications (SQLite and PostgreSQL, or one re-ingested)
    # number them differently, and must compare the same pairs.
    keyed = keyed.sort("block", "_order", "pos").with_columns(
        pl.len().over("block").cast(pl.UInt32).alias("size")
    )
    wide = keyed.filter(pl.col("size") > (rule.window or keyed.height) + 1)
    # Rows, not positions, so that each pair knows its block's size.
    first, second = pairs_within_blocks(
        keyed.get_column("block").to_numpy().astype(np.int64, copy=False),
        np.arange(keyed.height, dtype=np.int64),
        rule.window,
    )
    pos = keyed.get_column("pos").to_numpy()
    a, b = np.minimum(pos[first], pos[second]), np.maximum(pos[first], pos[second])
    chance = _kept(keyed.get_column("size").to_numpy().astype(np.int64)[first], rule.window)
    if is_new is not None:
        mine = is_new[a] | is_new[b]
        a, b, chance = a[mine], b[mine], chance[mine]
    found = pair_keys(a, b)
    if len(found) and any(column in list_columns for column in rule.columns):
        # Two shared emails put a pair in two blocks: once, with the likelier block's chance.
        ordered = pl.DataFrame({"key": found, "chance": chance}).sort("key")
        found = ordered.get_column("key").to_numpy()
        starts = np.flatnonzero(np.r_[True, found[1:] != found[:-1]])
        chance = np.maximum.reduceat(ordered.get_column("chance").to_numpy(), starts)
        found = found[starts]
    return found, chance, wide


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})


def random_pairs(records: pl.DataFrame, spec: LinkSpec, seed: int) -> pl.DataFrame:
    """About ``spec.random_pairs`` pairs of distinct records drawn uniformly, from the pairs
    the spec compares: to estimate u (nearly no matches). Drawn over the records in an order
    of their content, so that the sample, and with it the model, is the same in every store
    that holds them, however it numbered them (u stops sampling early, so which pairs come
    first matters)."""
    records = records.with_columns(_content_order(records, spec)).sort("_order", "rec")
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


# u by sampling stops for a comparison once each of its levels has been seen this often among
# the random pairs (Splink 5 stops at 100 the same way).
U_OBSERVATIONS = 100
_U_CHUNKS = 10


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


def sampled_u(
    records: pl.DataFrame, spec: LinkSpec, seed: int, coded: pl.DataFrame | None = None
) -> list[Floats]:
    """u of every comparison from ``random_pairs``, compared a tenth at a time: a comparison
    stops once each of its levels has U_OBSERVATIONS pairs. What u has to say of a level
    seen a hundred times more pairs would not change much, and comparing the resume lines of a
    million random pairs took a third of linking ninety thousand applications. A rarer level
    (a near miss of a name) keeps its comparison sampling to the end: the cost is fixed by
    ``spec.random_pairs`` either way, and the answer is the same for one seed."""
    pairs = random_pairs(records, spec, seed)
    compared_on = records if coded is None else coded  # the same levels, faster (coded_lists)
    totals = {c.name: np.zeros(c.levels + 1) for c in spec.comparisons}
    pending = list(spec.comparisons)
    for chunk in np.array_split(np.arange(pairs.height), _U_CHUNKS):
        if not pending or len(chunk) == 0:
            continue
        compared = compare(pairs[chunk], compared_on, spec, comparisons=pending)
        for comparison in pending:
            levels = compared.get_column(level_column(comparison)).to_numpy()
            present = levels[levels != MISSING].astype(np.int64)
            totals[comparison.name] += np.bincount(present, minlength=comparison.levels + 1)
        pending = [c for c in pending if totals[c.name].min() < U_OBSERVATIONS]
    return [shares(totals[c.name], spec) for c in spec.comparisons]


def compare(
    pairs: pl.DataFrame,
    records: pl.DataFrame,
    spec: LinkSpec,
    frequencies: dict[str, pl.DataFrame] | None = None,
    comparisons: Sequence[Comparison] | None = None,
) -> pl.DataFrame:
    """The pairs with one level column per comparison (Int8), and with ``frequencies`` (from
    ``term_frequencies``) the rarity of the shared value where a comparison weighs it; of
    ``comparisons`` only, when given."""
    index = RecordIndex(records.get_column("rec"))
    a = index.positions(pairs.get_column("rec_a"))
    b = index.positions(pairs.get_column("rec_b"))
    frequencies = frequencies or {}
    chosen = list(spec.comparisons if comparisons is None else comparisons)
    added = _single_value_levels(a, b, records, spec, chosen, frequencies)
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
        return eligible(compare(pairs, records, spec, frequencies), spec)
    screened = eligible(compare(pairs, records, spec, frequencies, first), spec, early)
    rest = [c for c in spec.comparisons if c not in first]
    compared = compare(screened.select(pairs.columns), records, spec, frequencies, rest)
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
) -> list[pl.Series]:
    """Levels (and shared-value tf) of the comparisons of single-value columns, from codes."""
    out = []
    encoded: dict[str, Encoded] = {}
    for comparison in comparisons:
        if comparison.column in spec.list_columns:
            continue
        if comparison.column not in encoded:
            encoded[comparison.column] = encode(records.get_column(comparison.column))
        column = encoded[comparison.column]
        ca, cb = column.codes[a], column.codes[b]
        out.append(pl.Series(level_column(comparison), _coded_levels(ca, cb, column, comparison)))
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
            series = [_set_levels(joined, comparison).alias(level_column(comparison))]
            if comparison.term_frequency and comparison.column in frequencies:
                shared = _shared_frequency(joined, comparison, frequencies)
                series.append(shared.alias(tf_column(comparison)))
            for one in series:
                parts.setdefault(one.name, []).append(one)
    return [pl.concat(pieces) for pieces in parts.values()]


_PAIR_SLICE = 1_000_000


def _coded_levels(
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
            _SCORERS[comparison.method],
            cutoff=min(comparison.thresholds) - 1e-6,
        )
        graded = np.zeros(len(differ), dtype=np.int8)
        for threshold in comparison.thresholds:
            graded += similarity >= np.float32(threshold) - np.float32(1e-6)
        levels[differ] = graded
    return levels


def _set_levels(joined: pl.DataFrame, comparison: Comparison) -> pl.Series:
    a, b = joined.get_column(comparison.column), joined.get_column(f"{comparison.column}_b")
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
    joined: pl.DataFrame, comparison: Comparison, frequencies: dict[str, pl.DataFrame]
) -> pl.Series:
    """Of a list comparison, the tf of the rarest value both sides share; null if none."""
    tf = frequencies[comparison.column]
    a, b = pl.col(comparison.column), pl.col(f"{comparison.column}_b")
    indexed = joined.select(pl.int_range(pl.len()).alias("row"), a, b)
    shared = (
        indexed.select("row", a.list.set_intersection(b).alias("value"))
        .explode("value")
        .join(tf, on="value")
        .group_by("row")
        .agg(pl.col("tf").min())
    )
    return (
        indexed.select("row")
        .join(shared, on="row", how="left", maintain_order="left")
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


def level_patterns(compared: pl.DataFrame, spec: LinkSpec) -> Patterns:
    """(distinct level patterns as an int8 matrix, how many pairs have each): what EM needs."""
    names = [level_column(c) for c in spec.comparisons]
    # Sorted: group_by's order varies between runs, and EM sums in pattern order, so an
    # unsorted table gives weights that differ in the last bits from run to run.
    counted = compared.group_by(names).len().sort(names)
    levels = counted.select(names).to_numpy().astype(np.int8).reshape(-1, len(names))
    return levels, counted.get_column("len").to_numpy().astype(np.float64)


def training_samples(compared: pl.DataFrame, spec: LinkSpec) -> list[RuleSample]:
    """Per blocking rule that trains the model, the level patterns of the pairs it proposed,
    the comparisons it fixes set to MISSING (``model.estimate`` says why); and of those no
    earlier training rule proposed, whose matches and non-matches alike disagree on what
    those rules fix, so that is left out too."""
    names = [level_column(c) for c in spec.comparisons]
    # One pass over the pairs: patterns with the set of rules that proposed them. The rest
    # is arithmetic on at most a few thousand rows. A pair of bounded blocking counts for
    # the pairs it stands for (``candidate_pairs``).
    weighed = "represents" in compared.columns
    count = pl.col("represents").sum() if weighed else pl.len().cast(pl.Float64)
    counted = compared.group_by(*names, "rules").agg(count.alias("pairs"))
    levels = counted.select(names).to_numpy().astype(np.int8).reshape(-1, len(names))
    rules = counted.get_column("rules").to_numpy()
    counts = counted.get_column("pairs").to_numpy().astype(np.float64)
    out = []
    earlier_bits, earlier_fixed = 0, frozenset[str]()
    for bit, rule in enumerate(spec.blocking):
        if not rule.trains:
            continue
        fixed = spec.fixed_by(rule)
        mine = (rules & (1 << bit)) != 0
        first = mine & ((rules & earlier_bits) == 0)
        out.append(
            RuleSample(
                _patterns(levels[mine], counts[mine], _masked(spec, fixed)),
                _patterns(levels[first], counts[first], _masked(spec, fixed | earlier_fixed)),
            )
        )
        earlier_bits |= 1 << bit
        earlier_fixed |= fixed
    return out


def _masked(spec: LinkSpec, names: frozenset[str]) -> list[int]:
    return [index for index, c in enumerate(spec.comparisons) if c.name in names]


def _patterns(levels: npt.NDArray[np.int8], counts: Floats, masked: list[int]) -> Patterns:
    """Distinct patterns, sorted, with the masked comparisons set to MISSING, and counts."""
    levels = levels.copy()
    levels[:, masked] = MISSING
    if len(levels) == 0:
        return levels, counts
    rows, inverse = np.unique(levels, axis=0, return_inverse=True)
    return rows, np.bincount(inverse.ravel(), weights=counts).astype(np.float64)


def weight_column(comparison: Comparison) -> str:
    return f"w_{comparison.name}"


def score(compared: pl.DataFrame, model: Model, at_least: float | None = None) -> pl.DataFrame:
    """The pairs with each comparison's weight (``w_<name>``), their sum with the prior
    (``weight``, log2 odds of a match) and the match ``probability``; with ``at_least``, only
    the pairs whose probability reaches it (the per-comparison weights of tens of millions of
    candidates that will not link are never built)."""
    total = np.full(compared.height, model.prior_weight)
    for _, weight in _weights(compared, model):
        total += weight
    if at_least is not None:
        keep = _probability(total) >= at_least
        compared, total = compared.filter(pl.Series(keep)), total[keep]
    parts = [pl.Series(name, weight) for name, weight in _weights(compared, model)]
    return compared.with_columns(
        *parts, pl.Series("weight", total), pl.Series("probability", _probability(total))
    )


def _weights(compared: pl.DataFrame, model: Model) -> Iterator[tuple[str, Floats]]:
    """Per comparison, its weight column's name and every pair's weight."""
    spec = model.spec
    for index, (comparison, table) in enumerate(
        zip(spec.comparisons, model.weight_table(), strict=True)
    ):
        levels = compared.get_column(level_column(comparison)).to_numpy().astype(np.intp)
        weight = table[levels + 1]
        name = tf_column(comparison)
        if comparison.term_frequency and name in compared.columns:
            # An exact agreement weighs log2(m / tf(value)) instead of log2(m / u): rarer
            # values than average say more, commoner ones less.
            tf = compared.get_column(name).fill_null(np.nan).to_numpy()
            top = (levels == comparison.levels) & ~np.isnan(tf)
            u_top = model.u[index][comparison.levels]
            floor = spec.probability_floor
            weight[top] += np.log2(u_top / np.clip(tf[top], floor, 1.0))
        yield weight_column(comparison), weight


def _probability(weight: Floats) -> Floats:
    return 1 / (1 + np.exp2(-np.clip(weight, -1000, 1000)))
