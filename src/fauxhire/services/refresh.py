"""The service's refresh of the whole store: a full link and a whole-store assessment.

Screens link into the last full run's identities with its model and assess a few identities
with the store-wide indicators' last results (``screen``). What only a whole-store run does
(re-estimating the model, networks, resume templates across every resume, new identities'
store-wide evidence) is done here, on a schedule (``fauxhire serve --refresh-every``), never
inside a request. It holds the screens' lock: screens wait while it runs (about 80 s at a
million applications), as linking must not run twice at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from fauxhire.ports import AssessingStore, LinkingStore
from fauxhire.services.assess import assess_store
from fauxhire.services.screen import Screener

log = logging.getLogger(__name__)


class RefreshingStore(LinkingStore, AssessingStore, Protocol):
    """What a refresh is given: what linking and assessment are."""


def refresh(store: RefreshingStore, screener: Screener, *, now: datetime) -> dict[str, float]:
    """Link the whole store and assess it, holding the screens' lock; the seconds each took."""
    with screener.lock:
        started = time.perf_counter()
        screener.linker.link(store, now=now)
        linked = time.perf_counter()
        keys = screener.keys.at(now)
        assess_store(store, now=now, ruleset=screener.ruleset, community_key=keys)
        done = time.perf_counter()
    return {"link": round(linked - started, 3), "assess": round(done - linked, 3)}


class Refresher:
    """``refresh`` every ``every`` seconds in a thread of its own, until ``stop``."""

    def __init__(
        self,
        store: RefreshingStore,
        screener: Screener,
        clock: Callable[[], datetime],
        every: float,
    ) -> None:
        self._store, self._screener, self._clock, self._every = store, screener, clock, every
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._work, name="refresh", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 600.0) -> None:
        """Stop after the refresh under way, if one is."""
        self._stopped.set()
        self._thread.join(timeout)

    def _work(self) -> None:
        while not self._stopped.wait(self._every):
            try:
                seconds = refresh(self._store, self._screener, now=self._clock())
            except Exception as exc:  # a failed refresh leaves the last one's results in use
                log.error("refresh failed", exc_info=exc)
                continue
            log.info("refreshed", extra={"seconds": seconds})
