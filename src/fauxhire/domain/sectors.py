"""NAICS sectors as the report keys them (FORMATS.md section 12)."""

from __future__ import annotations

# NAICS writes these sectors as ranges of two-digit codes.
_COMBINED = (("31", "33"), ("44", "45"), ("48", "49"))


def naics_sector(naics: str) -> str:
    """The sector of a NAICS code: its first two digits, with the combined sectors named as
    NAICS does ("31-33", "44-45", "48-49")."""
    two = naics[:2]
    for low, high in _COMBINED:
        if low <= two <= high:
            return f"{low}-{high}"
    return two


def is_tech(naics: str) -> bool:
    """Tech by the default definition: sector 51, or computer systems design (5415)."""
    return naics.startswith(("51", "5415"))
