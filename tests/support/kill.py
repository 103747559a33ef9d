"""SIGKILL a real `fauxhire serve` at random moments while a client sends it requests, and
start it again on the same store each time (issue 17: "no request is both acknowledged and
lost, and none is stored twice").

The harness knows nothing of screens: a ``Call`` is a route, a JSON body and a token, and a
``probe`` says how far the store got with a call when the server died. A webhook sender is
another list of calls (and its own probe); the checks of what survived are the test's.

- ``Service``: `fauxhire serve` on one store and port, killed with SIGKILL and started again.
- ``ForkingService``: the same, each server forked from a process that imported fauxhire
  already (support/serve_fork.py), so that a restart costs a fraction of a second.
- ``run_under_kills``: a client thread per sender sends its calls in order, each until it is
  acknowledged (a 2xx), retrying after the restart whatever died unanswered; meanwhile a
  killer waits for a request to go out, sleeps a seeded random 0 to ``max_delay`` seconds
  (or to the median time of the last requests answered, when longer), kills the server and
  starts it again, ``kills`` times.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

START_SECONDS = 60  # a server not answering /v1/health by then failed to start
RETRY_STATUS = frozenset({502, 503, 504})  # a store not answering yet: try again
MAX_ATTEMPTS = 200  # a call not acknowledged after this many tries is a stuck service


@dataclass(frozen=True, slots=True)
class Call:
    """One request the client must get acknowledged."""

    label: str  # what the test knows it by (an application's key)
    path: str
    body: dict[str, Any]
    token: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer that acknowledged (or, after MAX_ATTEMPTS, last refused) a call."""

    call: Call
    status: int
    body: dict[str, Any]
    attempts: int  # 1: at the first try; more: after requests that died with the server


class Service:
    """`fauxhire serve` on the store ``db``, run from ``folder``, always on the same port; each
    start a new `python -m fauxhire.cli serve` process."""

    def __init__(self, folder: Path, db: str, env: dict[str, str] | None = None) -> None:
        self.folder, self.db, self.env = folder, db, env
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"  # every start appends to it
        self.up = threading.Event()  # set while a started server answers
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._spawn()
        self.starts += 1
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if not self.running():
                raise AssertionError(f"the server exited at start: {self._log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/v1/health", timeout=5) as answer:
                    if answer.status == 200:
                        self.up.set()
                        return
            except OSError:  # not listening yet
                time.sleep(0.05)
        raise AssertionError(f"the server did not start: {self._log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or closed."""
        self.up.clear()
        self._end(signal.SIGKILL)

    def stop(self) -> int:
        """SIGTERM, as a supervisor stops it: its exit status."""
        self.up.clear()
        return self._end(signal.SIGTERM)

    def close(self) -> None:
        """At a test's end, whatever happened: no server left running."""
        if self.running():
            self.kill()

    def post(self, call: Call, timeout: float = 120) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(
            self.base + call.path,
            data=json.dumps(call.body).encode(),
            headers={"Authorization": f"Bearer {call.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read() or b"{}")

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "fauxhire.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as stderr:
            self._process = subprocess.Popen(
                [*command, "--db", self.db],
                cwd=self.folder, stdout=subprocess.DEVNULL, stderr=stderr, env=self.env,
            )  # fmt: skip

    def _end(self, signum: int) -> int:
        """Send ``signum`` to a running server: its exit status."""
        assert self._process is not None
        if self.running():
            self._process.send_signal(signum)
        return self._process.wait(timeout=60)

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class ForkingService(Service):
    """``Service`` whose servers are forked from a process that imported fauxhire already
    (support/serve_fork.py): each is still a new process that opens the store and serves, but
    it starts in a fraction of a second instead of the seconds the imports take, so that fifty
    restarts fit in a test."""

    def __init__(self, folder: Path, db: str, env: dict[str, str] | None = None) -> None:
        super().__init__(folder, db, env)
        self._forker = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("serve_fork.py"))],
            cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._pid: int | None = None

    def close(self) -> None:
        super().close()
        assert self._forker.stdin is not None and self._forker.stdout is not None
        self._forker.stdin.close()
        self._forker.wait(timeout=30)
        self._forker.stdout.close()

    def running(self) -> bool:
        return self._pid is not None and self._ask(f"poll {self._pid}") == "running"

    def _spawn(self) -> None:
        self._pid = int(self._ask(f"start {self.port} {self.db} {self.log}"))

    def _end(self, signum: int) -> int:
        assert self._pid is not None
        if self.running():
            os.kill(self._pid, signum)
        return int(self._ask(f"wait {self._pid}"))

    def _ask(self, command: str) -> str:
        assert self._forker.stdin is not None and self._forker.stdout is not None
        self._forker.stdin.write(command + "\n")
        self._forker.stdin.flush()
        answer = self._forker.stdout.readline().strip()
        if not answer:
            raise AssertionError(f"the forking process ended: {self._forker.poll()}")
        return answer


@dataclass
class KillRun:
    answers: list[Answer] = field(default_factory=list)
    kills: int = 0
    died_under: int = 0  # requests that were under way (or sent) when the server died
    retried_status: int = 0  # answers in RETRY_STATUS, sent again
    phases: Counter[str] = field(default_factory=Counter)  # the probe's word at each kill
    durations: list[float] = field(default_factory=list)  # of the requests answered
    seconds: float = 0.0

    def acknowledged(self) -> list[Answer]:
        return [a for a in self.answers if 200 <= a.status < 300]


def run_under_kills(
    service: Service,
    senders: Sequence[Sequence[Call]],
    *,
    kills: int,
    seed: int,
    max_delay: float = 0.3,
    probe: Callable[[Call], str] | None = None,
) -> KillRun:
    """Send each sender's calls in order, the senders side by side (screens, and webhooks
    beside them), while the server (started) is killed ``kills`` times; the run ends when
    every call is answered. At each kill ``probe`` is given every call then unanswered and
    says how far the store got with it (read before the restart)."""
    run = KillRun()
    shared = _Shared()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1 + len(senders), thread_name_prefix="kill") as pool:
        killer = pool.submit(
            _kill_repeatedly, service, run, shared, kills, random.Random(seed), max_delay, probe
        )
        clients = [pool.submit(_send_all, service, calls, run, shared) for calls in senders]
        try:
            answered = [client.result() for client in clients]  # a client's failure is ours
        finally:
            shared.done.set()
        killer.result()  # and so is the killer's
    run.answers = [answer for answers in answered for answer in answers]
    run.seconds = round(time.monotonic() - started, 1)
    return run


@dataclass
class _Shared:
    """What the clients tell the killer."""

    in_flight: threading.Event = field(default_factory=threading.Event)  # a request went out
    done: threading.Event = field(default_factory=threading.Event)  # every call answered
    under_way: dict[int, Call] = field(default_factory=dict)  # per client: sent, unanswered


def _send_all(
    service: Service, calls: Sequence[Call], run: KillRun, shared: _Shared
) -> list[Answer]:
    return [_until_answered(service, call, run, shared) for call in calls]


def _until_answered(service: Service, call: Call, run: KillRun, shared: _Shared) -> Answer:
    status, body = 0, {}
    client = threading.get_ident()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        if not service.up.wait(timeout=START_SECONDS * 2):
            raise AssertionError("the server was not started again after a kill")
        shared.under_way[client] = call
        shared.in_flight.set()
        sent = time.monotonic()
        try:
            status, body = service.post(call)
            run.durations.append(time.monotonic() - sent)
        except OSError:  # it died under the request (or before it was sent): send it again
            run.died_under += 1
            service.up.wait(timeout=1)  # the killer clears it before the kill
            continue
        finally:
            shared.under_way.pop(client, None)
        if status not in RETRY_STATUS:
            return Answer(call, status, body, attempt)
        run.retried_status += 1
        time.sleep(0.2)
    return Answer(call, status, body, MAX_ATTEMPTS)


def _kill_repeatedly(
    service: Service,
    run: KillRun,
    shared: _Shared,
    kills: int,
    rng: random.Random,
    max_delay: float,
    probe: Callable[[Call], str] | None,
) -> None:
    while run.kills < kills:
        while not shared.in_flight.wait(timeout=0.2):
            if shared.done.is_set():
                return
        shared.in_flight.clear()
        time.sleep(rng.uniform(0, _span(run.durations, max_delay)))
        under_way = list(shared.under_way.values())  # unanswered as it dies
        service.kill()
        run.kills += 1
        if not under_way:
            run.phases["between requests"] += 1
        for call in under_way:
            run.phases[probe(call) if probe else "under a request"] += 1
        service.start()


def _span(durations: list[float], max_delay: float) -> float:
    """How long after a request goes out a kill may come: ``max_delay``, or the median of
    the last answered requests when they take longer (a loaded machine, PostgreSQL), so that
    kills still land in every part of a request, its end included."""
    recent = sorted(durations[-9:])
    return max(max_delay, recent[len(recent) // 2]) if recent else max_delay


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
