"""The review queue's reads (``ports.review``) held to one behaviour in memory, on SQLite and
on PostgreSQL (``test_store_port.py``'s ``port`` fixture)."""

from __future__ import annotations

from datetime import timedelta

from test_store_port import Port
from test_store_port import port as port  # the store under test, as a fixture of this module

from fauxhire.domain import Company, Provenance
from fauxhire.ports import AssessmentRow, AuditEvent
from fauxhire.ports.review import QueueFilter, QueueRow
from fauxhire.services.review_queue import FLAGGED
from fauxhire.store import SqlStore
from fauxhire.store.dispositions import Disposition, add_disposition
from fauxhire.store.schema import join_key
from support.members_world import EVIDENCE, NOW, store_world

ALL = ("unlikely", *FLAGGED)
# acme and umbrella make software (sector 51), globex and initech sell (44-45).
NAICS = {"acme": "511210", "globex": "445110", "initech": "452000", "umbrella": "511210"}


def _world(port: Port) -> None:
    """members_world's identities (i-1 very likely, i-2 likely, i-3 very likely, i-4
    unlikely, all in net-7), with i-3 then i-2 assessed again later, and the companies."""
    store_world(port)
    port.write_records(
        [
            Company(c, c.title(), None, "US", naics, (), Provenance("companies", "c.csv", c))
            for c, naics in NAICS.items()
        ],
        now=NOW,
    )
    for hours, (who, level) in enumerate((("i-3", "very likely"), ("i-2", "likely")), 1):
        evidence = [{**EVIDENCE[0], "indicator": "anonymiser-egress", "weight": 2.0}]
        row = AssessmentRow("identity", who, "net-7", 0.9, level, evidence)
        port.upsert_assessments([row], now=NOW + timedelta(hours=hours))


def _ids(rows: list[QueueRow]) -> list[str]:
    return [row.identity_id for row in rows]


def test_by_level_then_the_latest_assessed_then_id(port: Port) -> None:
    _world(port)
    rows = port.review_queue(QueueFilter(ALL), limit=10, offset=0)
    assert _ids(rows) == ["i-3", "i-1", "i-2", "i-4"]  # i-3 after i-1 in time, then likely
    first = rows[0]
    assert (first.level, first.network_id, first.applications) == ("very likely", "net-7", 1)
    assert first.assessed_at == NOW + timedelta(hours=1)
    assert first.indicators == ("anonymiser-egress",)
    assert rows[1].indicators == ("shared-payout-account",) and rows[1].applications == 3
    assert _ids(port.review_queue(QueueFilter(ALL), limit=2, offset=1)) == ["i-1", "i-2"]
    assert _ids(port.review_queue(QueueFilter(ALL), limit=2, offset=4)) == []
    assert _ids(port.review_queue(QueueFilter(FLAGGED), limit=10, offset=0)) == [
        "i-3", "i-1", "i-2"
    ]  # fmt: skip
    assert all(row.disposition is None for row in rows)


def test_each_filter_narrows_the_queue(port: Port) -> None:
    _world(port)

    def ids(**given: str) -> list[str]:
        return _ids(port.review_queue(QueueFilter(ALL, **given), limit=10, offset=0))

    assert ids(member="acme") == ["i-1"]
    assert ids(member="umbrella") == ["i-3", "i-4"]
    assert ids(member="nobody") == []
    assert ids(sector="44-45") == ["i-1", "i-2"]  # globex and initech
    assert ids(sector="51", member="globex") == ["i-1"]  # at globex, and at acme (51)
    assert ids(sector="51", member="initech") == ["i-1"]
    assert ids(sector="44-45", member="umbrella") == []
    assert ids(indicator="anonymiser-egress") == ["i-3", "i-2"]
    assert ids(indicator="shared-payout-account") == ["i-1"]
    assert ids(indicator="shared-payout") == []  # a whole indicator id, not a part
    assert ids(indicator="shared_payout-account") == []  # "_" is a character, not a wildcard
    assert ids(indicator="%") == []
    assert ids(network="net-7") == ["i-3", "i-1", "i-2", "i-4"]
    assert ids(network="net-8") == []
    assert ids(disposition="none") == ["i-3", "i-1", "i-2", "i-4"]


def test_the_disposition_that_decides_filters_and_is_shown(port: Port) -> None:
    _world(port)
    if not isinstance(port, SqlStore):  # the memory store holds no disposition (memory_queue)
        assert port.review_queue(QueueFilter(ALL, disposition="cleared"), limit=9, offset=0) == []
        return
    for at, finding in ((NOW, "confirmed"), (NOW + timedelta(minutes=1), "cleared")):
        held = (join_key(("globex", "app-glx-40")),)
        add_disposition(port, Disposition(finding, "i-2", held, "ana", "checked", at))

    def ids(disposition: str) -> list[str]:
        found = QueueFilter(ALL, disposition=disposition)
        return _ids(port.review_queue(found, limit=10, offset=0))

    assert ids("cleared") == ["i-2"]  # the later decides
    assert ids("confirmed") == []
    assert ids("none") == ["i-3", "i-1", "i-4"]
    (row,) = port.review_queue(QueueFilter(("likely",)), limit=10, offset=0)
    assert row.disposition == "cleared"


def test_the_latest_act_of_one_actor_on_each_subject(port: Port) -> None:
    acts = ((0, "ana", "identity:i-1"), (5, "ana", "identity:i-1"), (9, "bo", "identity:i-2"),
            (7, "ana", "identity:i-2"))  # fmt: skip
    for minutes, actor, subject in acts:
        at = NOW + timedelta(minutes=minutes)
        port.append_audit(AuditEvent(actor, "identity:read", subject, "review", at))
    port.append_audit(AuditEvent("ana", "dispose:cleared", "identity:i-3", "x", NOW))
    found = port.latest_acts(
        "ana", "identity:read", ["identity:i-1", "identity:i-2", "identity:i-3"]
    )
    assert found == {
        "identity:i-1": NOW + timedelta(minutes=5),
        "identity:i-2": NOW + timedelta(minutes=7),
    }
    assert port.latest_acts("ana", "identity:read", []) == {}


def test_identities_assessed_together_go_the_highest_id_first(port: Port) -> None:
    store_world(port)  # one assessment of all four, at one time
    assert _ids(port.review_queue(QueueFilter(ALL), limit=9, offset=0)) == [
        "i-3", "i-1", "i-2", "i-4"
    ]  # fmt: skip
    assert _ids(port.review_queue(QueueFilter(("very likely",)), limit=9, offset=0)) == [
        "i-3", "i-1"
    ]  # fmt: skip
