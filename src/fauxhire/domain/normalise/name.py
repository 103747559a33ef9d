"""Personal names.

The key folds the ways one name is written so that "Example, Alex", "alex example", "ALEX  J.
EXAMPLE" and "Álex Exámple" match:
- case and accents (NFKD, combining marks dropped);
- punctuation and hyphens separate words, except apostrophes, which join ("O'Brien" ==
  "OBrien"; splitting would leave "o", an initial, and drop it);
- word order: the words are sorted, as records disagree on which name comes first;
- initials: one-letter words are dropped, unless nothing else is left. Only letters with a case
  count as initials; in a caseless script such as Han one character is a whole name part.
The key says nothing about where a name comes from and nothing here guesses it.
The display is the name as written with its whitespace collapsed.
"""

from __future__ import annotations

import re

from fauxhire.domain.normalise._text import fold, split_words
from fauxhire.domain.values import Value, ValueKind

_APOSTROPHES = re.compile(r"['\u2019\u02bc`\u00b4]")


def _is_initial(word: str) -> bool:
    return len(word) == 1 and word.upper() != word.lower()


def key(text: str) -> str:
    """The matching key of a name ("" when it has no letters or digits)."""
    found = sorted(split_words(_APOSTROPHES.sub("", fold(text))))
    kept = [word for word in found if not _is_initial(word)]
    return " ".join(kept or found)


def tokens(key: str) -> list[str]:
    """The words of a key, in key order (sorted)."""
    return key.split()


def _value(display: str) -> Value | None:
    if not display:
        return None
    folded = key(display)
    if not folded:
        raise ValueError("a name needs letters or digits")
    return Value(ValueKind.NAME, display, folded)


def normalise(full: str | None) -> Value | None:
    """A full name as a value; None when blank, ValueError when it has no letters or digits."""
    return None if full is None else _value(" ".join(full.split()))


def from_parts(first: str | None, last: str | None) -> Value | None:
    """A name given as first and last parts; either may be missing."""
    parts = (" ".join(part.split()) for part in (first, last) if part is not None)
    return _value(" ".join(part for part in parts if part))
