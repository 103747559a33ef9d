"""services/cross_member.py over the store port, on memory and on SQLite (with the join of the
reports, which only the SQL store holds): what one member is told of an identity from the
others, named only where a member opted in, and never another member's id or applicant data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from fauxhire.ports.hub import Member
from fauxhire.services.cross_member import (
    CrossMemberSummary,
    ReportsElsewhere,
    SharedInfrastructure,
    cross_member_summary,
)
from fauxhire.services.joins import resolve_joins
from fauxhire.store import SqlStore
from fauxhire.store.memory import MemoryStore
from support.members_world import APPLIED, NOW, PAYOUT, SHIPPING, store_world

Store = MemoryStore | SqlStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        opened: Store = MemoryStore()
        store_world(opened)
        yield opened
        return
    sql = SqlStore.open(f"sqlite:///{tmp_path}/s.db")
    store_world(sql)
    resolve_joins(sql)
    yield sql
    sql.close()


def _reports(store: Store, **sql: object) -> object:
    """What the reports part is on SQL; on memory, which joins no report, none."""
    if isinstance(store, SqlStore):
        return ReportsElsewhere(**sql)  # type: ignore[arg-type]
    return ReportsElsewhere(count=0, dispositions={}, named_reporters=[])


def test_a_member_is_told_facts_from_the_other_members_in_counts(store: Store) -> None:
    summary = cross_member_summary(store, "i-1", "acme", now=NOW)
    assert (summary.companies, summary.applications, summary.months) == (2, 2, 3)  # Mar-May
    assert summary.last_applied_days_ago == 42  # 20 May to 1 July
    assert summary.named_companies == []
    assert summary.reports == _reports(
        store, count=2, dispositions={"confirmed_fraud": 1, "suspected": 1}, named_reporters=[]
    )  # acme's own report is not "elsewhere"
    assert summary.shared_with_flagged == [
        SharedInfrastructure("email", 1),
        SharedInfrastructure("payout_account", 1),
        SharedInfrastructure("shipping_address", 1),
    ]
    assert summary.facts[0] == "applied at 2 other member companies in 3 months"
    assert "shares a payout account with 1 flagged identity" in summary.facts
    if isinstance(store, SqlStore):
        assert "2 employer reports elsewhere (1 confirmed fraud, 1 suspected)" in summary.facts


def test_only_members_that_opted_in_are_named(store: Store) -> None:
    store.save_member(Member("globex", "Globex Corp", True, NOW, NOW))
    store.save_member(Member("initech", "Initech", False, NOW, NOW))
    summary = cross_member_summary(store, "i-1", "acme", now=NOW)
    assert summary.named_companies == ["Globex Corp"]
    if isinstance(store, SqlStore):
        assert summary.reports.named_reporters == ["Globex Corp"]
    assert "Initech" not in repr(summary)


def test_no_other_members_id_or_applicant_data_in_a_summary(store: Store) -> None:
    store.save_member(Member("initech", "Initech", False, NOW, NOW))
    said = repr(asdict(cross_member_summary(store, "i-1", "acme", now=NOW)))
    others = [row for row in APPLIED if row[0] != "acme"]
    secrets = {PAYOUT, *SHIPPING, "i-2", "i-3", "i-4", "Initech"}
    for company, app_id, candidate, _, _, email, phone in others:
        secrets |= {company, app_id, candidate, email} | ({phone} if phone else set())
    assert [s for s in secrets if s in said] == []


def test_a_member_sees_the_others_from_its_own_side(store: Store) -> None:
    summary = cross_member_summary(store, "i-1", "globex", now=NOW)
    assert (summary.companies, summary.applications, summary.months) == (2, 2, 5)  # Jan-May
    assert summary.reports == _reports(
        store, count=2, dispositions={"suspected": 2}, named_reporters=[]
    )


def test_an_identity_at_one_member_only_has_nothing_elsewhere_but_what_it_shares(
    store: Store,
) -> None:
    # i-4 applied at umbrella only; it shares a phone number with i-1, "very likely".
    summary = cross_member_summary(store, "i-4", "umbrella", now=NOW)
    assert summary == CrossMemberSummary(
        companies=0, applications=0, months=None, last_applied_days_ago=None,
        named_companies=[], reports=ReportsElsewhere(0, {}, []),
        shared_with_flagged=[SharedInfrastructure("phone", 1)],
        facts=["shares a phone number with 1 flagged identity"],
    )  # fmt: skip
