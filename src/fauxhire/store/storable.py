"""Characters no backend stores (PostgreSQL refuses NUL; no driver encodes a lone surrogate),
found in a record before it is written, so the record is quarantined on every backend alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from fauxhire.domain import Record
from fauxhire.domain.quarantine import Quarantined

UNSTORABLE_CODE = "unstorable_value"
NUL_ESCAPE = b"\\u0000"


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    """Text any backend stores: PostgreSQL refuses NUL, and no driver encodes a lone surrogate
    (what an undecodable byte of a file name becomes). For quarantine entries and names of
    files, which must be stored whatever they hold; a record's own fields are checked instead
    (``unstorable_field``) and the record quarantined."""
    return _UNSTORABLE.sub("\ufffd", text)


def unstorable_field(
    columns: Sequence[str], row: Sequence[Any], children: Sequence[tuple[str, list[list[Any]]]]
) -> tuple[str, str] | None:
    """The first field of a record that holds a character no backend stores, and that
    character, or None. The key comes last: it repeats a field that names the record better."""
    for name, value in sorted(zip(columns, row, strict=False), key=lambda c: c[0] == "key"):
        if found := _find_unstorable(value, name):
            return found
    for _, rows in children:
        for child in rows:
            for value in child[2:]:  # after the parent's key, and the value's kind
                if found := _find_unstorable(value, str(child[1])):
                    return found
    return None


def _find_unstorable(value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        match = _UNSTORABLE.search(value)
        return (path, match.group()) if match else None
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for name, item in items:
        if isinstance(name, str) and (found := _find_unstorable(name, path)):
            return found
        if found := _find_unstorable(item, f"{path}/{name}"):
            return found
    return None


def unstorable(record: Record, field: str, char: str) -> Quarantined:
    what = (
        "a NUL character (U+0000)"
        if char == "\x00"
        else f"an unpaired surrogate (U+{ord(char):04X}), which is not valid Unicode"
    )
    prov = record.provenance
    return Quarantined(
        prov.file,
        prov.location,
        field,
        f"the value holds {what}, which the store cannot hold (PostgreSQL refuses it), "
        "so the record is quarantined on every backend",
        UNSTORABLE_CODE,
    )
