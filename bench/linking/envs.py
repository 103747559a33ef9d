"""The Splink environments of the linking benchmark, made on demand under bench/.venvs/.

    .venv/bin/python bench/linking/envs.py splink4 splink5

Splink, DuckDB and recordlinkage are what fauxhire is measured against, not what it runs on, so
they stay out of the project's lock: each environment is a plain virtualenv built by the
project's uv from a fully pinned requirements file in this folder. An environment is rebuilt
when its requirements file changes (a hash of it is kept inside). Prints the interpreter of each
environment asked for. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENVS = HERE.parent / ".venvs"
REQUIREMENTS = {
    "splink4": HERE / "requirements-splink4.txt",
    "splink5": HERE / "requirements-splink5.txt",
    "splink4-spark": HERE / "requirements-splink4-spark.txt",
}
STAMP = "requirements.sha256"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def uv() -> str:
    """The project's own uv, else one on PATH."""
    private = ROOT / ".tools" / "bin" / "uv"
    if private.exists():
        return str(private)
    found = shutil.which("uv")
    if found is None:
        raise SystemExit("uv not found: expected .tools/bin/uv or uv on PATH")
    return found


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def python_of(name: str) -> Path:
    return VENVS / name / "bin" / "python"


def is_current(name: str) -> bool:
    stamp = VENVS / name / STAMP
    return (
        python_of(name).exists()
        and stamp.exists()
        and stamp.read_text().strip() == _digest(REQUIREMENTS[name])
    )


def ensure(name: str) -> Path:
    """The interpreter of environment `name`, built first when missing or out of date."""
    if name not in REQUIREMENTS:
        raise SystemExit(f"unknown environment {name!r}: one of {', '.join(REQUIREMENTS)}")
    if is_current(name):
        return python_of(name)
    target = VENVS / name
    requirements = REQUIREMENTS[name]
    _say(f"building {target} from {requirements.name}")
    # The interpreter this script runs on: the project's Python 3.11, as for fauxhire itself.
    subprocess.run(
        [uv(), "venv", "--clear", "--quiet", "--python", sys.executable, str(target)], check=True
    )
    # sync, not install: the environment holds exactly the pinned set, nothing left over.
    subprocess.run(
        [uv(), "pip", "sync", "--quiet", "--python", str(python_of(name)), str(requirements)],
        check=True,
    )
    (target / STAMP).write_text(_digest(requirements) + "\n")
    return python_of(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("names", nargs="+", choices=sorted(REQUIREMENTS))
    args = parser.parse_args()
    for name in args.names:
        print(ensure(name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
