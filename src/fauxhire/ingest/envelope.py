"""Vendor envelopes around a single record: Lever's ``{"data": {...}}`` and Ashby's
``{"success": true, "results": {...}}``.

``reading.iter_json_items`` unwraps an envelope around a *list* (``list_keys``); an API that
answers with one record wraps it the same way, and the file is then one item, the envelope.
``unwrap`` opens it, wherever it is (the whole file, an array item, a JSON line), so the
record is validated as itself and its location names where it sits ("/data", "line 3, /data").
Anything else passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fauxhire.ingest.base import Quarantined
from fauxhire.ingest.wire import child_location


def unwrap(
    items: Iterable[tuple[str, Any] | Quarantined], key: str
) -> Iterator[tuple[str, Any] | Quarantined]:
    """Each item; an item ``{key: {...}, ...}`` becomes the record under ``key``."""
    for item in items:
        if isinstance(item, Quarantined):
            yield item
            continue
        location, raw = item
        if isinstance(raw, dict) and isinstance(raw.get(key), dict):
            yield child_location(location, key), raw[key]
        else:
            yield item
