"""Record positions: where each record id stands in a frame of records.

Linking works on row positions, not on record ids: ids are sparse (a store's row ids, with
gaps where rows were deleted), positions index numpy arrays. Shared by every engine and by the
engine-independent clustering (``cluster``); pure numpy, no I/O.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

Ints = npt.NDArray[np.int64]
# Lookups through a dense table while record ids are this dense; else binary search.
_DENSE = 16


class RecordIndex:
    """Where each record id stands in a records frame: its row position."""

    def __init__(self, recs: pl.Series | Ints) -> None:
        ids = recs.to_numpy() if isinstance(recs, pl.Series) else recs
        ids = ids.astype(np.int64, copy=False)
        self.size = len(ids)
        self._low = int(ids.min()) if len(ids) else 0
        span = int(ids.max()) - self._low + 1 if len(ids) else 0
        if span <= _DENSE * max(len(ids), 1):
            self._table: Ints | None = np.full(span, -1, dtype=np.int64)
            self._table[ids - self._low] = np.arange(len(ids), dtype=np.int64)
        else:
            self._table = None
            self._order = np.argsort(ids, kind="stable")
            self._sorted = ids[self._order]

    def positions(self, recs: pl.Series | Ints) -> Ints:
        """Row positions of record ids, every one of them in the frame."""
        ids = recs.to_numpy() if isinstance(recs, pl.Series) else recs
        ids = ids.astype(np.int64, copy=False)
        if self._table is not None:
            return self._table[ids - self._low]
        return self._order[np.searchsorted(self._sorted, ids)]
