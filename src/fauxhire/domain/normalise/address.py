"""Postal addresses.

The key folds the ways one address is commonly written, so that "100 Example Street, Apt. 4B,
Austin, Texas, USA" and "100 example st #4b austin tx us" match:
- case and accents (NFKD, combining marks dropped) and punctuation; ``.`` and ``'`` are dropped
  ("U.S.A." -> "usa") and a hyphen touching a digit joins ("4-B" -> "4b"), other punctuation
  separates words;
- unit designators (apt, apartment, suite, ste, unit, #, no, room, rm, flat, floor, fl) become
  the one token ``unit`` followed by the unit id ("3rd floor" -> "3rd fl");
- a ZIP+4 to its ZIP ("78701-1234" -> "78701"), as most records give only the five digits;
- street types and directionals to their USPS abbreviations, US state names to their codes,
  and the names of the United States to ``us``.
Words keep their order: the key does not parse the address, it only spells it one way.
``building`` drops a key's unit, private mailbox and box numbers: the flats of one building,
and the boxes of one mail-receiving service, share it.
The display only tidies: whitespace collapsed, line breaks and commas written as ", ".
"""

from __future__ import annotations

import re
from typing import Final

from fauxhire.domain.normalise._text import fold, split_words
from fauxhire.domain.normalise._us_states import STATES
from fauxhire.domain.values import Value, ValueKind

_STREET_TYPES: Final = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd",
    "boulevard": "blvd", "drive": "dr", "lane": "ln", "court": "ct", "place": "pl",
    "terrace": "ter", "highway": "hwy", "parkway": "pkwy", "circle": "cir", "square": "sq",
}  # fmt: skip
_DIRECTIONS: Final = {
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
_COUNTRY: Final = ("united states of america", "united states", "usa", "us")
_UNIT_WORDS: Final = frozenset(
    {"apt", "apartment", "suite", "ste", "unit", "#", "no", "room", "rm", "flat", "fl"}
)

# Word sequences (as tuples of words) -> their one-word replacement.
_PHRASES: Final[dict[tuple[str, ...], str]] = {
    **{tuple(name.split()): code.lower() for name, code in STATES.items()},
    **{tuple(name.split()): "us" for name in _COUNTRY},
    **{(word,): short for word, short in {**_STREET_TYPES, **_DIRECTIONS}.items()},
    ("floor",): "fl",
}
_LONGEST: Final = max(len(words) for words in _PHRASES)
_STARTS: Final = frozenset(words[0] for words in _PHRASES)  # most words start no phrase

_DROPPED = re.compile(r"['.\u2019]")
_JOINING_HYPHEN = re.compile(r"(?<=\d)-(?=\w)|(?<=\w)-(?=\d)")
_ZIP_PLUS4 = re.compile(r"\b(\d{5})-\d{4}\b")
_BREAKS = re.compile(r"[,;\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # what splitlines() splits on
_ZIP = re.compile(r"\d{5}(?:\d{4})?")


def _replace_phrases(words: list[str]) -> list[str]:
    if _STARTS.isdisjoint(words):  # most addresses: one set operation instead of a loop
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] not in _STARTS:
            out.append(words[i])
            i += 1
            continue
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            replacement = _PHRASES.get(tuple(words[i : i + size]))
            if replacement is not None:
                out.append(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _is_unit_id(word: str) -> bool:
    return any(ch.isdigit() for ch in word) or (len(word) == 1 and word.isalpha())


def _mark_units(words: list[str]) -> list[str]:
    """``apt 4b``, ``# 4b``, ``apt # 4b``, ``suite 4b`` -> ``unit 4b``; ``fl 78701`` is Florida."""
    if _UNIT_WORDS.isdisjoint(words):
        return words
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j] in _UNIT_WORDS:
            j += 1
        if j > i and j < len(words) and _is_unit_id(words[j]):
            florida = words[j - 1] == "fl" and _ZIP.fullmatch(words[j]) is not None
            if not florida:
                out += ["unit", words[j]]
                i = j + 1
                continue
        if words[i] != "#":
            out.append(words[i])
        i += 1
    return out


def key(raw: str) -> str:
    """The matching key of an address ("" when it has no letters or digits)."""
    text = _DROPPED.sub("", fold(raw))
    if "-" in text:  # most addresses have none: skip two regex passes
        text = _JOINING_HYPHEN.sub("", _ZIP_PLUS4.sub(r"\1", text))
    text = _BREAKS.sub(",", text)
    # Commas stay as words until here so that no phrase or unit spans two parts.
    found = _mark_units(_replace_phrases(split_words(text, singles="#,")))
    return " ".join(word for word in found if word != ",")


# Words a unit's, a private mailbox's or a box's number follows in a key ("unit 204",
# "pmb 79979", "box 25175"): what tells the tenants of one building apart.
_TENANT_WORDS: Final = frozenset({"unit", "pmb", "box"})


def building(address_key: str) -> str:
    """The building of an address key: the key without the numbers of its units, private
    mailboxes and boxes, nor a closing "us" (a country given or not). Many people's equipment
    sent to one building under their own box numbers is a mail-receiving service's."""
    words = address_key.split()
    kept: list[str] = []
    at = 0
    while at < len(words):
        if words[at] in _TENANT_WORDS and at + 1 < len(words):
            at += 2
            continue
        kept.append(words[at])
        at += 1
    while len(kept) > 1 and kept[-1] == "us":
        kept.pop()
    return " ".join(kept)


def _display(raw: str) -> str:
    parts = (" ".join(part.split()) for line in raw.splitlines() for part in line.split(","))
    return ", ".join(part for part in parts if part)


def normalise(raw: str | None) -> Value | None:
    """An address as a value; None when blank, ValueError when it has no letters or digits."""
    if raw is None or not raw.strip():
        return None
    folded = key(raw)
    if not folded:
        raise ValueError("an address needs letters or digits")
    return Value(ValueKind.ADDRESS, _display(raw), folded)
