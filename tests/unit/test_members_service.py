"""services/members.py over the store port, on memory and on SQLite: a member added, changed
and listed; each change one audit event in the same unit of work; a change that changes
nothing writes nothing; bad input refused with the field named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fauxhire.errors import ConfigError, FauxhireError, NotFound
from fauxhire.ports.hub import Member
from fauxhire.services.members import Changer, list_members, put_member
from fauxhire.store import SqlStore
from fauxhire.store.memory import MemoryStore

T1 = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=1)
Store = MemoryStore | SqlStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    opened = SqlStore.open(f"sqlite:///{tmp_path}/s.db")
    yield opened
    opened.close()


def test_a_member_added_anonymous_then_named_each_change_audited(store: Store) -> None:
    added = put_member(store, "acme", name=" Acme Inc ", by=Changer("ana", T1), exists=False)
    assert added.created and added.changed
    assert added.member == Member("acme", "Acme Inc", False, T1, T1)
    api = Changer("fk_admin", T2, role="admin", request_id="r-9")
    named = put_member(store, "acme", named=True, by=api)
    assert (named.created, named.changed) == (False, True)
    assert named.member == Member("acme", "Acme Inc", True, T1, T2)
    assert list_members(store) == [named.member]
    events = store.audit_events("member:acme")
    assert [(e.actor, e.action, e.purpose, e.role, e.request_id) for e in events] == [
        ("ana", "member:add", "anonymous", None, None),
        ("fk_admin", "member:update", "named", "admin", "r-9"),
    ]


def test_setting_what_is_stored_changes_and_records_nothing(store: Store) -> None:
    put_member(store, "acme", name="Acme Inc", by=Changer("ana", T1), exists=False)
    again = put_member(store, "acme", name="Acme Inc", by=Changer("ana", T2), exists=False)
    same = put_member(store, "acme", named=False, by=Changer("ana", T2), exists=True)
    assert not again.changed and not same.changed
    assert store.member("acme") == Member("acme", "Acme Inc", False, T1, T1)
    assert len(store.audit_events("member:acme")) == 1


def test_add_refuses_a_member_held_with_other_values_and_set_an_unknown_one(store: Store) -> None:
    put_member(store, "acme", name="Acme Inc", by=Changer("ana", T1), exists=False)
    with pytest.raises(ConfigError) as held:
        put_member(store, "acme", name="Acme", by=Changer("ana", T2), exists=False)
    assert held.value.detail == {"field": "member_id"}
    with pytest.raises(NotFound):
        put_member(store, "globex", named=True, by=Changer("ana", T2), exists=True)
    assert [m.member_id for m in list_members(store)] == ["acme"]
    assert len(store.audit_events()) == 1  # the refusals wrote nothing


@pytest.mark.parametrize(
    ("member_id", "name", "field"),
    [
        ("", "Acme", "member_id"),
        ("ac/me", "Acme", "member_id"),
        (" acme", "Acme", "member_id"),
        ("x" * 201, "Acme", "member_id"),
        ("acme", "   ", "name"),
        ("acme", "n" * 201, "name"),
        ("acme", None, "name"),  # a new member needs a name
    ],
)
def test_bad_input_is_refused_naming_the_field(
    store: Store, member_id: str, name: str | None, field: str
) -> None:
    with pytest.raises(FauxhireError) as refused:
        put_member(store, member_id, name=name, by=Changer("ana", T1))
    assert refused.value.detail["field"] == field
    assert list_members(store) == [] and store.audit_events() == []
