"""How a format recognises one of its JSON items from its keys: cheap tests, no parsing.

Each format of the registry (``fauxhire.ingest.FORMATS``) lists the rules that recognise its
items; ``sniff.detect`` tries them in registry order. They look only at keys (and, for STIX,
at the shape of ``type`` and ``id``), never at whether values are valid, so that a first
record with a typo is still placed and then quarantined, not refused with its file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Recogniser = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True, slots=True)
class Keys:
    """An item holding every key of ``every`` and, when ``some`` is given, one key of it."""

    every: frozenset[str] = frozenset()
    some: frozenset[str] = frozenset()

    def __call__(self, item: Mapping[str, Any]) -> bool:
        keys = item.keys()
        return self.every <= keys and (not self.some or bool(self.some & keys))


def keys(every: tuple[str, ...] = (), some: tuple[str, ...] = ()) -> Keys:
    return Keys(frozenset(every), frozenset(some))


def stix_object(item: Mapping[str, Any]) -> bool:
    """A bundle, or an object whose id is its type's (``indicator--<uuid>``)."""
    kind, item_id = item.get("type"), item.get("id")
    if kind == "bundle":
        return True
    return isinstance(kind, str) and isinstance(item_id, str) and item_id.startswith(f"{kind}--")
