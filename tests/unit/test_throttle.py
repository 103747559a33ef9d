"""The token buckets behind `fauxhire serve`'s rate limit, on a clock the test moves: a burst,
then the rate; a refused request takes nothing; names apart; memory capped."""

from __future__ import annotations

import pytest

from fauxhire.api.throttle import Buckets
from fauxhire.errors import ConfigError
from support.clock import Seconds


def test_a_burst_then_the_rate() -> None:
    clock = Seconds()
    buckets = Buckets(rate=2.0, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(0.5)  # one token comes every half second
    clock.now += 0.25
    assert buckets.take("a") == pytest.approx(0.25)  # the refused one took nothing
    clock.now += 0.25
    assert buckets.take("a") == 0.0
    clock.now += 60  # a long rest fills the bucket to the burst, no more
    assert [buckets.take("a") for _ in range(4)][-1] > 0


def test_wait_looks_without_taking_and_names_are_apart() -> None:
    clock = Seconds()
    buckets = Buckets(rate=1.0, burst=1, clock=clock)
    assert buckets.wait("a") == 0.0 and buckets.wait("a") == 0.0
    assert buckets.take("a") == 0.0 and buckets.wait("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0


def test_the_least_recently_seen_name_is_forgotten_past_the_capacity() -> None:
    clock = Seconds()
    buckets = Buckets(rate=1.0, burst=1, clock=clock, capacity=2)
    for name in ("a", "b"):
        buckets.take(name)
    buckets.wait("a")  # seen: b is now the oldest
    buckets.take("c")
    assert buckets.take("a") > 0  # remembered: still empty
    assert buckets.take("b") == 0.0  # forgotten: a full bucket again


def test_a_rate_that_could_never_refill_is_refused() -> None:
    with pytest.raises(ConfigError):
        Buckets(rate=0, burst=5, clock=Seconds())
