"""Shared fixtures: a store on a real SQLite file and, when configured, on real PostgreSQL.

PostgreSQL tests use the server named by FAUXHIRE_TEST_PG_URL (``.ci/run`` sets it); each test
gets a database of its own, dropped afterwards. Without the variable they skip and say why,
unless FAUXHIRE_REQUIRE_PG is set (CI), when a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
PG_ENV = "FAUXHIRE_TEST_PG_URL"


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


@pytest.fixture
def pg_url() -> Iterator[str]:
    admin = pg_admin_url()
    assert admin is not None
    name = f"fauxhire_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_database(admin, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same store test, once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))
