"""A normalised value: what a person reads (display) and what records are matched on (key)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class ValueKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    NAME = "name"
    URL = "url"
    LINKEDIN = "linkedin"
    GITHUB = "github"
    IP = "ip"


class Value(NamedTuple):
    """One identifying value. Two values match when kind and key are equal.

    A NamedTuple, not a model: ingest makes millions of these, and a tuple is the cheapest
    immutable record Python has.
    """

    kind: ValueKind
    display: str
    key: str
