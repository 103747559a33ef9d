"""`fauxhire keys create|list|revoke` run as a user runs them, on a new store (SQLite, and
PostgreSQL when configured): the token is printed once, on stdout alone, and authenticates;
the list shows every key and no secret; a revoked key's token is refused; a grant that makes
no sense is refused with one clear line and stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import Result
from typer.testing import CliRunner

from fauxhire import cli
from fauxhire.bootstrap import utc_now
from fauxhire.cli import app
from fauxhire.errors import AuthenticationError, ConfigError, NotFound
from fauxhire.services.keys import authenticate
from fauxhire.store import SqlStore

runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new store; and a console wide enough that no cell of the list is folded."""
    monkeypatch.setattr(cli.out, "width", 250)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/keys.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(url)
    yield opened
    opened.close()


def _keys(url: str, *args: str) -> Result:
    return runner.invoke(app, ["keys", *args, "--db", url])


def _create(url: str, *args: str) -> str:
    result = _keys(url, "create", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_created_token_is_shown_once_and_authenticates(url: str, store: SqlStore) -> None:
    result = _keys(url, "create", "--name", "acme ats", "--role", "recruiter", "--member", "acme",
                   "--scope", "screen", "--expires-days", "30", "--by", "ana")  # fmt: skip
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token  # stdout holds the token alone: `TOKEN=$(fauxhire keys create ...)`
    assert "never again" in result.stderr and token not in result.stderr
    principal = authenticate(store, token, utc_now())
    assert (principal.role, principal.member, principal.scopes) == (
        "recruiter",
        "acme",
        ("screen",),
    )
    [key] = store.api_keys()
    assert key.expires_at is not None
    assert timedelta(days=29) < key.expires_at - key.created_at <= timedelta(days=30)
    assert [(e.actor, e.action) for e in store.audit_events()] == [("ana", "key:create")]


def test_the_list_shows_every_key_and_no_secret(url: str, store: SqlStore) -> None:
    tokens = [
        _create(url, "--name", "hub desk", "--role", "analyst"),
        _create(url, "--name", "globex soc", "--role", "member_analyst", "--member", "globex"),
    ]
    listed = _keys(url, "list")
    assert listed.exit_code == 0, listed.output
    for token, key in zip(tokens, store.api_keys(), strict=True):
        assert key.key_id in listed.stdout
        assert token.partition(".")[2] not in listed.stdout
        assert key.secret_hash not in listed.stdout
    assert "hub desk" in listed.stdout and "globex soc" in listed.stdout
    assert "member_analyst" in listed.stdout and listed.stdout.count("active") == 2


def test_a_revoked_key_is_refused_and_listed_revoked(url: str, store: SqlStore) -> None:
    token = _create(url, "--name", "old laptop", "--role", "admin")
    key_id = token.partition(".")[0]
    revoked = _keys(url, "revoke", key_id, "--reason", "laptop lost", "--by", "bo")
    assert revoked.exit_code == 0, revoked.output
    assert f"revoked API key {key_id}" in revoked.stdout
    with pytest.raises(AuthenticationError):
        authenticate(store, token, utc_now())
    assert "revoked" in _keys(url, "list").stdout
    [*_, event] = store.audit_events()
    assert (event.actor, event.action, event.subject, event.purpose) == (
        "bo", "key:revoke", f"key:{key_id}", "laptop lost"
    )  # fmt: skip


@pytest.mark.parametrize(
    "grant",
    [
        ["--role", "owner"],
        ["--role", "recruiter"],  # a member role without its member
        ["--role", "analyst", "--member", "acme"],  # a hub role with one
    ],
)
def test_a_grant_that_makes_no_sense_stores_nothing(
    url: str, store: SqlStore, grant: list[str]
) -> None:
    result = _keys(url, "create", "--name", "x", *grant)
    assert isinstance(result.exception, ConfigError)  # main() prints it as one line, exit 1
    assert result.stdout == ""
    assert store.api_keys() == [] and store.audit_events() == []


def test_revoking_an_unknown_key_fails_clearly(url: str) -> None:
    result = _keys(url, "revoke", "fk_000000000000")
    assert isinstance(result.exception, NotFound)  # main() prints it as one line, exit 1
    assert "fk_000000000000" in str(result.exception)


def test_a_lifetime_of_zero_days_is_refused(url: str, store: SqlStore) -> None:
    result = _keys(url, "create", "--name", "x", "--role", "admin", "--expires-days", "0")
    assert result.exit_code == 2  # the option's own bound, before any store is opened
    assert store.api_keys() == []
