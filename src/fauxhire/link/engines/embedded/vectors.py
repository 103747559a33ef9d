"""Array kernels of the embedded engine: value codes, pairs within blocks, string similarity
over distinct value pairs (record positions are ``fauxhire.link.positions``).

A million records make tens of millions of candidate pairs. Carrying their strings through
joins costs gigabytes and turns each into a new Python object for rapidfuzz; here a pair is
two record positions, a value is an integer code into the column's distinct values, and a
string similarity reads the distinct values by reference.

Pure numpy and polars; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from rapidfuzz import process

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float32]
_LOW32 = np.int64(0xFFFFFFFF)


@dataclass(frozen=True)
class Encoded:
    """A single-value column as codes: ``codes[position]`` indexes ``values``; -1 = missing."""

    codes: Codes
    values: npt.NDArray[np.object_]  # the distinct values, sorted

    def frequencies(self, tf: pl.DataFrame | None) -> Floats | None:
        """Per code, the ``tf`` of its value (``value``, ``tf`` frame); NaN where absent."""
        if tf is None:
            return None
        values = pl.DataFrame({"value": self.values.tolist()}, schema={"value": pl.String})
        joined = values.join(tf, on="value", how="left", maintain_order="left")
        return joined.get_column("tf").fill_null(np.nan).to_numpy().astype(np.float32)


def encode(column: pl.Series) -> Encoded:
    """Codes of a string column, empty strings counted as missing."""
    text = column.cast(pl.String)
    text = pl.select(pl.when(text == "").then(None).otherwise(text)).to_series()
    distinct = text.drop_nulls().unique().sort()
    table = pl.DataFrame({"value": distinct}).with_row_index("code")
    codes = (
        pl.DataFrame({"value": text})
        .join(table, on="value", how="left", maintain_order="left")
        .get_column("code")
        .cast(pl.Int32)
        .fill_null(-1)
        .to_numpy()
    )
    return Encoded(codes=codes, values=np.array(distinct.to_list(), dtype=object))


def pairs_within_blocks(
    block: Ints, position: Ints, window: int | None = None
) -> tuple[Ints, Ints]:
    """Every pair of positions that share a block, each once, smaller position first; with
    ``window``, only the pairs at most ``window`` apart in the block's order.

    ``block`` and ``position`` are parallel, sorted by (block, position), a position at most
    once per block. Element j of a block of size s pairs with elements j+1 .. s-1 (or
    j + window); all of it is run-length arithmetic, no loop.
    """
    if len(block) < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    sizes = np.diff(np.r_[starts, len(block)])
    offset = np.arange(len(block)) - np.repeat(starts, sizes)
    partners = np.repeat(sizes, sizes) - offset - 1
    if window is not None:
        partners = np.minimum(partners, window)
    total = int(partners.sum())
    first = np.repeat(np.arange(len(block)), partners)
    run_start = np.repeat(np.cumsum(partners) - partners, partners)
    second = first + 1 + (np.arange(total) - run_start)
    return position[first], position[second]


def windowed_pairs(size: Ints, window: int | None) -> Ints:
    """How many pairs ``pairs_within_blocks`` makes of a block of each ``size``."""
    size = size.astype(np.int64)
    every = size * (size - 1) // 2
    if window is None:
        return every
    # The first size - window elements pair with ``window`` each, the last ones with fewer.
    return np.where(
        size - 1 <= window, every, window * (size - window) + window * (window - 1) // 2
    )


def pair_keys(a: Ints, b: Ints) -> Ints:
    """One int64 per pair of positions (each under 2^31): sortable, hashable, reversible."""
    return (a.astype(np.int64) << 32) | b.astype(np.int64)


def split_keys(keys: Ints) -> tuple[Ints, Ints]:
    return keys >> 32, keys & _LOW32


Scorer = Callable[..., float]


def similarity_of_codes(
    a: Codes, b: Codes, values: npt.NDArray[np.object_], scorer: Scorer, cutoff: float
) -> Floats:
    """``scorer`` of the values coded ``a`` and ``b`` (all present), pairwise; 0 below
    ``cutoff``, which lets rapidfuzz stop early. Gathering from an object array hands
    rapidfuzz references to the distinct strings, never a new string per pair."""
    if len(a) == 0:
        return np.empty(0, dtype=np.float32)
    similarity = process.cpdist(
        values[a].tolist(),
        values[b].tolist(),
        scorer=scorer,
        workers=-1,
        dtype=np.float32,
        score_cutoff=cutoff,
    )
    return np.asarray(similarity, dtype=np.float32)
