"""The members registry and the cross-member reads (``ports.Members``,
``ports.CrossMemberReads``) held to one behaviour in memory, on SQLite and on PostgreSQL, as
``test_store_port.py`` holds the rest of the port (its ``port`` fixture)."""

from __future__ import annotations

from datetime import timedelta

from test_store_port import Port
from test_store_port import port as port  # the store under test, as a fixture of this module

from fauxhire.ports.hub import FiledReport, Member, SharedHolder
from fauxhire.services.cross_member import FLAGGED_LEVELS
from fauxhire.services.joins import resolve_joins
from fauxhire.store import SqlStore
from support.members_world import NOW, store_world

LATER = NOW + timedelta(days=1)


def test_members_saved_replaced_and_listed_by_id(port: Port) -> None:
    assert port.members() == [] and port.member("acme") is None
    globex = Member("globex", "Globex Corp", True, NOW, NOW)
    acme = Member("acme", "Acme Inc", False, NOW, NOW)
    port.save_member(globex)
    port.save_member(acme)
    assert port.members() == [acme, globex]
    renamed = acme._replace(name="Acme Holdings", named=True, updated_at=LATER)
    port.save_member(renamed)
    assert port.members() == [renamed, globex]
    assert port.member("acme") == renamed
    assert isinstance(port.member("acme").named, bool)  # type: ignore[union-attr]


def test_only_members_that_opted_in_are_named(port: Port) -> None:
    port.save_member(Member("acme", "Acme Inc", False, NOW, NOW))
    port.save_member(Member("globex", "Globex Corp", True, NOW, NOW))
    assert port.members_named(["acme", "globex", "initech"]) == {"globex": "Globex Corp"}
    assert port.members_named(["acme"]) == {}
    assert port.members_named([]) == {}


def test_identities_flagged_at_the_levels_asked_sharing_infrastructure(port: Port) -> None:
    store_world(port)
    assert port.shared_with_flagged("i-1", FLAGGED_LEVELS) == [
        SharedHolder("email", "i-2"),
        SharedHolder("payout_account", "i-3"),
        SharedHolder("shipping_address", "i-3"),
    ]  # i-4 shares a phone but is "unlikely"; i-1 itself is never its own sharer
    assert port.shared_with_flagged("i-1", ["unlikely"]) == [SharedHolder("phone", "i-4")]
    assert port.shared_with_flagged("i-3", FLAGGED_LEVELS) == [
        SharedHolder("payout_account", "i-1"),
        SharedHolder("shipping_address", "i-1"),
    ]
    assert port.shared_with_flagged("i-404", FLAGGED_LEVELS) == []


def test_reports_matched_to_an_identity_each_once(port: Port) -> None:
    store_world(port)
    if not isinstance(port, SqlStore):
        # The memory store has no join stage (store/memory.py): no report reaches an
        # application there, so none is about any identity.
        assert port.reports_about("i-1") == []
        return
    resolve_joins(port)
    found = port.reports_about("i-1")
    assert sorted(found) == found and len({r.report_key for r in found}) == len(found)
    assert sorted((r.reporting_company_id, r.disposition) for r in found) == [
        ("acme", "suspected"), ("globex", "confirmed_fraud"), ("initech", "suspected")
    ]  # fmt: skip
    assert all(isinstance(r, FiledReport) for r in found)
    assert port.reports_about("i-2") == []
