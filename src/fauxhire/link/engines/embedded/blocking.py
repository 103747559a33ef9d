"""The embedded engine's blocking: which pairs of records are worth comparing at all.

A pair is two record positions, made by run-length arithmetic within blocks (records sorted by
block and a content order, ``vectors.pairs_within_blocks``), never a Python loop per pair; the
rules' union is one sort of 64-bit pair keys. Also the random pairs that u is estimated on, and
how many pairs the spec could compare (the prior's denominator).

Records are a polars frame with an integer ``rec`` column and the spec's columns; list columns
hold lists of strings (or of integers, for hashed text).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxhire.link.engine import BlockingReport
from fauxhire.link.engines.embedded.vectors import (
    Ints,
    pair_keys,
    pairs_within_blocks,
    split_keys,
    windowed_pairs,
)
from fauxhire.link.positions import RecordIndex
from fauxhire.link.record_files import content_order
from fauxhire.link.spec import Blocking, LinkSpec

Floats = npt.NDArray[np.float64]


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
    records = records.with_columns(content_order(records, spec))
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
    # Each rule's arrays go as soon as they are joined: at a million applications they are
    # half a gigabyte, held at the peak of the run.
    by_pair = pl.DataFrame(
        {"key": _joined(keys), "rules": _joined(bits), "chance": _joined(chances)}
    )
    by_pair = by_pair.sort("key")
    key = by_pair.get_column("key").to_numpy()
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
    rules = np.bitwise_or.reduceat(by_pair.get_column("rules").to_numpy(), starts)
    a, b = split_keys(key[starts])
    rules = rules if len(key) else key
    chance = (
        np.maximum.reduceat(by_pair.get_column("chance").to_numpy(), starts)
        if len(key)
        else np.empty(0)
    )
    del by_pair, key
    recs = records.get_column("rec").to_numpy().astype(np.int64)
    pairs = pl.DataFrame(
        {"rec_a": recs[a], "rec_b": recs[b], "rules": rules},
        schema={"rec_a": pl.Int64, "rec_b": pl.Int64, "rules": pl.Int64},
    )
    if new is None and any(frame.height for frame in wide.values()):
        represents = _represented(a, b, rules, chance, wide, spec)  # sets bits of rules: first
        pairs = pairs.with_columns(pl.Series("rules", rules), pl.Series("represents", represents))
    return across_sources(pairs, records, spec), report


def _joined(parts: list[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The parts end to end; the list is emptied as they are, so that they can be freed."""
    joined = np.concatenate(parts)
    parts.clear()
    return joined


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
        at = np.flatnonzero(unseen)
        shared = _shared_blocks(pl.DataFrame({"i": at, "a": a[at], "b": b[at]}), blocks)
        at = shared.get_column("i").to_numpy()
        size = shared.get_column("size").to_numpy().astype(np.int64)
        rules[at] |= 1 << bit
        chance[at] = np.maximum(chance[at], _kept(size, rule.window))
    return 1 / chance


def _shared_blocks(ends: pl.DataFrame, blocks: pl.DataFrame) -> pl.DataFrame:
    """i, size: the pairs (i, a, b) that share one of ``blocks`` (pos, block, size), with the
    smallest such block: the likelier to propose them. A slice of pairs at a time: every pair
    joined to every block of its first record (fifteen resume lines each) held 2 GB at a
    million applications, the peak of the whole run."""
    per_record = blocks.height / max(blocks.get_column("pos").n_unique(), 1)
    step = max(_JOINED_ROWS // max(int(per_record), 1), 1)
    a_blocks = blocks.rename({"pos": "a"})
    b_blocks = blocks.select(pl.col("pos").alias("b"), "block")
    found = [
        ends.slice(start, step)
        .join(a_blocks, on="a")
        .join(b_blocks, on=["b", "block"])
        .group_by("i")
        .agg(pl.col("size").min())
        for start in range(0, ends.height, step)
    ]
    return pl.concat(found) if found else pl.DataFrame(schema={"i": pl.Int64, "size": pl.UInt32})


_JOINED_ROWS = 4_000_000  # pair-block rows a slice may join at once


def _kept(size: Ints, window: int | None) -> Floats:
    """The share of a block's pairs a window proposes, per block size."""
    every = size * (size - 1) / 2
    return np.asarray(windowed_pairs(size, window) / np.maximum(every, 1), dtype=np.float64)


def random_positions(records: int, count: int, seed: int) -> tuple[Ints, Ints]:
    """``count`` pairs of two distinct positions among ``records``, drawn uniformly with
    ``seed``: ``random_pairs`` by position in the stable order, which the Spark engine finds
    on Spark and so draws the same pairs without holding the records."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, records, count)
    b = rng.integers(0, records - 1, count)
    return a, b + (b >= a)  # never a record with itself


def across_sources(pairs: pl.DataFrame, records: pl.DataFrame, spec: LinkSpec) -> pl.DataFrame:
    """The pairs that join two sources, when the spec links sources; else all of them."""
    if spec.across is None:
        return pairs
    source = records.select("rec", pl.col(spec.across).alias("source"))
    return (
        # In the pairs' order, which sets u's stopping point (polars keeps none by default).
        pairs.join(source, left_on="rec_a", right_on="rec", maintain_order="left")
        .join(source, left_on="rec_b", right_on="rec", suffix="_b", maintain_order="left")
        .filter(pl.col("source") != pl.col("source_b"))
        .select(pairs.columns)
    )


def possible_pairs(records: pl.DataFrame, spec: LinkSpec) -> float:
    """How many pairs the spec could compare at all: the denominator of a random pair's prior."""
    if spec.across is None:
        return pairs_between(records.height)
    sizes = records.group_by(spec.across).len().get_column("len")
    return pairs_between(records.height, sizes.to_numpy())


def pairs_between(records: int, source_sizes: Ints | None = None) -> float:
    """The pairs of ``records``, or, given the sizes of their sources, the pairs that join two
    sources (``possible_pairs``)."""
    n = float(records)
    if source_sizes is None:
        return n * (n - 1) / 2
    sizes = source_sizes.astype(np.float64)
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
    the spec compares: to estimate u (nearly no matches). Drawn over the records in their
    stable order (``record_files.content_order``), so that the sample, and with it the
    model, is the same in every store that holds them, however it numbered them (u stops
    sampling early, so which pairs come first matters)."""
    records = records.with_columns(content_order(records, spec)).sort("_order", "rec")
    recs = records.get_column("rec").to_numpy()
    if len(recs) < 2:
        return _empty_pairs()
    a, b = random_positions(len(recs), spec.random_pairs, seed)
    pairs = pl.DataFrame(
        {"rec_a": recs[a], "rec_b": recs[b]}, schema={"rec_a": pl.Int64, "rec_b": pl.Int64}
    )
    return across_sources(pairs, records, spec)
