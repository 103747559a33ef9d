"""The recipe "a new HTTP-style use case is one service function over the port", done once:
``services/lookup.py`` (``identity_summary``), run here on the in-memory store and on SQLite
without a change, with the audit event it appends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fauxhire.errors import NotFound
from fauxhire.ports import AuditEvent, Edge, Link
from fauxhire.services.lookup import identity_summary
from fauxhire.store import SqlStore
from fauxhire.store.memory import MemoryStore
from fauxhire.store.outputs import AssessmentRow
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MemoryStore | SqlStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    opened = SqlStore.open(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()


def _outcomes(store: MemoryStore | SqlStore) -> None:
    """A linked and assessed store, as the link and assess stages leave it."""
    store.write_records([application(f"a-{n}") for n in (1, 2, 3)], now=NOW)
    with store.unit_of_work():
        store.replace_links(
            [
                Link("c-1", "a-1", "i-1", "net-1"),
                Link("c-1", "a-2", "i-1", "net-1"),
                Link("c-1", "a-3", "i-2", None),
            ],
            now=NOW,
        )
        store.replace_edges("identity", [Edge("identity", "k1", "k2", "i-1", 9.5, 0.99, [])])
    store.replace_assessments(
        [AssessmentRow("identity", "i-1", "net-1", 0.93, "very likely", [])], now=NOW
    )


def test_one_identity_in_brief_with_its_read_audited(store: MemoryStore | SqlStore) -> None:
    _outcomes(store)
    summary = identity_summary(store, "i-1", actor="ana", purpose="case 12", now=NOW)
    assert summary.applications == [("c-1", "a-1"), ("c-1", "a-2")]
    assert (summary.network_id, summary.level, summary.links) == ("net-1", "very likely", 1)
    assert summary.probability == pytest.approx(0.93)
    unassessed = identity_summary(store, "i-2", actor="bo", purpose="triage", now=NOW)
    assert (unassessed.level, unassessed.network_id, unassessed.links) == (None, None, 0)
    assert store.audit_events() == [
        AuditEvent("ana", "identity-summary", "identity:i-1", "case 12", NOW),
        AuditEvent("bo", "identity-summary", "identity:i-2", "triage", NOW),
    ]


def test_an_unknown_identity_is_not_found_and_not_audited(store: MemoryStore | SqlStore) -> None:
    _outcomes(store)
    with pytest.raises(NotFound):
        identity_summary(store, "i-404", actor="ana", purpose="case 12", now=NOW)
    assert store.audit_events() == []
