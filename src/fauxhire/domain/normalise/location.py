"""The country a free-text claimed location names ("Austin, TX" -> "US").

Read from the last part (after the last comma, semicolon, bar, slash or spaced dash), which is
where people put the country or, in the United States, the state: "Berlin, Germany",
"Hanoi, Viet Nam", "Austin, Texas, USA", "Dallas (US)". Country names come from ``pycountry``
(ISO 3166-1: official, common and short names, alpha-2 and alpha-3 codes) plus everyday names
ISO does not use ("UK", "Russia", "South Korea"...).

Two-letter codes clash: CA is Canada and California, DE Germany and Delaware, IN India and
Indiana. In "City, XX" the US state convention wins, because that is how US locations are
written and other countries are usually named in full; in a third part ("Toronto, ON, CA"),
alone ("DE") or in parentheses ("Dallas (US)", Zoom's form) the code is a country. "Georgia"
alone is the country, and the state after a city.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pycountry

from fauxhire.domain.normalise._text import fold
from fauxhire.domain.normalise._us_states import CODES, STATES, TERRITORIES

_ALIASES = {
    "america": "US", "u s": "US", "u s a": "US", "united states": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB",
    "russia": "RU", "south korea": "KR", "korea": "KR", "north korea": "KP", "turkey": "TR",
    "vietnam": "VN", "ivory coast": "CI", "holland": "NL", "the netherlands": "NL",
    "uae": "AE", "macedonia": "MK", "burma": "MM", "swaziland": "SZ", "cape verde": "CV",
    "palestine": "PS", "drc": "CD", "brunei": "BN", "vatican": "VA", "macau": "MO",
    "laos": "LA", "syria": "SY", "micronesia": "FM", "czech republic": "CZ", "dprk": "KP",
    "brasil": "BR", "deutschland": "DE", "espana": "ES", "italia": "IT", "nederland": "NL",
}  # fmt: skip
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_SEPARATORS = re.compile(r"[,;|/]|\s[-\u2013\u2014]\s")
_ZIP = re.compile(r"\s+\d{5}(?:-\d{4})?$")
_PUNCT = re.compile(r"[\W_]+")


def _folded(text: str) -> str:
    """Lowercase ASCII-ish words separated by single spaces: "U.S.A." -> "u s a"."""
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


@cache
def _countries() -> dict[str, str]:
    """Folded country name or code -> alpha-2, built once from pycountry's ISO 3166-1 table."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for field in ("alpha_2", "alpha_3", "name", "common_name", "official_name"):
            name = getattr(country, field, None)
            if name:
                table[_folded(name)] = country.alpha_2
    table.update(_ALIASES)
    return table


def _state(part: str) -> str | None:
    """The country of a US state (or territory) name or code: "US", or the territory's code."""
    code = part.upper() if len(part) == 2 else STATES.get(part)
    if code not in CODES:
        return None
    return code if code in TERRITORIES else "US"


def _last_part(text: str) -> tuple[str, bool]:
    """The last part of a location, and whether a US state is the likelier reading of it.

    A state is likelier only in "City, XX"; a last part in parentheses ("Dallas (US)") is a
    country, as in Zoom's participant locations.
    """
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if not parts:
        return "", False
    state_first = len(parts) == 2
    if (paren := _PAREN.match(parts[-1])) and paren.group(2).strip():
        parts[-1], state_first = paren.group(2), False
    return _folded(_ZIP.sub("", parts[-1])), state_first


@lru_cache(maxsize=1 << 14)
def _country(text: str) -> str | None:
    last, state_first = _last_part(text)
    if not last or last.isdigit():
        return None
    country = _countries().get(last)
    state = _state(last)
    return (state or country) if state_first else (country or state)


def country_of(text: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country a claimed location names, or None."""
    if text is None or not text.strip():
        return None
    return _country(" ".join(text.split()))
