"""The composition root: `open_app` opens the store the settings name (--db over
FAUXHIRE_DB over the project file over the default) with the parts every use case is given;
a read-only app never creates or migrates a store; a store that cannot be opened is one clear
error that says where its name came from."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fauxhire.bootstrap import App, configure, open_app
from fauxhire.errors import ConfigError, RuleError
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import ReportRequest
from fauxhire_lab.world.feeds import COMMUNITY_KEY

FIXED = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder and no FAUXHIRE_ setting but those a test gives."""
    for name in ("DB", "COMMUNITY_KEY", "RULESET", "CHUNK_SIZE", "LOG_LEVEL", "MAX_YAML_NODES"):
        monkeypatch.delenv(f"FAUXHIRE_{name}", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, put back as it was: `open_app` with a handler configures it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:], root.level = handlers, level


def _refusal(db: str | None = None, *, read_only: bool = False) -> str:
    """The message of the ConfigError that opening the app raises."""
    with pytest.raises(ConfigError) as raised, open_app(db, read_only=read_only):
        pass
    return raised.value.message


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]


def test_open_app_creates_and_migrates_a_new_store_and_gives_every_part(here: Path) -> None:
    url = f"sqlite:///{here / 'new.db'}"
    with open_app(url, clock=lambda: FIXED) as app:
        assert isinstance(app, App)
        assert app.settings.db == url
        assert app.store.count("applications") == 0
        assert app.now() == FIXED
        assert app.linker == Linker("embedded")
        assert app.community_key is None
        assert app.load_ruleset().source == "builtin:default.yaml"
    assert "applications" in _tables(here / "new.db")


def test_the_clock_is_utc_by_default(here: Path) -> None:
    with open_app(f"sqlite:///{here / 'new.db'}") as app:
        assert app.now().tzinfo is UTC


def test_read_only_never_creates_a_store(here: Path) -> None:
    missing = here / "missing.db"
    refusal = _refusal(f"sqlite:///{missing}", read_only=True)
    assert re.fullmatch(r"no store at .*missing\.db: .* \(named by --db\)", refusal)
    assert not missing.exists()


def test_read_only_never_migrates_a_store(here: Path) -> None:
    empty = here / "empty.db"
    empty.touch()  # SQLite takes an empty file for a new database
    assert "holds no fauxhire store (no schema)" in _refusal(f"sqlite:///{empty}", read_only=True)
    assert empty.stat().st_size == 0
    with open_app(f"sqlite:///{empty}"):  # to write: migrated
        pass
    assert "applications" in _tables(empty)


def test_a_read_only_app_reads_a_store_as_it_is(here: Path) -> None:
    url = f"sqlite:///{here / 'store.db'}"
    with open_app(url):
        pass
    before = (here / "store.db").read_bytes()
    with open_app(url, read_only=True) as app:
        assert app.store.count("applications") == 0
    assert (here / "store.db").read_bytes() == before


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("nonsense://nowhere", r"^unsupported database 'nonsense': .* \(named by --db\)$"),
        ("store", r"neither a database URL .* \(named by --db\)$"),
        ("sqlite:///no/such/folder/x.db", r"the folder no/such/folder does not exist \(named"),
    ],
)
def test_a_bad_db_is_one_clear_error_naming_the_option(db: str, message: str) -> None:
    assert re.search(message, _refusal(db))


def test_the_error_says_where_the_store_was_named(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "(the default store; name another with --db" in _refusal(read_only=True)
    (here / "fauxhire.toml").write_text('db = "named.db"\n', encoding="utf-8")
    assert _refusal(read_only=True).endswith(f"(named by {here / 'fauxhire.toml'})")
    monkeypatch.setenv("FAUXHIRE_DB", f"sqlite:///{here / 'env.db'}")
    assert _refusal(read_only=True).endswith(
        "env.db: a command that only reads never creates "
        "one (`fauxhire run DIR` or `fauxhire ingest` does) (named by FAUXHIRE_DB)"
    )


def test_db_given_wins_over_the_environment_and_the_project_file(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (here / "fauxhire.toml").write_text('db = "file.db"\nchunk_size = 7\n', encoding="utf-8")
    monkeypatch.setenv("FAUXHIRE_DB", f"sqlite:///{here / 'env.db'}")
    assert configure().settings.db == f"sqlite:///{here / 'env.db'}"
    config = configure(f"sqlite:///{here / 'given.db'}")
    assert config.settings.db == f"sqlite:///{here / 'given.db'}"
    assert config.ingest.chunk_size == 7  # the rest of the project file still applies


def test_the_community_key_comes_from_the_settings_as_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a share keyring, the one key the assessment matches with, and the one an
    export hashes with under its id."""
    monkeypatch.setenv("FAUXHIRE_COMMUNITY_KEY", COMMUNITY_KEY.decode())
    config = configure()
    assert config.community_key == (COMMUNITY_KEY,)
    assert config.plan().community_key == (COMMUNITY_KEY,)
    assert config.share_key() == (COMMUNITY_KEY, "community-key-v1")


def test_the_plan_carries_the_settings(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAUXHIRE_CHUNK_SIZE", "123")
    monkeypatch.setenv("FAUXHIRE_REPORT_TECH", '["52"]')
    plan = configure().plan(here / "report")
    assert plan.ingest.chunk_size == 123
    assert plan.ingest.limits is not None
    assert plan.report is not None
    assert plan.report == ReportRequest(here / "report", ("52",), None)
    assert configure().plan().report is None


def test_a_private_ruleset_is_bounded_before_it_is_read(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = here / "private.yaml"
    ten = ", ".join("*a" for _ in range(10))
    private.write_text(f"a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [{ten}]\n", encoding="utf-8")
    monkeypatch.setenv("FAUXHIRE_MAX_YAML_NODES", "100")
    monkeypatch.setenv("FAUXHIRE_RULESET", str(private))
    config = configure()
    with pytest.raises(RuleError, match="more than 100 nodes"):
        config.load_ruleset()
    with pytest.raises(RuleError, match="more than 100 nodes"):
        config.check_ruleset(private)


def test_an_unknown_linking_engine_is_refused() -> None:
    with pytest.raises(
        ConfigError, match="unknown linking engine 'nonesuch': the engines are embedded"
    ):
        Linker("nonesuch")


def test_logging_goes_to_the_handler_given_at_the_settings_level(
    root_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAUXHIRE_LOG_LEVEL", "info")
    handler = logging.NullHandler()
    configure(log_handler=handler)
    assert root_logger.handlers == [handler]
    assert root_logger.level == logging.INFO
