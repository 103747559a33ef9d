"""A clock for tests that tells commits apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Ticks:
    """A clock that moves a second each time it is read: distinct times tell commits apart."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now
