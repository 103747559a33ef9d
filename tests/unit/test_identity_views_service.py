"""services/identity_views.py over the store port, on memory and on SQLite: who may read, what
a member is told of applications elsewhere (counts and a span of calendar months), and that a
refused read is not audited. The HTTP route is tested on a real server
(tests/integration/test_identity_views.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fauxhire.errors import NotFound, PermissionDenied
from fauxhire.ports import Link
from fauxhire.services.assess import load_ruleset
from fauxhire.services.identity_views import HubView, MemberView, identity_view
from fauxhire.services.keys import Principal
from fauxhire.services.screen_words import indicator_titles
from fauxhire.store import SqlStore
from fauxhire.store.memory import MemoryStore
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
# i-1: acme in December 2024, then beta and gamma in 2025 (a year boundary to count across).
# i-2: one application at acme, not assessed.
APPLIED = [
    ("acme", "a-1", "i-1", datetime(2024, 12, 30, tzinfo=UTC)),
    ("beta", "b-1", "i-1", datetime(2024, 11, 2, tzinfo=UTC)),
    ("gamma", "g-1", "i-1", datetime(2025, 2, 1, tzinfo=UTC)),
    ("gamma", "g-2", "i-1", datetime(2025, 2, 3, tzinfo=UTC)),
    ("acme", "a-2", "i-2", datetime(2025, 1, 5, tzinfo=UTC)),
]

TITLES = indicator_titles(load_ruleset())  # the shipped ruleset's plain words


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MemoryStore | SqlStore]:
    opened = (
        MemoryStore() if request.param == "memory" else SqlStore.open(f"sqlite:///{tmp_path}/s.db")
    )
    opened.write_records(
        [replace(application(a), company_id=c, applied_at=at) for c, a, _, at in APPLIED], now=NOW
    )
    opened.replace_links([Link(c, a, i, None) for c, a, i, _ in APPLIED], now=NOW)
    yield opened
    if isinstance(opened, SqlStore):
        opened.close()


def _read(
    store: MemoryStore | SqlStore, identity: str, role: str, member: str | None = None
) -> HubView | MemberView:
    caller = Principal(f"fk_{role[:12]}", role, member, ())
    return identity_view(
        store, identity, caller, purpose=None, request_id="r-1", now=NOW, titles=TITLES
    )


def test_a_member_is_told_how_many_companies_and_months_elsewhere(
    store: MemoryStore | SqlStore,
) -> None:
    view = _read(store, "i-1", "recruiter", "acme")
    assert isinstance(view, MemberView)
    assert [a["application_id"] for a in view.applications] == ["a-1"]
    # beta in November 2024 to gamma in February 2025: four calendar months, three records.
    assert (view.elsewhere.companies, view.elsewhere.applications) == (2, 3)
    assert view.elsewhere.months == 4
    alone = _read(store, "i-2", "member_analyst", "acme")
    assert isinstance(alone, MemberView)
    assert (alone.elsewhere.companies, alone.elsewhere.months) == (0, None)
    assert (alone.verdict.level, alone.verdict.evidence) == (None, [])  # not assessed yet
    hub = _read(store, "i-1", "analyst")
    assert isinstance(hub, HubView)
    assert [a["company_id"] for a in hub.applications] == ["beta", "acme", "gamma", "gamma"]
    events = store.audit_events("identity:i-1")
    assert [(e.role, e.member, len(e.records)) for e in events] == [
        ("recruiter", "acme", 1), ("analyst", None, 4)
    ]  # fmt: skip


def test_refused_reads_are_neither_answered_nor_audited(store: MemoryStore | SqlStore) -> None:
    for role in ("admin", "partner"):
        with pytest.raises(PermissionDenied):
            _read(store, "i-1", role)
    with pytest.raises(NotFound):
        _read(store, "i-1", "member_analyst", "delta")  # never applied at delta
    with pytest.raises(NotFound):
        _read(store, "i-404", "analyst")
    assert store.audit_events() == []
