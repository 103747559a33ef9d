"""`fauxhire members add|list|set` run as a user runs them, on a new store (SQLite, and
PostgreSQL when configured): a member added anonymous, named later, listed; each change one
audit event and the chain verifies; re-running changes nothing; bad input refused with one
clear line naming the field, storing nothing."""

from __future__ import annotations

import pytest
from click.testing import Result
from typer.testing import CliRunner

from fauxhire import cli
from fauxhire.cli import app
from fauxhire.errors import ConfigError, FauxhireError
from fauxhire.ports.hub import Member
from fauxhire.store import SqlStore

runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cli.out, "width", 250)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/members.db"
    return str(request.getfixturevalue("pg_url"))


def _members(url: str, *args: str) -> Result:
    return runner.invoke(app, ["members", *args, "--by", "ana", "--db", url])


def _held(url: str) -> tuple[list[Member], list[str]]:
    store = SqlStore.open(url)
    try:
        return store.members(), [e.action for e in store.audit_events()]
    finally:
        store.close()


def test_a_member_added_named_later_and_listed(url: str) -> None:
    added = _members(url, "add", "acme", "--name", "Acme Inc")
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == "added member acme (Acme Inc, anonymous)"
    again = _members(url, "add", "acme", "--name", "Acme Inc")
    assert again.exit_code == 0 and again.stdout.startswith("unchanged: member acme")
    named = _members(url, "set", "acme", "--named")
    assert named.stdout.strip() == "changed member acme (Acme Inc, named)"
    listed = runner.invoke(app, ["members", "list", "--db", url])
    assert listed.exit_code == 0, listed.output
    assert "1 members" in listed.stdout and "Acme Inc" in listed.stdout
    assert "named" in listed.stdout and "anonymous" not in listed.stdout
    members, actions = _held(url)
    assert [(m.member_id, m.name, m.named) for m in members] == [("acme", "Acme Inc", True)]
    assert actions == ["member:add", "member:update"]
    verified = runner.invoke(app, ["audit", "verify", "--db", url])
    assert verified.exit_code == 0 and verified.stdout.startswith("OK: 2 events")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("add", "ac/me", "--name", "Acme"), "member id"),
        (("add", "acme", "--name", "  "), "name"),
        (("set", "globex", "--named"), "no member 'globex'"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_stores_nothing(
    url: str, args: tuple[str, ...], field: str
) -> None:
    refused = _members(url, *args)
    # main() prints an error of our tree as one line and exits 1; the runner keeps the error.
    assert isinstance(refused.exception, FauxhireError) and field in str(refused.exception)
    assert _held(url) == ([], [])


def test_add_refuses_a_member_held_with_other_values(url: str) -> None:
    _members(url, "add", "acme", "--name", "Acme Inc")
    refused = _members(url, "add", "acme", "--name", "Acme Holdings", "--named")
    assert isinstance(refused.exception, ConfigError)
    assert refused.exception.detail == {"field": "member_id"}
    members, actions = _held(url)
    assert [m.name for m in members] == ["Acme Inc"] and actions == ["member:add"]
