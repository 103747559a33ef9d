"""The shapes that linking and assessment fill in. Defined here so every layer speaks one model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why: an indicator or link rule that fired, its weight, and the records behind it."""

    indicator: str  # stable kebab-case id, e.g. "shared-payout-account"
    weight: float
    detail: str  # one sentence a person can check
    sources: tuple[str, ...] = ()  # record references ("application:c-1/a-9")


@dataclass(frozen=True, slots=True)
class Identity:
    """A persona: the applications that are one presented person across companies and time."""

    identity_id: str
    applications: tuple[tuple[str, str], ...]  # (company_id, application_id)
    evidence: tuple[Evidence, ...] = ()
    network_id: str | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """Identities run by one operator group, revealed by infrastructure they share."""

    network_id: str
    identities: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    subject_id: str  # an identity or network id
    probability: float
    level: str  # ICD 203 estimative term, docs/formats.md section 11
    ruleset: str
    ruleset_hash: str
    assessed_at: datetime
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)


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
