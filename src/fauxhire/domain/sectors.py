"""NAICS sectors as the report keys them (docs/formats.md section 12)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

# NAICS writes these sectors as ranges of two-digit codes.
_COMBINED = (("31", "33"), ("44", "45"), ("48", "49"))

# What counts as tech unless the user says otherwise: sector 51 (Information) and 5415
# (Computer Systems Design and Related Services). A bare 54 is not tech.
TECH_DEFAULT: Final = ("51", "5415")

# The sector titles of NAICS 2022, for labels a reader understands without a code book.
SECTOR_NAMES: Final[dict[str, str]] = {
    "11": "Agriculture, Forestry, Fishing and Hunting",
    "21": "Mining, Quarrying, and Oil and Gas Extraction",
    "22": "Utilities",
    "23": "Construction",
    "31-33": "Manufacturing",
    "42": "Wholesale Trade",
    "44-45": "Retail Trade",
    "48-49": "Transportation and Warehousing",
    "51": "Information",
    "52": "Finance and Insurance",
    "53": "Real Estate and Rental and Leasing",
    "54": "Professional, Scientific, and Technical Services",
    "55": "Management of Companies and Enterprises",
    "56": "Administrative and Support and Waste Management",
    "61": "Educational Services",
    "62": "Health Care and Social Assistance",
    "71": "Arts, Entertainment, and Recreation",
    "72": "Accommodation and Food Services",
    "81": "Other Services (except Public Administration)",
    "92": "Public Administration",
}


def naics_sector(naics: str) -> str:
    """The sector of a NAICS code: its first two digits, with the combined sectors named as
    NAICS does ("31-33", "44-45", "48-49")."""
    two = naics[:2]
    for low, high in _COMBINED:
        if low <= two <= high:
            return f"{low}-{high}"
    return two


def sector_name(sector: str) -> str:
    """A sector's NAICS title, or the key itself where NAICS has no such sector."""
    return SECTOR_NAMES.get(sector, sector)


def sector_label(sector: str) -> str:
    """A sector for a reader: its title with its key, ``Finance and Insurance (52)``."""
    name = sector_name(sector)
    return f"{name} ({sector})" if name != sector else sector


def is_tech(naics: str, tech: Iterable[str] = TECH_DEFAULT) -> bool:
    """Tech: the code starts with one of the ``tech`` prefixes (by default sector 51, or
    computer systems design, 5415)."""
    return naics.startswith(tuple(tech))
