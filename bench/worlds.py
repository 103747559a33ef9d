"""The worlds the quality benchmarks score (bench/detection, bench/report).

Demo worlds: `fauxhire demo` size, seed and --set settings. The shipped ruleset's weights
were set on s1 and m2; the u worlds use settings nothing was tuned on. Validation worlds (v1,
v2, v3): the archives of shared/validation, made by a generator fauxhire did not write, each
unpacked once and run whole by `fauxhire run`; a test set, never values to fit."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Any

from measure import say

WORLDS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "s1": ("small", 1, ()),
    "s3": ("small", 3, ()),
    "s4": ("small", 4, ()),
    "m2": ("medium", 2, ()),
    "u1": ("5000", 11, (
        "dprk_interviews=2000", "dprk_hire_rate=0.1", "hard_case_rates.vpn=0.1",
        "hard_case_rates.night_owl=0.1", "hard_case_rates.resume_template=0.1",
        "wrong_reports=0.05",
    )),
    "u2": ("8000", 12, (
        "personas_per_worker=1,3", "workers_per_network=1,2", "hard_case_rates.shared_address=0.1",
        "hard_case_rates.agency=0.1", "hard_case_rates.shared_nat=0.1",
        "legit_interview_rate=0.4", "legit_hire_rate=0.3", "companies_per_applicant=1,8",
    )),
    # A quieter operation: about nine applications a persona, 2% of interviews hired.
    "u3": ("5000", 13, (
        "dprk_interviews=700", "dprk_hire_rate=0.02", "hard_case_rates.vpn=0.15",
        "hard_case_rates.night_owl=0.1",
    )),
    # Added with the resume-flagged indicator, which u3 informed: worlds nobody had looked at,
    # larger operations (52 and 39 identities), one quiet with many template resumes.
    "u4": ("6000", 21, (
        "scale=0.4", "dprk_interviews=1000", "dprk_hire_rate=0.03", "personas_per_worker=2,4",
        "hard_case_rates.resume_template=0.15", "hard_case_rates.vpn=0.12",
    )),
    "u5": ("10000", 22, (
        "scale=0.3", "workers_per_network=1,3", "legit_interview_rate=0.35",
        "hard_case_rates.agency=0.1", "hard_case_rates.shared_nat=0.1",
        "hard_case_rates.resume_template=0.1", "dprk_us_share=0.6", "dprk_non_tech_share=0.6",
    )),
}  # fmt: skip


VALIDATION_DIR = Path(__file__).resolve().parents[2] / "shared" / "validation"
VALIDATION: dict[str, str] = {
    "v1": "v1-default-6k",
    "v2": "v2-lookalikes-6k",
    "v3": "v3-lookalikes-20k",
}
ALL_WORLDS = (*WORLDS, *VALIDATION)


def build_world(name: str, root: Path, command: list[str], env: dict[str, str]) -> Path:
    """Generate world ``name`` and run it whole with `fauxhire demo` into ROOT/NAME (replaced);
    the folder. A validation world is unpacked there (once) and run by `fauxhire run`, with
    its report; the seconds it took are written to ROOT/NAME/run-seconds."""
    if name in VALIDATION:
        return _run_validation(name, root, command, env)
    size, seed, settings = WORLDS[name]
    out = root / name
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    sets = [arg for setting in settings for arg in ("--set", setting)]
    say(f"{name}: fauxhire demo --size {size} --seed {seed} {' '.join(sets)}")
    subprocess.run(
        [*command, "demo", "--size", size, "--seed", str(seed), "--out", str(out), *sets],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return out


def evaluation(command: list[str], truth: Path, db: Path, env: dict[str, str]) -> dict[str, Any]:
    """The stages of `fauxhire evaluate` on the SQLite store ``db`` against ``truth``."""
    scored = subprocess.run(
        [*command, "evaluate", "--truth", str(truth), "--json", "-", "--db", f"sqlite:///{db}"],
        check=True, env=env, capture_output=True, text=True,
    )  # fmt: skip
    return dict(json.loads(scored.stdout)["stages"])


def unpack_validation(name: str, root: Path) -> Path:
    """Validation world ``name`` unpacked into ROOT/NAME, once (a folder already unpacked is
    kept): the folder, whose ``world`` is the input folder and ``truth`` the truth."""
    out = root / name
    if not (out / "world").is_dir():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        say(f"{name}: unpacking {VALIDATION[name]}.tar.xz")
        with tarfile.open(VALIDATION_DIR / f"{VALIDATION[name]}.tar.xz") as archive:
            archive.extractall(out, filter="data")
    return out


def _run_validation(name: str, root: Path, command: list[str], env: dict[str, str]) -> Path:
    out = unpack_validation(name, root)
    for stale in ("fauxhire.db", "report"):
        path = out / stale
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    say(f"{name}: fauxhire run {out / 'world'}")
    started = time.perf_counter()
    subprocess.run(
        [*command, "run", str(out / "world"), "--db", f"sqlite:///{out / 'fauxhire.db'}",
         "--report", str(out / "report")],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    (out / "run-seconds").write_text(f"{time.perf_counter() - started:.1f}\n")
    return out
