"""Recognising which of our input formats a JSON item is, to refuse a file given as the wrong one.

A user who passes an Okta export as Zoom data would otherwise get every record quarantined
for missing fields, which hides the real mistake. Each adapter calls ``require`` on its first
item; the error says what was expected and what the file looks like instead.

``detect`` asks each format of the registry whether it recognises the item (recognise.py):
keys only, never values' validity, so it is cheap and needs no normaliser. It answers
``None`` when it cannot tell.
"""

from __future__ import annotations

from typing import Any

from fauxhire.errors import WrongFormatError
from fauxhire.ingest.base import SourceFile
from fauxhire.ingest.registry import FORMATS

# Keys under which vendors wrap their items (a list) or one item (an object); detect looks
# inside them.
_WRAPPERS = ("value", "data", "objects", "results", "participants")


def detect(item: Any) -> str | None:
    """Guess the format of one JSON item (or of a wrapper holding such items) from its keys:
    the first format of the registry that recognises it."""
    if not isinstance(item, dict):
        return None
    for fmt in FORMATS.values():
        if fmt.recognises(item):
            return fmt.name
    for key in _WRAPPERS:
        inner = item.get(key)
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            return detect(inner[0])
        if isinstance(inner, dict):
            return detect(inner)
    return None


def describe(found: str) -> str:
    """A detected format as the error shows it: "Okta System Log events (okta)"."""
    fmt = FORMATS.get(found)
    return f"{fmt.title if fmt else found} ({found})"


def require(first_item: Any, expected: str, source: SourceFile, expect_text: str) -> None:
    """Refuse the file when its first item is plainly another format (or not a JSON object).

    An item we cannot place at all is let through: a first record with a typo in it should be
    quarantined like any other bad record, not sink the whole file.
    """
    found = detect(first_item)
    if found == expected:
        return
    if found is not None:
        looks = describe(found)
    elif not isinstance(first_item, dict):
        looks = f"a JSON {type(first_item).__name__}, not an object"
    else:
        return
    raise WrongFormatError(
        f"expected {expect_text}, but this looks like {looks}", source=source.display
    )
