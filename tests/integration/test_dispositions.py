"""Analyst dispositions through `fauxhire disposition`, on a generated demo world, on SQLite
and PostgreSQL: a disposition is stored and listed, follows the identity's applications when
linking re-runs and ids change, the latest decides an identity whose applications carry
dispositions that disagree (and the list shows the conflict), and what cannot be disposed is
refused with nothing stored."""

from __future__ import annotations

import getpass
import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from fauxhire import cli
from fauxhire.cli import app
from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.services import judge
from fauxhire.services.dispositions import dispose, list_dispositions
from fauxhire.services.link import link_store
from fauxhire.store import SqlStore, Store
from fauxhire.store.dispositions import current_dispositions, read_dispositions

runner = CliRunner()
T1 = datetime(2025, 6, 2, 9, tzinfo=UTC)  # before the clock of any run of this test
T2 = T1 + timedelta(hours=1)


@pytest.fixture
def world(demo_world: Path) -> Path:
    """The session's small linked world (one operator network); each test disposes a copy."""
    return demo_world


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, world: Path, tmp_path: Path) -> str:
    """The world linked on SQLite (a copy of the demo's store), or run into PostgreSQL."""
    if request.param == "sqlite":
        copy = tmp_path / "disposed.db"
        shutil.copyfile(world / "fauxhire.db", copy)
        return f"sqlite:///{copy}"
    pg = str(request.getfixturevalue("pg_url"))
    result = runner.invoke(app, ["run", str(world / "input"), "--db", pg])
    assert result.exit_code == 0, result.output
    return pg


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A console wide enough that the list's cells are not folded mid-word."""
    monkeypatch.setattr(cli.out, "width", 250)


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = SqlStore.open(url)
    yield opened
    opened.close()


def _members(store: Store) -> dict[str, list[str]]:
    """Identity id -> its application keys, sorted."""
    members: dict[str, list[str]] = defaultdict(list)
    rows = store.rows(text("SELECT app_key, identity_id FROM links ORDER BY app_key"))
    for row in rows:
        members[row["identity_id"]].append(row["app_key"])
    return members


def _identity_of(store: Store, app_key: str) -> str:
    return {k: i for i, keys in _members(store).items() for k in keys}[app_key]


def _cli(url: str, *args: str) -> str:
    result = runner.invoke(app, ["disposition", *args, "--db", url])
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())  # lines wrap where the console says


def test_a_disposition_is_stored_and_listed(url: str, store: Store) -> None:
    members = _members(store)
    several = next(i for i, keys in members.items() if len(keys) >= 3)
    alone = next(i for i, keys in members.items() if len(keys) == 1)
    printed = _cli(
        url, "confirm", several, "--reason", "payout [account] of net-1", "--analyst", "ana"
    )
    assert "confirmed by ana" in printed and f"(on {several}): payout [account] of net-1" in printed
    assert f"held by the {len(members[several])} applications of {several}" in printed
    assert "fauxhire assess" in printed
    _cli(url, "clear", alone, "--reason", "a verified contractor")

    current = current_dispositions(store)
    assert current.schema == pl.Schema(
        {
            "identity_id": pl.String,
            "disposition": pl.String,
            "analyst": pl.String,
            "reason": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
        }
    )
    assert current.drop("created_at").sort("identity_id").rows() == sorted(
        [
            (several, "confirmed", "ana", "payout [account] of net-1"),
            (alone, "cleared", getpass.getuser(), "a verified contractor"),  # the OS user
        ]
    )
    stored = read_dispositions(store)
    assert [d.app_keys for d in stored] == [tuple(members[several]), tuple(members[alone])]
    assert [d.subject_id for d in stored] == [several, alone]

    listed = _cli(url, "list")
    assert "dispositions on 2 identities, 0 in conflict" in listed
    assert "payout [account] of net-1" in listed and "a verified contractor" in listed


def test_a_disposition_follows_its_applications_when_ids_change(store: Store) -> None:
    members = _members(store)
    disposed = next(i for i, keys in members.items() if len(keys) >= 3)
    keys = members[disposed]
    dispose(store, disposed, "confirmed", analyst="ana", reason="shared payout", now=T1)
    # Every identity gets a new id (as a rebuilt store or another run's numbering would give);
    # linking keeps the new ids, and the disposition is found on whichever one holds the keys.
    with store.transaction("rename") as conn:
        conn.execute(text("UPDATE links SET identity_id = identity_id || '-renamed'"))
    link_store(store, now=T2)
    now_id = _identity_of(store, keys[0])
    assert now_id != disposed
    assert current_dispositions(store).drop("created_at").rows() == [
        (now_id, "confirmed", "ana", "shared payout")
    ]
    # An application split off into an identity of its own (a new id, from a real run) is one
    # of the applications that carried it: its identity carries it too.
    judge.split(store, judge.app_ref(keys[0]), analyst="ana", reason="another person", now=T2)
    link_store(store, now=T2)
    split_id, rest_id = _identity_of(store, keys[0]), _identity_of(store, keys[1])
    assert split_id not in (now_id, rest_id)
    current = current_dispositions(store)
    assert sorted(current.get_column("identity_id")) == sorted([split_id, rest_id])
    assert set(current.get_column("disposition")) == {"confirmed"}


def test_the_latest_decides_a_conflict_and_the_list_shows_it(url: str, store: Store) -> None:
    alone = [i for i, keys in _members(store).items() if len(keys) == 1]
    a, b = alone[0], alone[-1]
    key_a, key_b = _members(store)[a][0], _members(store)[b][0]
    # Stored first but given later: the time given decides, not the order stored.
    dispose(store, b, "confirmed", analyst="bob", reason="same laptop farm", now=T2)
    dispose(store, a, "cleared", analyst="ana", reason="a verified contractor", now=T1)
    # An analyst says the two are one person: the merged identity carries both.
    judge.confirm(
        store, judge.app_ref(key_a), judge.app_ref(key_b), analyst="c", reason="x", now=T2
    )
    link_store(store, now=T2)
    merged = _identity_of(store, key_a)
    assert merged == _identity_of(store, key_b)
    assert {a, b} - {merged}  # one of the two ids is gone
    assert current_dispositions(store).drop("created_at").rows() == [
        (merged, "confirmed", "bob", "same laptop farm")
    ]
    (standing,) = list_dispositions(store)
    assert standing.identity_id == merged and standing.carried == 2
    assert [(o.disposition, o.analyst, o.subject_id) for o in standing.overruled] == [
        ("cleared", "ana", a)
    ]
    listed = _cli(url, "list")
    assert "dispositions on 1 identities, 1 in conflict" in listed
    assert f"overrules cleared by ana 2025-06-02 09:00 UTC (on {a})" in listed
    # A new disposition on the merged identity says which it overrules, and then decides.
    printed = _cli(url, "clear", merged, "--reason", "both verified", "--analyst", "dee")
    assert "it overrules confirmed by bob 2025-06-02 10:00 UTC" in printed
    assert current_dispositions(store).get_column("disposition").to_list() == ["cleared"]


def test_what_cannot_be_disposed_is_refused_and_nothing_is_stored(url: str, store: Store) -> None:
    identity = next(iter(_members(store)))
    said = {"analyst": "ana", "reason": "because", "now": T1}
    with pytest.raises(NotFound, match="no identity 'i-999999'"):
        dispose(store, "i-999999", "confirmed", **said)
    with pytest.raises(JudgementRefused, match="unknown disposition 'fraud'"):
        dispose(store, identity, "fraud", **said)
    with pytest.raises(JudgementRefused, match="needs a reason"):
        dispose(store, identity, "cleared", analyst="ana", reason="  ", now=T1)
    with pytest.raises(JudgementRefused, match="needs its analyst"):
        dispose(store, identity, "cleared", analyst="", reason="because", now=T1)
    cli = runner.invoke(app, ["disposition", "confirm", "i-999999", "--reason", "x", "--db", url])
    assert cli.exit_code != 0
    assert isinstance(cli.exception, NotFound)
    assert read_dispositions(store) == []
    assert current_dispositions(store).is_empty()
    assert "dispositions on 0 identities" in _cli(url, "list")
