"""`fauxhire keys pii init|rotate|status` as a user runs them, and which keyring a store opens
with: beside a SQLite store unless one is named, created on the first write; a PostgreSQL store
refused without one; a named keyring that is missing refused with the command that makes it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import create_engine, inspect
from typer.testing import CliRunner

from fauxhire import cli
from fauxhire.bootstrap import open_app
from fauxhire.cli import app
from fauxhire.errors import ConfigError, NotFound
from fauxhire.store.database import normalise_url
from support.records import application  # tests/ is on sys.path (its conftest.py)

runner = CliRunner()
KEYRING_ENV = "FAUXHIRE_PII_KEYRING"


def _pii(url: str, *args: str) -> Result:
    return runner.invoke(app, ["keys", "pii", *args, "--db", url])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cli.out, "width", 200)
    if request.param == "sqlite":
        monkeypatch.delenv(KEYRING_ENV)  # the default: beside the store
        return f"sqlite:///{tmp_path}/store.db"
    monkeypatch.setenv(KEYRING_ENV, str(tmp_path / "pg-keyring.json"))
    return str(request.getfixturevalue("pg_url"))


def test_init_rotate_status(url: str, tmp_path: Path) -> None:
    made = _pii(url, "init")
    assert made.exit_code == 0, made.output
    keyring = next(tmp_path.glob("*keyring.json"))
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600  # its owner's alone
    assert "back it up apart" in made.stderr and "secret" not in keyring.name
    again = _pii(url, "init")
    assert isinstance(again.exception, ConfigError)  # main() prints it as one line, exit 1
    assert "exists" in str(again.exception)  # never overwritten
    with open_app(url) as opened:
        opened.store.write_records([application("a-1"), application("a-2")], now=opened.now())
    rotated = _pii(url, "rotate", "--by", "ana")
    assert rotated.exit_code == 0, rotated.output
    assert "key k2 is the active key" in rotated.stderr
    assert "sealed 2 stored values" in rotated.stdout
    status = _pii(url, "status")
    assert status.exit_code == 0, status.output
    line = next(row for row in status.stdout.splitlines() if "applicant_values.display" in row)
    assert [cell.strip() for cell in line.split("│")[2:5]] == ["0", "2", "0"]  # k1, k2, plain
    assert '"secret"' in keyring.read_text() and "secret" not in status.output
    with open_app(url, read_only=True) as opened:
        events = [(e.actor, e.action) for e in opened.store.audit_events()]
    assert events == [("ana", "pii:rotate"), ("ana", "pii:reseal")]
    resumed = _pii(url, "rotate", "--resume")
    assert resumed.exit_code == 0 and "sealed 0 stored values" in resumed.stdout


def test_a_new_sqlite_store_makes_its_keyring_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEYRING_ENV)
    url = f"sqlite:///{tmp_path}/new.db"
    with open_app(url) as opened:
        assert opened.store.sealer is not None
    assert (tmp_path / "new.db.pii-keyring.json").is_file()


def test_a_postgresql_store_without_a_keyring_is_refused_untouched(
    pg_empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEYRING_ENV)
    with pytest.raises(ConfigError, match=f"set {KEYRING_ENV}"), open_app(pg_empty_url):
        pass
    engine = create_engine(normalise_url(pg_empty_url))
    try:
        assert inspect(engine).get_table_names() == []  # not even migrated
    finally:
        engine.dispose()


def test_a_named_keyring_that_is_missing_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.json"
    monkeypatch.setenv(KEYRING_ENV, str(missing))
    store = f"sqlite:///{tmp_path}/s.db"
    with pytest.raises(ConfigError, match="fauxhire keys pii init") as raised, open_app(store):
        pass
    assert raised.value.detail == {"path": str(missing)}


def test_show_contacts_decrypts_and_audits_the_read(url: str) -> None:
    assert _pii(url, "init").exit_code == 0
    with open_app(url) as opened:
        email = "Alex.E@Example.com"
        given = [application("a-1", email=email, phone="+1 512 555 0101")]
        opened.store.write_records(given, now=opened.now())
    linked = runner.invoke(app, ["link", "--db", url])
    assert linked.exit_code == 0, linked.output
    with open_app(url, read_only=True) as opened:
        (identity,) = [link.identity_id for link in opened.store.links()]
    shown = runner.invoke(app, ["show", "contacts", identity, "--by", "ana", "--db", url])
    assert shown.exit_code == 0, shown.output
    assert "Alex.E@Example.com" in shown.stdout and "+1 512 555 0101" in shown.stdout
    with open_app(url, read_only=True) as opened:
        (event,) = opened.store.audit_events()
    assert (event.actor, event.action, event.subject) == (
        "ana",
        "contacts:read",
        f"identity:{identity}",
    )
    unknown = runner.invoke(app, ["show", "contacts", "i-none", "--db", url])
    assert isinstance(unknown.exception, NotFound)
