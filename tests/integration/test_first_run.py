"""A first run that works: after the Makefile's demo every command run in that folder reads
the demo's store, a missing identity fails, read commands never create a store, a read-only
store can be read, and no command starts with lines of library logs."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fauxhire_lab.services.demo import name_store_in_project

ROOT = Path(__file__).resolve().parents[2]
FAUXHIRE = Path(sys.executable).with_name("fauxhire")
SAMPLE_WORLD = ROOT / "examples" / "sample-world"


def fauxhire(*args: str, cwd: Path, user: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAUXHIRE_")}
    command = [str(FAUXHIRE), *args]
    if user is not None:  # as another user: root reads and writes whatever the modes say
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def makefile_demo() -> list[str]:
    """The `fauxhire demo` command line of the Makefile's demo target, with this venv's
    fauxhire: the test runs what `make demo` runs."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    recipe = lines[lines.index("demo: setup") + 1 :]
    line = next(line for line in recipe if "fauxhire demo" in line)
    words = shlex.split(line.strip())
    return words[words.index("fauxhire") + 1 :]


@pytest.fixture(scope="module")
def demo_folder() -> Iterator[Path]:
    """A folder where the Makefile's demo ran, as a new user's clone would be; what the demo
    printed is in demo.out."""
    folder = Path(tempfile.mkdtemp(prefix="fauxhire-first-run-"))
    try:
        ran = fauxhire(*makefile_demo(), cwd=folder)
        assert ran.returncode == 0, ran.stderr
        (folder / "demo.out").write_text(ran.stdout, encoding="utf-8")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _store_rows(folder: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / "demo-out" / "fauxhire.db") as conn:
        return conn.execute(query).fetchall()


def test_after_the_demo_stats_and_show_read_its_store(demo_folder: Path) -> None:
    (applications,) = _store_rows(demo_folder, "SELECT count(*) FROM applications")[0]
    assert applications > 1000
    for where in (demo_folder, demo_folder / "demo-out" / "report"):  # and from below
        stats = fauxhire("stats", "--json", cwd=where)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["applications"] == applications

    report = json.loads((demo_folder / "demo-out" / "report" / "report.json").read_text())
    identity = report["identity_list"][0]["identity_id"]
    members = _store_rows(
        demo_folder,
        "SELECT a.company_id || '/' || a.application_id FROM applications a "
        f"JOIN links l ON l.app_key = a.key WHERE l.identity_id = '{identity}'",
    )
    shown = fauxhire("show", "identity", identity, cwd=demo_folder)
    assert shown.returncode == 0, shown.stderr
    assert f"identity {identity}: {len(members)} applications" in shown.stdout
    for (ref,) in members:  # whole, as `judge` asks for them
        assert ref in shown.stdout


def test_the_demo_says_how_the_other_commands_find_its_store(demo_folder: Path) -> None:
    project = (demo_folder / "fauxhire.toml").read_text(encoding="utf-8")
    assert 'db = "sqlite:///demo-out/fauxhire.db"' in project
    said = (demo_folder / "demo.out").read_text(encoding="utf-8")
    assert f"store named in {demo_folder / 'fauxhire.toml'}: `fauxhire stats`" in said


def test_a_demo_replaces_only_the_project_file_a_demo_wrote(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo-out' / 'fauxhire.db'}"
    assert name_store_in_project(tmp_path, tmp_path / "demo-out", db).written
    again = name_store_in_project(tmp_path, tmp_path / "demo-out", db)
    assert again.written, "the file an earlier demo wrote is replaced"
    (tmp_path / "fauxhire.toml").write_text('db = "team.db"\n', encoding="utf-8")
    kept = name_store_in_project(tmp_path, tmp_path / "demo-out", db)
    assert not kept.written and "not written by a demo" in kept.why_not
    assert (tmp_path / "fauxhire.toml").read_text(encoding="utf-8") == 'db = "team.db"\n'
    elsewhere = name_store_in_project(tmp_path / "sub", tmp_path / "demo-out", db)
    assert not elsewhere.written and "outside" in elsewhere.why_not


def test_an_identity_the_store_does_not_hold_fails(demo_folder: Path) -> None:
    missing = fauxhire("show", "identity", "i-999999999", cwd=demo_folder)
    assert missing.returncode != 0
    assert "no identity 'i-999999999'" in missing.stderr


def test_read_commands_never_create_a_store(tmp_path: Path) -> None:
    reads = (["stats"], ["show", "identity", "i-1"], ["quarantine", "list"], ["judge", "list"],
             ["export", "links", "--out", str(tmp_path / "links.csv")])  # fmt: skip
    for db in ("notaurl", f"sqlite:///{tmp_path}/a/b/c.db", "missing.db"):
        for command in reads:
            ran = fauxhire(*command, "--db", db, cwd=tmp_path)
            assert ran.returncode == 1, (command, db, ran.stderr)
            assert "no store at" in ran.stderr and "Traceback" not in ran.stderr
    nothing = fauxhire("stats", cwd=tmp_path)  # the default, ./fauxhire.db
    assert nothing.returncode == 1 and "the default store" in nothing.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_write_command_refuses_a_db_that_names_no_store(tmp_path: Path) -> None:
    typo = fauxhire("link", "--db", "notaurl", cwd=tmp_path)
    assert typo.returncode == 1 and "neither a database URL" in typo.stderr
    folders = fauxhire("link", "--db", "a/b/c.db", cwd=tmp_path)
    assert folders.returncode == 1 and "the folder a/b does not exist" in folders.stderr
    readme = fauxhire("link", "--db", str(ROOT / "README.md"), cwd=tmp_path)
    assert readme.returncode == 1 and "is not a SQLite database" in readme.stderr
    assert list(tmp_path.iterdir()) == []
    made = fauxhire("link", "--db", "new.db", cwd=tmp_path)  # named as a database: created
    assert made.returncode == 0, made.stderr


def test_no_command_starts_with_library_logs(tmp_path: Path) -> None:
    ran = fauxhire("run", str(SAMPLE_WORLD), "--db", "new.db", cwd=tmp_path)  # migrates
    assert ran.returncode == 0, ran.stderr
    assert "alembic" not in ran.stderr and "INFO" not in ran.stderr, ran.stderr
    stats = fauxhire("stats", "--db", "new.db", cwd=tmp_path)
    assert stats.returncode == 0 and stats.stderr == ""


def test_a_read_only_store_can_be_read(demo_folder: Path) -> None:
    """As another user (a store shared read-only) or, not root, with the modes alone."""
    user = 65534 if os.geteuid() == 0 else None
    if user is not None and shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: no way to read as a user who may not write")
    folder = Path(tempfile.mkdtemp(prefix="fauxhire-read-only-"))
    try:
        shutil.copy(demo_folder / "demo-out" / "fauxhire.db", folder / "store.db")
        (folder / "store.db").chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        folder.chmod(0o555)
        for command in (["stats", "--json"], ["show", "identity", "i-1"], ["judge", "list"]):
            ran = fauxhire(*command, "--db", str(folder / "store.db"), cwd=folder, user=user)
            assert ran.returncode == 0, (command, ran.stderr)
        assert sorted(p.name for p in folder.iterdir()) == ["store.db"]
        written = fauxhire("link", "--db", str(folder / "store.db"), cwd=folder, user=user)
        assert written.returncode == 1 and "Traceback" not in written.stderr
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)
