"""`fauxhire audit verify` on a real store (SQLite, and PostgreSQL when configured): a trail
written by the real commands verifies; one event edited or deleted with raw SQL, or the start
cut off, is named and the command fails. And migration 0009 chains the events written before
it, so one check covers them too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from click.testing import Result
from sqlalchemy import Executable, delete, insert, update
from typer.testing import CliRunner

from fauxhire import cli
from fauxhire.cli import app
from fauxhire.ports import AuditEvent
from fauxhire.store import SqlStore, schema
from fauxhire.store.database import make_engine, migrate

runner = CliRunner()
EVENTS = schema.audit_events
AT = datetime(2026, 12, 1, 8, 0, 0, 250000, tzinfo=UTC)


@pytest.fixture
def url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new store (conftest's: SQLite, then PostgreSQL); and a console that folds no line."""
    monkeypatch.setattr(cli.out, "width", 250)
    return db_url


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    """A store whose trail holds five events: two keys created and one revoked with the real
    command line, and two reads of an identity appended as the services append them."""
    opened = SqlStore.open(url)
    for role in ("admin", "analyst"):
        made = runner.invoke(app, ["keys", "create", "--name", role, "--role", role, "--db", url])
        assert made.exit_code == 0, made.output
    key_id = made.stdout.strip().partition(".")[0]
    revoked = runner.invoke(app, ["keys", "revoke", key_id, "--db", url])
    assert revoked.exit_code == 0, revoked.output
    for purpose in ("case 12", "case 13"):
        opened.append_audit(AuditEvent("ana", "identity-summary", "identity:i-1", purpose, AT))
    yield opened
    opened.close()


def _verify(url: str) -> Result:
    return runner.invoke(app, ["audit", "verify", "--db", url])


def _problems(result: Result) -> list[tuple[str, int]]:
    """(kind, the event named first) for each problem line verify printed."""
    found = re.findall(r"^(edited|gap|start): .*?event (\d+)", result.stdout, re.MULTILINE)
    return [(kind, int(event_id)) for kind, event_id in found]


def test_an_intact_trail_verifies(url: str, store: SqlStore) -> None:
    result = _verify(url)
    assert result.exit_code == 0, result.output
    last = store.audit_trail()[-1].hash
    assert result.stdout.splitlines() == ["OK: 5 events, the chain holds", f"last hash {last}"]


def _edit(event_id: int, **values: str) -> Executable:
    return update(EVENTS).where(EVENTS.c.event_id == event_id).values(**values)


def _delete(event_id: int) -> Executable:
    return delete(EVENTS).where(EVENTS.c.event_id == event_id)


@pytest.mark.parametrize(
    ("tampering", "caught"),
    [
        pytest.param([_edit(4, purpose="no reason")], [("edited", 4)], id="edited"),
        pytest.param([_delete(3)], [("gap", 4)], id="deleted"),
        pytest.param(
            [_edit(2, actor="mallory"), _delete(4)], [("edited", 2), ("gap", 5)], id="both"
        ),
        pytest.param([_delete(1)], [("start", 2)], id="first-deleted"),
    ],
)
def test_tampering_with_raw_sql_is_caught(
    url: str, store: SqlStore, tampering: list[Executable], caught: list[tuple[str, int]]
) -> None:
    with store.engine.begin() as conn:
        for statement in tampering:
            conn.execute(statement)
    result = _verify(url)
    assert result.exit_code == 1
    assert _problems(result) == caught
    assert f"{len(caught)} problems in " in result.stderr


def test_the_migration_chains_the_events_written_before_it(empty_db_url: str) -> None:
    url = empty_db_url
    engine = make_engine(url)
    try:
        migrate(engine, "0008")  # the trail as it was: no hashes
        old = [("ana", "identity-summary", f"identity:i-{i}", "triage", AT) for i in range(3)]
        columns = ("actor", "action", "subject", "purpose", "at")
        with engine.begin() as conn:
            conn.execute(insert(EVENTS), [dict(zip(columns, row, strict=True)) for row in old])
    finally:
        engine.dispose()
    store = SqlStore.open(url)  # migrates to the head
    try:
        store.append_audit(AuditEvent("bo", "key:create", "key:fk_x", "role admin", AT))
        trail = store.audit_trail()
        assert [entry.event for entry in trail[:3]] == [AuditEvent(*row) for row in old]
        assert [entry.event.records for entry in trail] == [()] * 4  # the default, read back
    finally:
        store.close()
    result = _verify(url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 4 events")
