"""What the store holds, at a glance: totals, per source, per company, and what was quarantined."""

from __future__ import annotations

from typing import Any

from fauxhire.store import Store
from fauxhire.store.counts import read_counts


def store_stats(store: Store) -> dict[str, Any]:
    """The counts of ``fauxhire stats --json`` (``store/counts.py`` says which)."""
    return read_counts(store)
