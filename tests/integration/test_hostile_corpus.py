"""The hostile corpus (tests/fixtures/hostile/README.md): every case folder is one test.

Each step of a case runs `fauxhire` as a child process in a session of its own, so a hang is
killed with everything it started, and its peak memory is read from the kernel (``os.wait4``)
rather than guessed from inside. Afterwards the store is read through fauxhire's own store
API: what was quarantined, and how many rows each table holds.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fauxhire.services import quarantine_entries
from fauxhire.store import SqlStore, schema

HOSTILE = Path(__file__).parents[1] / "fixtures" / "hostile"
FAUXHIRE = Path(sys.executable).with_name("fauxhire")
BACKENDS = ("sqlite", "postgresql")


class _Strict(BaseModel):
    # A misspelt key in a case file must fail the case, not be ignored and test nothing.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Strict):
    args: list[str] = Field(min_length=1)
    exit: int = 0
    db: bool = True
    stdout_contains: list[str] = []
    stderr_contains: list[str] = []
    stdout_not_contains: list[str] = []
    stderr_not_contains: list[str] = []
    env: dict[str, str] = {}


class QuarantineMatch(_Strict):
    reason_contains: str = ""
    location_contains: str = ""
    file_contains: str = ""
    field: str | None = None
    code: str | None = None


class FileCheck(_Strict):
    no_line_matches: str | None = None
    some_line_matches: str | None = None


class Case(_Strict):
    about: str = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)
    quarantined: list[QuarantineMatch] = []
    counts: dict[str, int] = {}
    files: dict[str, FileCheck] = {}
    timeout_s: float = Field(60, gt=0)
    max_rss_mib: int = Field(1024, gt=0)
    # Not in the first draft of the convention: a case about a backend's own limits (NUL on
    # PostgreSQL) runs on each backend named here; PostgreSQL needs FAUXHIRE_TEST_PG_URL.
    backends: list[str] = ["sqlite"]


def load_case(folder: Path) -> Case:
    """The case file, or a failure that names the file and every problem in it."""
    path = folder / "case.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = Case.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        pytest.fail(f"{path}: not a valid hostile case:\n{exc}", pytrace=False)
    unknown = set(case.backends) - set(BACKENDS)
    if unknown:
        pytest.fail(f"{path}: unknown backends {sorted(unknown)}; known: {BACKENDS}")
    return case


def _params() -> list[Any]:
    params = []
    # A folder whose name starts with _ holds what generators share, not a case.
    for folder in sorted(p for p in HOSTILE.iterdir() if p.is_dir() and p.name[0] != "_"):
        try:
            backends = Case.model_validate(
                yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
            ).backends
        except Exception:  # the test itself reports what is wrong with the file
            backends = ["sqlite"]
        for backend in backends:
            params.append(pytest.param(folder, backend, id=f"{folder.name}-{backend}"))
    return params


@dataclass(frozen=True)
class Finished:
    status: int | None  # None: killed at the timeout
    seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str


# The step runs under this small launcher, which reports the step's peak RSS as os.wait4 gives
# it. Why not wait4 the step straight from here: Linux carries a process's high-water RSS
# through fork and exec, so a child of this test process would report at least the test
# process's own peak (hundreds of MiB late in a test session), never less.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, raw, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(raw)} {usage.ru_maxrss}")
"""


def run_step(argv: list[str], env: dict[str, str], cwd: Path, timeout_s: float) -> Finished:
    """Run one command line; at the timeout kill its whole process group (parse workers
    included). Output goes to files, so a flood of it never blocks the child on a pipe."""
    out_path, err_path, usage_path = cwd / ".stdout", cwd / ".stderr", cwd / ".usage"
    usage_path.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(usage_path)]
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        child = subprocess.Popen(
            [*launcher, *argv], stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env,
            cwd=cwd, start_new_session=True,
        )  # fmt: skip
        try:
            child.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    seconds = time.monotonic() - started
    _kill_leftovers(child.pid)
    status: int | None = None
    peak_kib = 0
    if usage_path.is_file():
        status_text, peak_text = usage_path.read_text().split()
        status, peak_kib = int(status_text), int(peak_text)
    return Finished(
        status,
        seconds,
        peak_kib / 1024,  # KiB on Linux; includes the children the step waited for
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
    )


def _kill_leftovers(group: int) -> None:
    """A worker the command left behind must not outlive the case."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def _fill(text: str, places: dict[str, str]) -> str:
    for name, value in places.items():
        text = text.replace("{" + name + "}", value)
    return text


def _prepare_input(folder: Path, work: Path) -> Path:
    """A copy of the case's input/ (a step may write beside it), plus what generate.py makes."""
    target = work / "input"
    if (folder / "input").is_dir():
        shutil.copytree(folder / "input", target, symlinks=True)
    else:
        target.mkdir()
    if (folder / "generate.py").is_file():
        subprocess.run(
            [sys.executable, str(folder / "generate.py"), str(target)], check=True, timeout=300
        )
    return target


def _step_env(step: Step, places: dict[str, str]) -> dict[str, str]:
    # The developer's own FAUXHIRE_ settings (a --db, a ruleset) must not change a case.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAUXHIRE_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"})
    # But the session's PII keyring (conftest.py): a PostgreSQL store is refused without one.
    env["FAUXHIRE_PII_KEYRING"] = os.environ["FAUXHIRE_PII_KEYRING"]
    env.update({k: _fill(v, places) for k, v in step.env.items()})
    return env


def _check_step(index: int, step: Step, done: Finished, case: Case, places: dict[str, str]) -> None:
    where = f"step {index + 1} ({' '.join(step.args)})"
    shown = f"\n--- stdout:\n{done.stdout[-3000:]}\n--- stderr:\n{done.stderr[-3000:]}"
    assert done.status is not None, f"{where}: still running after {case.timeout_s} s{shown}"
    assert "Traceback" not in done.stderr + done.stdout, f"{where}: a traceback{shown}"
    assert done.peak_rss_mib <= case.max_rss_mib, (
        f"{where}: peak RSS {done.peak_rss_mib:.0f} MiB > {case.max_rss_mib} MiB{shown}"
    )
    assert done.status == step.exit, f"{where}: exit {done.status}, expected {step.exit}{shown}"
    for stream, text, wanted, unwanted in (
        ("stdout", done.stdout, step.stdout_contains, step.stdout_not_contains),
        ("stderr", done.stderr, step.stderr_contains, step.stderr_not_contains),
    ):
        for piece in wanted:
            assert _fill(piece, places) in text, f"{where}: {stream} lacks {piece!r}{shown}"
        for piece in unwanted:
            assert _fill(piece, places) not in text, f"{where}: {stream} has {piece!r}{shown}"


def _check_store(url: str, case: Case, places: dict[str, str]) -> None:
    store = SqlStore.open(url)
    try:
        entries = quarantine_entries(store)
        for want in case.quarantined:
            if not any(_matches(entry, want, places) for entry in entries):
                got = "\n".join(
                    f"  {e['file']} {e['location']} {e['field']!r} {e['code']}: {e['reason']}"
                    for e in entries
                )
                pytest.fail(f"no quarantine entry matches {want}; the quarantine holds:\n{got}")
        for table, expected in case.counts.items():
            assert table in schema.metadata.tables, f"counts: no table {table!r} in the store"
            rows = store.count(table)
            assert rows == expected, f"counts: {table} holds {rows} rows, expected {expected}"
    finally:
        store.close()


def _matches(entry: dict[str, Any], want: QuarantineMatch, places: dict[str, str]) -> bool:
    return (
        _fill(want.reason_contains, places) in (entry["reason"] or "")
        and _fill(want.location_contains, places) in (entry["location"] or "")
        and _fill(want.file_contains, places) in (entry["file"] or "")
        and (want.field is None or want.field == (entry["field"] or ""))
        and (want.code is None or want.code == entry["code"])
    )


def _check_files(case: Case, places: dict[str, str]) -> None:
    for name, check in case.files.items():
        path = Path(_fill(name, places))
        assert path.is_file(), f"{name}: no such file after the steps"
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if check.no_line_matches is not None:
            bad = [line for line in lines if re.search(check.no_line_matches, line)]
            assert not bad, f"{name}: lines match {check.no_line_matches!r}: {bad[:5]}"
        if check.some_line_matches is not None:
            assert any(re.search(check.some_line_matches, line) for line in lines), (
                f"{name}: no line matches {check.some_line_matches!r}"
            )


@pytest.mark.parametrize(("folder", "backend"), _params())
def test_hostile_case(
    folder: Path, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    case = load_case(folder)
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    out = tmp_path / "out"
    out.mkdir()
    places = {"db": url, "out": str(out), "case": str(folder)}
    places["input"] = str(_prepare_input(folder, tmp_path))
    for index, step in enumerate(case.steps):
        argv = [str(FAUXHIRE), *(_fill(arg, places) for arg in step.args)]
        if step.db:
            argv += ["--db", url]
        done = run_step(argv, _step_env(step, places), tmp_path, case.timeout_s)
        _check_step(index, step, done, case, places)
    if case.quarantined or case.counts:
        _check_store(url, case, places)
    _check_files(case, places)
