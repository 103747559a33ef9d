"""Clocks for tests: one that tells commits apart, one that a test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Ticks:
    """A clock that moves a second each time it is read: distinct times tell commits apart."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


class Seconds:
    """A monotonic clock in seconds that stands still until the test moves ``now``."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
