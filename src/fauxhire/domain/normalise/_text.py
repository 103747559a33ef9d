"""Text folding and word splitting shared by the normalisers whose keys ignore case and accents."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Accents, after NFKD: the combining diacritical marks of Latin, Greek and Cyrillic, and the
# optional vowel points of Hebrew and Arabic. Not every combining mark: in Devanagari, Thai and
# other Brahmic scripts many vowels are written with combining marks, and dropping them would
# make different names one ("कुमार" is not "कमार").
_ACCENTS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670]"
)
# Letters whose "accent" is part of the letter, so NFKD leaves them whole (after casefolding).
_BARRED = str.maketrans(
    {"đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ŀ": "l", "ø": "o", "ŧ": "t",
     "æ": "ae", "œ": "oe", "þ": "th"}
)  # fmt: skip


def fold(text: str) -> str:
    """Casefold and strip accents: "Ñúñez" -> "nunez", "ＡＢＣ" -> "abc".

    NFKD both before casefolding (compatibility letters such as "ℌ" become "H" first) and after
    (casefolding can compose), then the accents are dropped and barred letters such as "ø",
    "ł" and "đ" written as their base letter.
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return _ACCENTS.sub("", text).translate(_BARRED)


@cache
def _ascii_words(singles: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(singles)}]|[a-zA-Z0-9]+" if singles else "[a-zA-Z0-9]+")


def split_words(text: str, singles: str = "") -> list[str]:
    """The runs of letters, digits and combining marks; each character of ``singles`` found in
    the text is a word by itself, everything else separates words.

    Marks count as part of a word so that scripts that write vowels with spacing marks
    (Devanagari, Tamil, ...) keep their words whole.
    """
    if text.isascii():
        return _ascii_words(singles).findall(text)
    spaced = []
    for ch in text:
        if ch in singles:
            spaced.append(f" {ch} ")
        elif ch.isalnum() or unicodedata.category(ch)[0] == "M":
            spaced.append(ch)
        else:
            spaced.append(" ")
    return "".join(spaced).split()
