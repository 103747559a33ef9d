"""The ICD 203 estimative levels: the words a probability is said in, and their bounds.

The one statement of the scale (docs/formats.md section 11 is its table for readers, and a
test holds the two together). Every other use derives from these: the assessment's column
expression, the report's --min-level, the evaluation's table by level.
"""

from __future__ import annotations

_LEVELS = (
    (0.05, "almost no chance"),
    (0.20, "very unlikely"),
    (0.45, "unlikely"),
    (0.55, "roughly even chance"),
    (0.80, "likely"),
    (0.95, "very likely"),
)
# Every term, the lowest first; each begins at its ``level_floor``.
ESTIMATIVE_TERMS = (*(term for _, term in _LEVELS), "almost certain")


def level_floor(term: str) -> float:
    """The lowest probability that earns ``term`` (0 for the lowest term)."""
    floor = 0.0
    for upper, name in (*_LEVELS, (1.0, "almost certain")):
        if name == term:
            return floor
        floor = upper
    raise ValueError(f"not an estimative term: {term!r}")


def estimative_level(probability: float) -> str:
    """The ICD 203 term for a probability, with the bounds of docs/formats.md section 11."""
    for upper, term in _LEVELS:
        if probability < upper:
            return term
    return "almost certain"
