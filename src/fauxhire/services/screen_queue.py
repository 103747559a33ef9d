"""A service's screens, gathered into batches by one worker thread.

A screen's cost is mostly fixed: an incremental link and an assessment cost nearly as much
for one candidate as for a hundred (a polars plan each step, whatever its rows). Screened one
at a time, as linking requires, a busy service would queue them: each waits for all before it.
Here every request puts its prepared screening on a queue and waits for its own answer; the
worker takes everything waiting (up to ``max_batch``) and screens it as one batch
(``screen.screen_batch``). A lone request is a batch of one, answered as soon as it is done.

A request is answered only after its batch has committed: a crash loses only unanswered
requests, which the caller sends again (a screen of the same application stores nothing new).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from fauxhire.errors import FauxhireError
from fauxhire.services.screen import (
    Screener,
    Screening,
    ScreeningStore,
    ScreenResult,
    screen_batch,
)

log = logging.getLogger(__name__)
DEFAULT_MAX_BATCH = 200


@dataclass(frozen=True, slots=True)
class _Waiting:
    screening: Screening
    answer: Future[ScreenResult]


class ScreenQueue:
    """Screens in batches, by one worker thread, for as long as it runs (``start``, ``stop``)."""

    def __init__(
        self,
        store: ScreeningStore,
        screener: Screener,
        clock: Callable[[], datetime],
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        self._store, self._screener, self._clock = store, screener, clock
        self._max_batch = max_batch
        self._waiting: queue.SimpleQueue[_Waiting | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._work, name="screens", daemon=True)

    def start(self) -> None:
        self._worker.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Screen what is waiting, then stop the worker."""
        self._waiting.put(None)
        self._worker.join(timeout)

    def screen(self, screening: Screening, timeout: float | None = None) -> ScreenResult:
        """This screening's result, once its batch is done; its own error is raised."""
        answer: Future[ScreenResult] = Future()
        self._waiting.put(_Waiting(screening, answer))
        return answer.result(timeout)

    def _work(self) -> None:
        stopping = False
        while not stopping:
            first = self._waiting.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    more = self._waiting.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self._screen(batch)

    def _screen(self, batch: list[_Waiting]) -> None:
        started = time.perf_counter()
        try:
            outcomes = screen_batch(
                self._store, [w.screening for w in batch], self._screener, now=self._clock()
            )
        except Exception as exc:  # the whole batch failed: every request hears why
            for waiting in batch:
                waiting.answer.set_exception(exc)
            if not isinstance(exc, FauxhireError):
                log.error("screening batch failed", exc_info=exc)
            return
        for waiting, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, FauxhireError):
                waiting.answer.set_exception(outcome)
            else:
                waiting.answer.set_result(outcome)
        seconds = time.perf_counter() - started
        log.info("screened", extra={"batch": len(batch), "ms": round(seconds * 1000, 1)})
