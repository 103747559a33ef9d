"""The embedded engine's array kernels against the slow, obvious way of doing the same."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import polars as pl
from rapidfuzz.distance import JaroWinkler

from fauxhire.link.engines.embedded.vectors import (
    encode,
    pair_keys,
    pairs_within_blocks,
    similarity_of_codes,
    split_keys,
    windowed_pairs,
)
from fauxhire.link.positions import RecordIndex


def test_pairs_within_blocks_are_every_pair_of_each_block_once() -> None:
    rng = np.random.default_rng(3)
    block = np.sort(rng.integers(0, 40, 300))
    position = np.arange(300, dtype=np.int64)
    a, b = pairs_within_blocks(block, position)
    expected = {
        (i, j)
        for value in np.unique(block)
        for i, j in combinations(np.flatnonzero(block == value).tolist(), 2)
    }
    assert set(zip(a.tolist(), b.tolist(), strict=True)) == expected
    assert len(a) == len(expected)  # each once
    assert (a < b).all()


def test_a_window_keeps_the_pairs_at_most_that_far_apart_in_each_block() -> None:
    rng = np.random.default_rng(4)
    block = np.sort(rng.integers(0, 12, 300))
    position = np.arange(300, dtype=np.int64)
    a, b = pairs_within_blocks(block, position, window=3)
    expected = {
        (members[i], members[j])
        for value in np.unique(block)
        for members in [np.flatnonzero(block == value).tolist()]
        for i, j in combinations(range(len(members)), 2)
        if j - i <= 3
    }
    assert set(zip(a.tolist(), b.tolist(), strict=True)) == expected
    assert len(a) == len(expected)
    sizes = np.unique(block, return_counts=True)[1]
    assert windowed_pairs(sizes, 3).sum() == len(expected)
    assert windowed_pairs(sizes, None).sum() == (sizes * (sizes - 1) // 2).sum()


def test_pairs_within_blocks_of_nothing_or_singletons_are_none() -> None:
    a, _ = pairs_within_blocks(np.array([1, 2, 3]), np.array([0, 1, 2]))
    assert len(a) == 0
    a, _ = pairs_within_blocks(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert len(a) == 0


def test_pair_keys_round_trip() -> None:
    a = np.array([0, 5, 2**31 - 1])
    b = np.array([1, 2**31 - 2, 3])
    back_a, back_b = split_keys(pair_keys(a, b))
    assert back_a.tolist() == a.tolist() and back_b.tolist() == b.tolist()


def test_record_index_finds_positions_of_dense_and_sparse_ids() -> None:
    dense = pl.Series([7, 3, 5, 4])
    assert RecordIndex(dense).positions(np.array([3, 7, 4])).tolist() == [1, 0, 3]
    sparse = pl.Series([10**12, 5, 10**9])
    assert RecordIndex(sparse).positions(np.array([10**9, 5, 10**12])).tolist() == [2, 1, 0]


def test_encode_gives_equal_values_equal_codes_and_empty_ones_none() -> None:
    encoded = encode(pl.Series(["b", "a", None, "", "b"]))
    assert encoded.values.tolist() == ["a", "b"]
    assert encoded.codes.tolist() == [1, 0, -1, -1, 1]


def test_similarity_of_codes_is_rapidfuzz_on_the_values_with_a_cutoff() -> None:
    values = np.array(["martha", "marhta", "dixon", "dicksonx"], dtype=object)
    a = np.array([0, 2, 0], dtype=np.int32)
    b = np.array([1, 3, 2], dtype=np.int32)
    scores = similarity_of_codes(a, b, values, JaroWinkler.normalized_similarity, cutoff=0.5)
    direct = [
        JaroWinkler.normalized_similarity(values[i], values[j]) for i, j in zip(a, b, strict=True)
    ]
    for got, want in zip(scores.tolist(), direct, strict=True):
        assert got == (0.0 if want < 0.5 else np.float32(want))
