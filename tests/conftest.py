"""Shared fixtures: a store on a real SQLite file and, when configured, on real PostgreSQL.

PostgreSQL tests use the server named by FAUXHIRE_TEST_PG_URL (``.ci/run`` sets it); each test
gets a database of its own, dropped afterwards. Without the variable they skip and say why,
unless FAUXHIRE_REQUIRE_PG is set (CI), when a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql

from fauxhire.store import SqlStore, Store

# Tests check behaviour, not speed (that is bench/'s): on a shared machine under load one
# example may take seconds, and Hypothesis's per-example deadline would fail a correct test.
settings.register_profile("fauxhire", deadline=None)
settings.load_profile("fauxhire")

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
PG_ENV = "FAUXHIRE_TEST_PG_URL"
OpenStore = Callable[[str], Store]


def pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("FAUXHIRE_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} is not set but FAUXHIRE_REQUIRE_PG is: CI must test PostgreSQL")
        pytest.skip(f"no PostgreSQL configured: set {PG_ENV} (as .ci/run does) to run this")
    return url


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@contextmanager
def _fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the configured server, dropped afterwards."""
    admin = pg_admin_url()
    assert admin is not None
    name = f"fauxhire_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(admin, name)
    finally:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(drop)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with _fresh_database() as url:
        yield url


@pytest.fixture
def pg_url_2() -> Iterator[str]:
    """A second, independent PostgreSQL database for tests that compare two stores."""
    with _fresh_database() as url:
        yield url


@pytest.fixture
def open_store() -> Iterator[Callable[[str], Store]]:
    """Opens stores by URL and closes them all when the test ends."""
    opened: list[Store] = []

    def _open(url: str) -> Store:
        store = SqlStore.open(url)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same store test, once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small linked and assessed demo world (600 applicants, seed 5: one operator network),
    built once a session for every module that needs one. Read it as it is; a test that
    writes works on a copy of its store."""
    from typer.testing import CliRunner

    from fauxhire.cli import app

    out = tmp_path_factory.mktemp("demo600") / "demo"
    result = CliRunner().invoke(app, ["demo", "--size", "600", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
