"""Analyst judgements through `fauxhire judge`, on a generated demo world: a split record or
identity stays split, a confirmed pair stays together, a judgement given twice is kept once,
and what cannot be judged is refused with the error that says why."""

from __future__ import annotations

import getpass
import shutil
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.services import judge
from fauxhire.services.link import link_store
from fauxhire.store import SqlStore, Store
from fauxhire.store.frames import read_frame
from fauxhire.store.judgements import read_judgements

runner = CliRunner()
NOW = datetime(2026, 11, 24, tzinfo=UTC)
Placed = dict[str, tuple[str, str | None]]  # company_id/application_id -> identity, network


@pytest.fixture
def world(demo_world: Path) -> Path:
    """The session's small linked world (one operator network); each test judges a copy."""
    return demo_world / "fauxhire.db"


@pytest.fixture
def url(world: Path, tmp_path: Path) -> str:
    copy = tmp_path / "judged.db"
    shutil.copyfile(world, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    opened = SqlStore.open(url)
    yield opened
    opened.close()


def _placed(store: Store) -> Placed:
    refs = read_frame(store, "applications").select("rec", "key")
    links = read_frame(store, "links").join(refs, on="rec")
    return {
        judge.app_ref(key): (identity, network)
        for key, identity, network in links.select("key", "identity_id", "network_id").iter_rows()
    }


def _members(placed: Placed) -> dict[str, list[str]]:
    """Identity id -> its applications, sorted."""
    members: dict[str, list[str]] = defaultdict(list)
    for ref, (identity, _) in sorted(placed.items()):
        members[identity].append(ref)
    return members


def _judge(url: str, *args: str) -> str:
    result = runner.invoke(app, ["judge", *args, "--db", url])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_split_application_leaves_its_identity_and_later_runs_keep_it_out(
    url: str, store: Store
) -> None:
    before = _placed(store)
    members = next(m for m in _members(before).values() if len(m) >= 3)
    split_off, rest = members[0], members[1:]
    printed = _judge(url, "split", split_off, "--reason", "another person on the call")
    assert f"{split_off}: identity {before[split_off][0]} -> " in printed
    for _ in range(2):  # the judged run, then a later run of its own
        after = _placed(store)
        assert after[split_off][0] not in {after[ref][0] for ref in rest}
        link_store(store, now=NOW)


def _a_networked_identity(store: Store) -> tuple[str, str, str, list[str]]:
    """A network, its first identity, one application of it, and one of each other."""
    before = _placed(store)
    members = _members(before)
    network = next(net for _, net in before.values() if net is not None)
    in_network = sorted({identity for identity, net in before.values() if net == network})
    identity = in_network[0]
    others = [members[i][0] for i in in_network[1:]]
    return network, identity, members[identity][0], others


def test_a_split_identity_leaves_its_network_and_later_runs_keep_it_out(
    url: str, store: Store
) -> None:
    network, identity, own, others = _a_networked_identity(store)
    printed = _judge(url, "split-network", identity, "--reason", "a known contractor")
    assert f"network {network} -> " in printed
    for _ in range(2):
        after = _placed(store)
        moved = after[own]
        assert moved[0] == identity  # its applications did not change: it keeps its id
        assert moved[1] != network
        assert moved[1] is None or moved[1] not in {after[ref][1] for ref in others}
        link_store(store, now=NOW)


def test_a_split_from_a_network_holds_when_the_identities_ids_change(
    url: str, store: Store
) -> None:
    _, identity, own, others = _a_networked_identity(store)
    _judge(url, "split-network", identity, "--reason", "a known contractor", "--no-link")
    # Every identity gets a new id (as a merge or a rebuilt store would give): the judgement
    # names applications, so the next run still keeps the identity out of the network.
    with store.transaction("rename") as conn:
        conn.execute(text("UPDATE links SET identity_id = identity_id || '-renamed'"))
    link_store(store, now=NOW)
    after = _placed(store)
    moved = after[own]
    assert moved[1] is None or moved[1] not in {after[ref][1] for ref in others}


def test_a_confirmed_pair_shares_an_identity_after_linking(url: str, store: Store) -> None:
    before = _placed(store)
    alone = [m[0] for m in _members(before).values() if len(m) == 1]
    a, b = alone[0], alone[-1]
    assert before[a][0] != before[b][0]
    printed = _judge(url, "confirm", a, b, "--reason", "same voice on both calls")
    assert "1 new" in printed
    for _ in range(2):
        after = _placed(store)
        assert after[a][0] == after[b][0]
        link_store(store, now=NOW)
    # The model never linked them: the link that holds them is the analyst's word.
    shown = runner.invoke(app, ["show", "identity", after[a][0], "--db", url])
    assert shown.exit_code == 0, shown.output
    assert "judged together by an analyst" in shown.output


def test_a_pair_kept_apart_is_in_two_identities_after_linking(store: Store) -> None:
    """The API's ``apart``: one pair, not the whole identity as ``split`` does."""
    members = next(m for m in _members(_placed(store)).values() if len(m) >= 3)
    a, b = members[0], members[-1]
    said = {"analyst": "ana", "reason": "two people", "now": NOW}
    decision = judge.keep_apart(store, b, a, **said)
    assert [(j.kind, judge.app_ref(j.a), judge.app_ref(j.b)) for j in decision.judgements] == [
        ("apart", *sorted((a, b)))
    ]  # fmt: skip
    for _ in range(2):
        link_store(store, now=NOW)
        after = _placed(store)
        assert after[a][0] != after[b][0]


def test_the_same_judgement_twice_is_stored_once(store: Store) -> None:
    placed = _placed(store)
    members = next(m for m in _members(placed).values() if len(m) >= 3)
    said = {"analyst": "ana", "reason": "same voice", "now": NOW}
    assert judge.confirm(store, members[0], members[1], **said).added == 1
    # The other way round is the same judgement; so is the same split before a re-link.
    assert judge.confirm(store, members[1], members[0], **said).added == 0
    first = judge.split(store, members[2], **said)
    assert first.added == len(members) - 1 == len(first.judgements)
    assert judge.split(store, members[2], **said).added == 0
    assert len(read_judgements(store)) == 1 + len(members) - 1


def test_what_cannot_be_judged_is_refused_and_nothing_is_stored(url: str, store: Store) -> None:
    placed = _placed(store)
    members = _members(placed)
    alone = next(m[0] for m in members.values() if len(m) == 1)
    unnetworked = next(i for i, net in placed.values() if net is None)
    said = {"analyst": "ana", "reason": "because", "now": NOW}
    with pytest.raises(NotFound, match="no application 'c-nope/1'"):
        judge.confirm(store, alone, "c-nope/1", **said)
    with pytest.raises(NotFound, match="no identity 'i-999999'"):
        judge.split_network(store, "i-999999", **said)
    with pytest.raises(JudgementRefused, match="same application"):
        judge.confirm(store, alone, alone, **said)
    with pytest.raises(JudgementRefused, match="already alone"):
        judge.split(store, alone, **said)
    with pytest.raises(JudgementRefused, match="in no network"):
        judge.split_network(store, unnetworked, **said)
    other = next(ref for ref in placed if ref != alone)
    with pytest.raises(JudgementRefused, match="needs a reason"):
        judge.confirm(store, alone, other, analyst="ana", reason="  ", now=NOW)
    cli = runner.invoke(app, ["judge", "split", "c-nope/1", "--reason", "x", "--db", url])
    assert cli.exit_code != 0
    assert isinstance(cli.exception, NotFound)
    assert read_judgements(store) == []


def test_list_shows_who_judged_and_why(url: str, store: Store) -> None:
    alone = [m[0] for m in _members(_placed(store)).values() if len(m) == 1]
    _judge(url, "confirm", alone[0], alone[1], "--reason", "one voice", "--analyst", "ana")
    printed = _judge(url, "confirm", alone[2], alone[3], "--reason", "one face", "--no-link")
    assert "not linked" in printed
    # Without --analyst, the OS user is recorded.
    assert [j.analyst for j in read_judgements(store)] == ["ana", getpass.getuser()]
    listed = _judge(url, "list")
    assert "2 judgements" in listed
    assert "ana" in listed and "one voice" in listed and "one face" in listed
    assert listed.count("together") == 2
