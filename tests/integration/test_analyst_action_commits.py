"""The analyst's actions (services/analyst_actions.py) on SQLite and PostgreSQL: a judgement
or disposition and its audit event are stored together or not at all, and only the hub's
analyst acts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from fauxhire.errors import NotFound, PermissionDenied, StoreError
from fauxhire.ports import Link
from fauxhire.services import analyst_actions, dispositions, judge
from fauxhire.services.analyst_actions import Acting
from fauxhire.services.keys import Principal
from fauxhire.store import SqlStore
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
ANALYST = Principal("fk_analyst01", "analyst", None, ())


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(db_url)
    opened.write_records(
        [replace(application(app_id), company_id="acme") for app_id in ("a-1", "a-2")], now=NOW
    )
    opened.replace_links(
        [Link("acme", "a-1", "i-1", None), Link("acme", "a-2", "i-1", None)], now=NOW
    )
    yield opened
    opened.close()


def test_a_judgement_and_its_event_are_stored_together(store: SqlStore) -> None:
    acting = Acting(ANALYST, "req-1", NOW)
    analyst_actions.judge_pair(store, "apart", "acme/a-1", "acme/a-2", "two people", acting)
    [stored] = judge.list_judgements(store)
    assert (stored.kind, stored.analyst) == ("apart", "fk_analyst01")
    [event] = store.audit_events("application:acme/a-1")
    assert (event.action, event.actor, event.request_id) == ("judge:apart", "fk_analyst01", "req-1")

    with pytest.raises(NotFound):
        analyst_actions.judge_pair(store, "together", "acme/a-1", "acme/a-9", "x", acting)
    assert len(judge.list_judgements(store)) == 1
    assert len(store.audit_events()) == 1


def test_without_its_audit_event_nothing_is_stored(store: SqlStore) -> None:
    acting = Acting(ANALYST, None, NOW)
    with store.transaction("break the trail") as conn:
        conn.execute(text("DROP TABLE audit_events"))
    with pytest.raises(StoreError, match="append_audit"):
        analyst_actions.judge_pair(store, "together", "acme/a-1", "acme/a-2", "one", acting)
    with pytest.raises(StoreError, match="append_audit"):
        analyst_actions.dispose(store, "i-1", "cleared", "checked", acting)
    assert judge.list_judgements(store) == []
    assert dispositions.list_dispositions(store) == []


def test_only_the_hubs_analyst_acts() -> None:
    for role in ("admin", "member_analyst", "recruiter", "partner"):
        with pytest.raises(PermissionDenied):
            Acting(Principal("fk_x", role, None, ()), None, NOW)
