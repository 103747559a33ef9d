"""Running a fauxhire command as a child and measuring it: wall time and peak memory.

Shared by the benchmark scripts in bench/. Imports no fauxhire code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50, p99 and mean of per-call seconds, in milliseconds to two places."""
    ordered = sorted(seconds)
    at = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50_ms": round(at(0.5) * 1000, 2), "p99_ms": round(at(0.99) * 1000, 2),
            "mean_ms": round(sum(ordered) / max(len(ordered), 1) * 1000, 2)}  # fmt: skip


def fauxhire_command() -> list[str]:
    """The installed entry point beside this interpreter or in the repo venv, else `-m`."""
    for candidate in (
        Path(sys.executable).parent / "fauxhire",
        ROOT / ".venv" / "bin" / "fauxhire",
    ):
        if candidate.exists():
            return [str(candidate)]
    return [sys.executable, "-m", "fauxhire.cli"]


class RssSampler:
    """Peak summed RSS of a process and its descendants, sampled (needs psutil)."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.peak = 0
        self._stop = threading.Event()
        try:
            import psutil  # type: ignore[import-untyped]
        except ImportError:
            self._thread = None
            return
        self._psutil: Any = psutil
        self._pid = pid
        self._interval = interval
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        psutil = self._psutil
        try:
            root = psutil.Process(self._pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for proc in procs:
                with suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(self._interval)

    def stop(self) -> int:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self.peak


def run_measured(
    argv: list[str], env: dict[str, str], stderr: Any = None, stdout: Any = None
) -> tuple[float, float, int]:
    """(seconds, peak RSS MiB, exit code) of one child; its stdout goes to ``stdout`` (our
    stderr by default: our stdout is the result line), its stderr to ``stderr``."""
    say("running: " + " ".join(argv))
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=stdout or sys.stderr, stderr=stderr, env=env)
    sampler = RssSampler(child.pid)
    code, largest = wait_measured(child)
    seconds = time.perf_counter() - started
    sampled = sampler.stop()
    say(
        f"peak RSS: {sampled / 2**20:.1f} MiB sampled over the child's process tree, "
        f"{largest / 2**20:.1f} MiB largest single process (wait4)"
    )
    return seconds, max(sampled, largest) / 2**20, code


def wait_measured(child: subprocess.Popen[Any]) -> tuple[int, int]:
    """Wait for a child: its exit code and the peak RSS in bytes of its largest process.

    From wait4 on this child, not getrusage of all children, whose maximum would carry one
    child's peak over to the next one measured in the same run."""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def run_logged(argv: list[str], env: dict[str, str], log: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, output) of one child run at log level INFO, its stdout and
    stderr kept in ``log`` for the timings it logs; a failure stops the benchmark."""
    with log.open("w") as fh:
        seconds, peak, code = run_measured(
            argv, {**env, "FAUXHIRE_LOG_LEVEL": "INFO"}, stderr=fh, stdout=fh
        )
    text = log.read_text()
    if code != 0:
        sys.stderr.write(text)
        raise SystemExit(f"{' '.join(argv)} failed with exit status {code}")
    return seconds, peak, text


def copy_store(world: Path, work: Path, env: dict[str, str]) -> tuple[list[str], int]:
    """A copy of WORLD/fauxhire.db in ``work`` (the world is left as it is): the ``--db``
    arguments that name it, and how many applications it holds."""
    db = work / "fauxhire.db"
    say(f"copying {world / 'fauxhire.db'} to {db}")
    shutil.copyfile(world / "fauxhire.db", db)
    url = ["--db", f"sqlite:///{db}"]
    stats = subprocess.run(
        [*fauxhire_command(), "stats", "--json", *url],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return url, int(json.loads(stats.stdout)["applications"])


@dataclass(frozen=True)
class Measured:
    """One child's wall time, CPU time (its own and its waited-for descendants', such as
    worker processes), peak RSS and exit code."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    code: int


def run_timed(
    argv: list[str], env: dict[str, str], stdout: Any = None, stderr: Any = None
) -> Measured:
    """Like run_measured, with the CPU seconds the child and its descendants used (wait4)."""
    say("running: " + " ".join(argv))
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=stdout or sys.stderr, stderr=stderr, env=env)
    sampler = RssSampler(child.pid)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    largest = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    peak = max(sampler.stop(), largest) / 2**20
    return Measured(seconds, usage.ru_utime + usage.ru_stime, peak, child.returncode)
