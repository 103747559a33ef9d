"""Token buckets by name, in memory: the rate limit of one server process. Each name (a
credential's digest, a client address) refills at ``rate`` tokens a second up to ``burst``; a
request takes one. O(1) a request, and at most ``capacity`` names are kept: the least recently
seen is forgotten first, which only hands it a full bucket again, so a flood of new names
costs memory up to the cap and no more."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fauxhire.errors import ConfigError


@dataclass
class _Bucket:
    tokens: float
    at: float


class Buckets:
    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float], capacity: int = 100_000
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ConfigError("a rate limit needs a rate above 0 and a burst of at least 1")
        self.rate, self.burst, self.clock, self.capacity = rate, burst, clock, capacity
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, name: str) -> float:
        """Take a token from ``name``'s bucket: 0 when there was one, else the seconds until
        there will be (nothing is taken then, so a refused caller does not dig deeper)."""
        bucket = self._refilled(name)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def wait(self, name: str) -> float:
        """The seconds until ``name``'s bucket has a token (0 if it has one), taking none."""
        bucket = self._refilled(name)
        return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate

    def _refilled(self, name: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = _Bucket(float(self.burst), now)
            if len(self._buckets) > self.capacity:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(name)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        return bucket
