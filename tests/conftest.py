"""Shared fixtures: a store on a real SQLite file and, when configured, on real PostgreSQL.

PostgreSQL tests use the server named by FAUXHIRE_TEST_PG_URL (``.ci/run`` sets it); each test
gets a database of its own (a copy of a migrated template), dropped afterwards. Without the
variable they skip and say why, unless FAUXHIRE_REQUIRE_PG is set (CI), when a missing server
fails the run.

Every test runs with one PII keyring of the session, named by FAUXHIRE_PII_KEYRING (inherited
by the commands tests start), so stores on PostgreSQL open as production ones do, and the
stores ``open_store`` opens seal contact details as the product's do.
"""

from __future__ import annotations

import atexit
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql

from fauxhire.assess.facts import Facts
from fauxhire.enrich.pii import Keyring, Sealer, load_keyring, save_keyring
from fauxhire.settings import CEILING_ENV
from fauxhire.store import SqlStore, Store

# Tests check behaviour, not speed (that is bench/'s): on a shared machine under load one
# example may take seconds, and Hypothesis's per-example deadline would fail a correct test.
settings.register_profile("fauxhire", deadline=None)
settings.load_profile("fauxhire")

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
PG_ENV = "FAUXHIRE_TEST_PG_URL"
OpenStore = Callable[[str], Store]
PII_KEYRING_ENV = "FAUXHIRE_PII_KEYRING"


@pytest.fixture(scope="session", autouse=True)
def pii_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's PII keyring file, named in the environment while the tests run."""
    path = tmp_path_factory.mktemp("pii") / "keyring.json"
    save_keyring(path, Keyring.new(datetime(2026, 1, 1, tzinfo=UTC)), replace=False)
    before = os.environ.get(PII_KEYRING_ENV)
    os.environ[PII_KEYRING_ENV] = str(path)
    yield path
    if before is None:
        os.environ.pop(PII_KEYRING_ENV, None)
    else:
        os.environ[PII_KEYRING_ENV] = before


@pytest.fixture(scope="session", autouse=True)
def project_file_ceiling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No project file above the session's temporary folders reaches a test (nor a command
    it starts): a `fauxhire.toml` left in /tmp would otherwise name every test's store."""
    before = os.environ.get(CEILING_ENV)
    os.environ[CEILING_ENV] = str(tmp_path_factory.getbasetemp().parent)
    yield
    if before is None:
        os.environ.pop(CEILING_ENV, None)
    else:
        os.environ[CEILING_ENV] = before


@pytest.fixture(scope="session")
def pii_sealer(pii_keyring: Path) -> Sealer:
    return Sealer(load_keyring(pii_keyring, PII_KEYRING_ENV))


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


_TEMPLATES: dict[str, str] = {}  # per test process: the admin URL's migrated template


def _migrated_template(admin: str) -> str:
    """A database this test process made once and migrated to the head revision, to copy: a
    copy is a file copy (50 ms), where migrating each test's database took half a second."""
    if admin not in _TEMPLATES:
        name = f"fauxhire_tpl_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        SqlStore.open(_with_database(admin, name)).close()  # migrates; no session is left
        atexit.register(_drop, admin, name)
        _TEMPLATES[admin] = name
    return _TEMPLATES[admin]


def _drop(admin: str, name: str) -> None:
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(drop)


@contextmanager
def _fresh_database(*, empty: bool = False) -> Iterator[str]:
    """A new PostgreSQL database on the configured server, migrated as a store's first open
    would (a copy of the process's template), or ``empty``; dropped afterwards."""
    admin = pg_admin_url()
    assert admin is not None
    name = f"fauxhire_t_{uuid.uuid4().hex[:12]}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if not empty:
        template = sql.Identifier(_migrated_template(admin))
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), template)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(create)
    try:
        yield _with_database(admin, name)
    finally:
        _drop(admin, name)


@pytest.fixture
def pg_url() -> Iterator[str]:
    with _fresh_database() as url:
        yield url


@pytest.fixture
def pg_empty_url() -> Iterator[str]:
    """A PostgreSQL database with nothing in it: for what a store's first open, or an old
    revision's migration, does to one."""
    with _fresh_database(empty=True) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """``db_url``'s, with the PostgreSQL database empty rather than migrated."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_empty_url"))


@pytest.fixture
def pg_url_2() -> Iterator[str]:
    """A second, independent PostgreSQL database for tests that compare two stores."""
    with _fresh_database() as url:
        yield url


@pytest.fixture
def open_store(pii_sealer: Sealer) -> Iterator[Callable[[str], Store]]:
    """Opens stores by URL, with the session's keyring, and closes them all when the test
    ends."""
    opened: list[Store] = []

    def _open(url: str) -> Store:
        store = SqlStore.open(url, sealer=pii_sealer)
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


@pytest.fixture(scope="session")
def demo_facts(demo_world: Path) -> Facts:
    """What the demo world's assessment reads (``read_facts``), as of 2025-07-01."""
    from fauxhire.services.facts import read_facts
    from fauxhire_lab.world.feeds import COMMUNITY_KEY

    store = SqlStore.open(f"sqlite:///{demo_world / 'fauxhire.db'}")
    try:
        return read_facts(store, now=datetime(2025, 7, 1, tzinfo=UTC), community_key=COMMUNITY_KEY)
    finally:
        store.close()


@pytest.fixture
def demo_store_url(demo_world: Path, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A store of the demo world, by ``request.param`` (parametrized indirectly): "sqlite", a
    copy of the demo's store; "postgresql", the demo's input run into a fresh database (the
    assessment of a run uses the store's clock, as the demo's did)."""
    from typer.testing import CliRunner

    from fauxhire.cli import app

    if request.param == "sqlite":
        shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "store.db")
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = str(request.getfixturevalue("pg_url"))
    result = CliRunner().invoke(app, ["run", str(demo_world / "input"), "--db", url])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def demo_store(demo_world: Path, tmp_path: Path, pii_sealer: Sealer) -> Iterator[SqlStore]:
    """A copy of the demo world's store, sealed with the session's keyring, for a test that
    writes to it (an export appends to its audit trail)."""
    db = tmp_path / "fauxhire.db"
    shutil.copyfile(demo_world / "fauxhire.db", db)
    store = SqlStore.open(f"sqlite:///{db}", sealer=pii_sealer)
    try:
        yield store
    finally:
        store.close()


SPARK_REQUIRED_ENV = "FAUXHIRE_REQUIRE_SPARK"
# The tests' Spark runs are many short jobs on small data, where the JVM's optimising
# compiler and parallel collector cost more CPU than they save: with the quick compiler only
# and the serial collector, the Spark test files took a fifth less CPU (209 against 261
# busy CPU-seconds, 2026-12-07), on a machine whose cores the other workers need. Results
# are the same; a deployment's own PYSPARK_SUBMIT_ARGS is left as it is.
os.environ.setdefault(
    "PYSPARK_SUBMIT_ARGS",
    "--driver-java-options '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' pyspark-shell",
)
# One xdist scope for the tests that start Spark, wherever they are: each worker that runs
# one starts a JVM with a 4 GB heap, and on a 2-core machine two of them, each using every
# core, took `make test` past CI's 25 minutes. One worker runs them all, on one JVM.
SPARK_SCOPE = "spark"
SPARK_FILES = (
    "tests/conformance/",
    "tests/integration/test_validation_world.py",
)


def _spark_missing() -> str | None:
    """Why the Spark engine's tests cannot run here, or None."""
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (make setup installs the spark extra)"
    if shutil.which("java") is None:
        return "no java on the PATH (make test installs a JDK where it may)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``spark`` run where PySpark and a JDK are; where they are not, they are
    skipped and say why, unless FAUXHIRE_REQUIRE_SPARK is set (CI), when the run fails."""
    spark = [item for item in items if "spark" in item.keywords]
    missing = _spark_missing() if spark else None
    if missing is None:
        return
    if os.environ.get(SPARK_REQUIRED_ENV):
        raise pytest.UsageError(f"{SPARK_REQUIRED_ENV} is set but {missing}")
    for item in spark:
        item.add_marker(pytest.mark.skip(reason=missing))


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile`` (make test's), except that the files that start Spark are one
    scope; any other distribution as xdist makes it."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SparkTogether(LoadFileScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(SPARK_FILES):
                return SPARK_SCOPE
            return str(super()._split_scope(nodeid))

    return SparkTogether(config, log)
