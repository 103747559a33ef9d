"""A demo world with some of its canonical applications held back: the rest run in full
(`fauxhire run`), the held ones arriving afterwards, as a screen's candidates do."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from fauxhire.cli import app


def held_out_world(
    demo: Path,
    root: Path,
    every: int,
    held: int,
    db_url: str | None = None,
    env: dict[str, str] | None = None,
) -> Path:
    """``root`` with input/ (the demo world's input without ``held`` of its canonical
    applications, one in ``every``, spread: the file is not shuffled), held.jsonl (those
    applications) and the rest run in full into ``db_url`` (default: root/base.db), with the
    environment ``env`` added."""
    folder = root / "input"
    shutil.copytree(demo / "input", folder)
    source = folder / "applications" / "part-0001.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    chosen = set(range(5, len(lines), every)[:held])
    kept = [line for i, line in enumerate(lines) if i not in chosen]
    source.write_text("".join(kept), encoding="utf-8")
    (root / "held.jsonl").write_text("".join(lines[i] for i in sorted(chosen)), encoding="utf-8")
    run_into(root, db_url or f"sqlite:///{root / 'base.db'}", env)
    return root


def run_into(root: Path, db_url: str, env: dict[str, str] | None = None) -> None:
    """`fauxhire run` of root/input into the store ``db_url``, with ``env`` added."""
    ran = CliRunner().invoke(app, ["run", str(root / "input"), "--db", db_url], env=env)
    assert ran.exit_code == 0, ran.output
