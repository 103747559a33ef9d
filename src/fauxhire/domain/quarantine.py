"""A record that could not be taken in, and why: what the quarantine holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record that failed validation: where it is, which field, and why."""

    file: str
    location: str
    field: str
    reason: str
    code: str = "invalid_record"
    excerpt: str = ""  # the start of the raw record, for the analyst who fixes the source
