"""SIGKILL at random points of a large ingest, then re-run: the store holds exactly the records
of one clean ingest, on SQLite and on PostgreSQL; for one large file (committed in chunks) and
for many small files (committed many to a transaction)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from fauxhire.enrich.pii import Sealer
from fauxhire.store import SqlStore
from fauxhire.store import schema as s

ROWS = 20_000
CHUNK = 400


def _write_files(folder: Path, files: int) -> list[Path]:
    """ROWS lines of canonical applications, some bad, in one file or spread over many."""
    rng = random.Random(11)
    paths = [folder / f"apps-{n:03d}.jsonl" for n in range(files)]
    handles = [path.open("w") for path in paths]
    for i in range(ROWS):
        fh = handles[i * files // ROWS]
        if i % 997 == 0:
            fh.write(json.dumps({"company_id": "c-1", "application_id": f"bad-{i}"}) + "\n")
            continue
        row = {
            "company_id": f"c-{i % 7}",
            "application_id": f"a-{i}",
            "candidate_id": f"p-{i // 2}",
            "applied_at": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
            "job_title": rng.choice(["Backend Engineer", "Payroll Specialist", "iOS Engineer"]),
            "first_name": rng.choice(["Alex", "Sam", "Kim", "Lee"]),
            "last_name": f"Person{i // 2}",
            "emails": [f"person{i // 2}@example.com"],
            "phones": [f"+1 512 555 {i % 10000:04d}"],
            "urls": [f"https://github.com/person-{i // 2}"],
            "resume_text": "Experienced engineer. " * rng.randint(5, 30),
        }
        fh.write(json.dumps(row) + "\n")
    for fh in handles:
        fh.close()
    return paths


def _command(paths: list[Path], url: str) -> list[str]:
    names = [str(p) for p in paths]
    return [sys.executable, "-m", "fauxhire.cli", "ingest", "applications", *names, "--db", url]


def _env() -> dict[str, str]:
    return {**os.environ, "FAUXHIRE_CHUNK_SIZE": str(CHUNK), "FAUXHIRE_LOG_LEVEL": "WARNING"}


def _run(paths: list[Path], url: str) -> None:
    subprocess.run(_command(paths, url), env=_env(), check=True, capture_output=True)


def _snapshot(url: str, sealer: Sealer) -> dict[str, Any]:
    store = SqlStore.open(url, sealer=sealer)
    try:
        # Records by their natural keys: surrogate ids are storage detail (a PostgreSQL
        # sequence does not roll back with a killed transaction), and so are ingest times.
        app, val = s.applications, s.applicant_values
        skip = ("id", "ingested_at", "file_id")
        apps = store.rows(
            select(*[c for c in app.columns if c.name not in skip]).order_by(app.c.key)
        )
        values = store.rows(
            select(app.c.key.label("application"), val.c.kind, val.c.key, val.c.display)
            .join(app, app.c.id == val.c.app_ref)
            .order_by(app.c.key, val.c.kind, val.c.key)
        )
        # Sealed under random nonces: the same content, other ciphertext. What it opens to.
        opened = sealer.open_many([v["display"] for v in values], "applicant_values.display")
        values = [v | {"display": d} for v, d in zip(values, opened, strict=True)]
        quarantine = store.rows(
            select(s.quarantine.c.key, s.quarantine.c.reason).order_by(s.quarantine.c.key)
        )
        f = s.ingest_files
        files = store.rows(
            select(f.c.display, f.c.status, f.c.records, f.c.quarantined).order_by(f.c.display)
        )
    finally:
        store.close()
    return {"apps": apps, "values": values, "quarantine": quarantine, "files": files}


def _count(url: str) -> int:
    store = SqlStore.open(url)
    try:
        return store.count("applications")
    finally:
        store.close()


def _items_done(url: str) -> int:
    """Progress of the ingest, read with a plain driver connection (opening a Store would
    rebuild the indexes a bulk load has dropped, under the running ingest's feet)."""
    query = "SELECT coalesce(sum(items_done), 0) FROM ingest_files"
    try:
        if url.startswith("sqlite:///"):
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=1)) as conn:
                return int(conn.execute(query).fetchone()[0])
        with psycopg.connect(url, connect_timeout=2) as conn:
            row = conn.execute(query).fetchone()
            return int(row[0]) if row else 0
    except (sqlite3.Error, psycopg.Error):
        return 0  # not migrated yet


def _kill_at_random_points(
    paths: list[Path], url: str, rng: random.Random, kills: int
) -> list[int]:
    """Start the ingest and SIGKILL it at a random moment after it has committed something
    new, several times in a row. Returns the applications stored after each kill that landed
    while the process still ran."""
    after_kills = []
    for _ in range(kills):
        before = _items_done(url)
        proc = subprocess.Popen(
            _command(paths, url), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and _items_done(url) <= before and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            after_kills.append(_count(url))
        proc.wait()
    return after_kills


@pytest.mark.slow
@pytest.mark.parametrize("files", [1, 200], ids=["one-large-file", "many-small-files"])
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_ingest_rerun_equals_one_clean_ingest(
    backend: str, files: int, tmp_path: Path, request: pytest.FixtureRequest, pii_sealer: Sealer
) -> None:
    data = _write_files(tmp_path, files)
    if backend == "sqlite":
        clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
        killed_url = f"sqlite:///{tmp_path / 'killed.db'}"
    else:
        clean_url = request.getfixturevalue("pg_url")
        killed_url = request.getfixturevalue("pg_url_2")

    _run(data, clean_url)
    clean = _snapshot(clean_url, pii_sealer)
    assert len(clean["apps"]) == ROWS - len(range(0, ROWS, 997))

    after_kills = _kill_at_random_points(data, killed_url, random.Random(5), kills=3)
    # At least one kill must have cut the ingest mid-way, with some chunks committed.
    assert any(0 < n < len(clean["apps"]) for n in after_kills), after_kills

    _run(data, killed_url)  # the same command again completes it
    assert _snapshot(killed_url, pii_sealer) == clean
    # The bulk load dropped lookup indexes; the completed run has every one of them back.
    store = SqlStore.open(killed_url)
    try:
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), s.metadata) == []
    finally:
        store.close()
