"""Erasure and retention reach the ATS webhooks' rows (store/erasure_webhooks.py), on a
generated input folder run through the whole pipeline, on SQLite and on PostgreSQL. Two
applicants' new applications are delivered as Ashby would send them (services/webhooks.py,
through a real screen queue), each leaving a delivery and a pending write-back to a fake of
Ashby's API (a real HTTP server on loopback). After one of them is erased: no row of either
table holds their application, candidate id, identity or level; draining the outbox sends
the other's write-back only; a replay of the erased one's delivery is acknowledged as a
duplicate and stores nothing; the other's rows are as they were. Retention blanks and deletes
them alike. (The signed deliveries and the erasure over HTTP: test_erasure_screens_api.py.)"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from test_erasure import _aware
from test_erasure_screens import canonical_rows, erased_and_unrelated, filled
from test_webhooks import API_KEY, ashby_event

from fauxhire.domain.erasure import parse_selector
from fauxhire.ingest.base import IngestContext
from fauxhire.ports.hub import Delivery, OutboxItem, WebhookTarget
from fauxhire.services.assess import load_ruleset
from fauxhire.services.erasure import Actor, erase_applicant
from fauxhire.services.retention import RetentionPolicy, apply_retention
from fauxhire.services.screen import Screener
from fauxhire.services.screen_queue import ScreenQueue
from fauxhire.services.webhooks import Received, SignedDelivery, receive
from fauxhire.services.writeback import drain_outbox
from fauxhire.store import SqlStore
from fauxhire.store import schema as s
from fauxhire.store.schema import join_key
from support.clock import Ticks
from support.fake_ats import FakeAts, fake_ats

KEY = b"webhook erasure test key"
ACTOR = Actor("dpo@hub")
WEBHOOK_TABLES = ("webhook_deliveries", "webhook_outbox")


@dataclass
class Delivered:
    """One applicant's delivery: what was sent, and what the store kept of it."""

    row: dict[str, Any]  # the canonical application the delivery is a new one of
    candidate_ref: str  # the vendor's candidate id
    body: bytes
    received: Received

    @property
    def member(self) -> str:
        return str(self.row["company_id"])

    @property
    def app_key(self) -> str:
        return join_key((self.member, f"ab-{self.row['application_id']}"))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class Hooked:
    store: SqlStore
    clock: Ticks
    screens: ScreenQueue
    fake: FakeAts
    gone: Delivered  # the applicant to be erased
    other: Delivered  # an unrelated applicant


@pytest.fixture
def hooked(db_url: str, tmp_path: Path) -> Iterator[Hooked]:
    folder = tmp_path / "input"
    with filled(db_url, folder, KEY) as (store, clock):
        gone, other = erased_and_unrelated(canonical_rows(folder))
        screens = ScreenQueue(store, Screener(ruleset=load_ruleset(), erasure_key=KEY), clock)
        screens.start()
        try:
            with fake_ats(API_KEY) as fake:
                for member in {gone["company_id"], other["company_id"]}:
                    target = WebhookTarget(
                        member, "ashby", fake.base, API_KEY, None, None, None, clock(), "ana"
                    )
                    store.set_webhook_target(target)
                first, second = (_deliver(store, screens, clock, row) for row in (gone, other))
                yield Hooked(store, clock, screens, fake, first, second)
        finally:
            screens.stop()


def _deliver(store: SqlStore, screens: ScreenQueue, clock: Ticks, row: dict[str, Any]) -> Delivered:
    candidate_ref, event = ashby_event(row)
    body = json.dumps(event).encode()
    received = _receive(store, screens, clock, row["company_id"], body)
    assert received.status == "screened" and received.write_back == "queued", received
    return Delivered(row, candidate_ref, body, received)


def _receive(
    store: SqlStore, screens: ScreenQueue, clock: Ticks, member: str, body: bytes
) -> Received:
    context = IngestContext(company_countries=store.company_countries())
    delivery = SignedDelivery("ashby", member, body, None)
    return receive(store, delivery, screens, context=context, now=clock())


def _kept(store: SqlStore, one: Delivered) -> tuple[Delivery | None, list[OutboxItem]]:
    """The delivery's row, and the write-backs of its member."""
    found = store.webhook_delivery(one.member, "ashby", one.digest)
    return found, [item for item in store.outbox() if item.member == one.member]


def _identity(store: SqlStore, app_key: str) -> str:
    with store.transaction("test") as conn:
        query = select(s.links.c.identity_id).where(s.links.c.app_key == app_key)
        return str(conn.execute(query).scalar_one())


def _needles(store: SqlStore, one: Delivered) -> dict[str, str]:
    """What no webhook row may hold once the applicant is erased."""
    delivered, [item] = _rows_of(store, one)
    assert delivered is not None and delivered.application_key == one.app_key
    assert item.candidate_ref == one.candidate_ref
    identity = _identity(store, one.app_key)
    assert delivered.identity_id == identity == item.identity_id
    return {"application": one.app_key, "candidate": one.candidate_ref, "identity": identity}


def _webhook_cells(store: SqlStore) -> set[Any]:
    """Every value of every row of the two tables."""
    with store.transaction("test") as conn:
        return {
            cell
            for name in WEBHOOK_TABLES
            for row in conn.execute(select(s.metadata.tables[name]))
            for cell in row
        }


def test_an_erasure_blanks_the_deliveries_and_drops_the_write_backs(hooked: Hooked) -> None:
    store, gone, other = hooked.store, hooked.gone, hooked.other
    needles = _needles(store, gone)
    assert set(needles.values()) <= _webhook_cells(store)
    others = _rows_of(store, other)
    assert others[0] is not None and others[0].identity_id != needles["identity"]
    applications = store.count("applications")

    erased = erase_applicant(
        store, parse_selector("email", gone.row["emails"][:1]), actor=ACTOR,
        purpose="request 41", key=KEY, now=hooked.clock(), confirm=True,
    )  # fmt: skip
    assert erased.counts["webhook_deliveries"] == 1 and erased.counts["webhook_outbox"] == 1
    erase_event = store.audit_events()[-1]
    assert "count:webhook_outbox=1" in erase_event.records

    assert not set(needles.values()) & _webhook_cells(store), needles
    delivered, items = _kept(store, gone)
    assert delivered is not None and delivered.refused == "erased_applicant"
    assert (delivered.application_key, delivered.identity_id, delivered.level) == (None, None, None)
    assert [i.application_key for i in items] == [other.app_key] * (gone.member == other.member)
    assert _rows_of(store, other) == others  # untouched

    drained = drain_outbox(store, now=hooked.clock())
    assert (drained.sent, drained.failed) == (1, 0)
    sent = hooked.fake.wait_for(1)
    assert {r.body["candidateId"] for r in sent} == {other.candidate_ref}
    assert len(hooked.fake.wait_for(len(sent) + 1, timeout=1)) == len(sent)

    replay = _receive(store, hooked.screens, hooked.clock, gone.member, gone.body)
    assert (replay.status, replay.refused) == ("duplicate", "erased_applicant")
    assert (replay.application_id, replay.level, replay.write_back) == (None, None, None)
    assert store.count("applications") == applications - erased.counts["applications"]
    assert [i.application_key for i in store.outbox()] == [other.app_key]
    assert [e.action for e in store.audit_events()].count("screen") == 2  # the two deliveries'


def test_retention_blanks_the_deliveries_of_what_it_deletes(hooked: Hooked) -> None:
    store, both = hooked.store, (hooked.gone, hooked.other)
    now = hooked.clock()
    with store.transaction("test") as conn:
        newest = conn.execute(select(func.max(s.applications.c.applied_at))).scalar_one()
    policy = RetentionPolicy((now - _aware(newest)).days + 1)  # all expire but held fraud
    before = {one.app_key: _rows_of(store, one) for one in both}

    dry = apply_retention(store, policy, actor=ACTOR, now=now, dry_run=True)
    assert {one.app_key: _rows_of(store, one) for one in both} == before
    done = apply_retention(store, policy, actor=ACTOR, now=now, dry_run=False)
    assert done.counts == dry.counts

    expired = 0
    for one in both:
        delivered, queued = _rows_of(store, one)
        assert delivered is not None
        if store.count("applications", s.applications.c.key == one.app_key):
            assert (delivered, queued) == before[one.app_key]  # held as confirmed fraud
            continue
        expired += 1
        assert (delivered.application_key, delivered.identity_id, delivered.level) == (
            None, None, None
        )  # fmt: skip
        assert delivered.refused == "expired" and queued == []
        replay = _receive(store, hooked.screens, hooked.clock, one.member, one.body)
        assert (replay.status, replay.refused, replay.application_id) == (
            "duplicate", "expired", None
        )  # fmt: skip
    assert expired >= 1
    assert done.counts["webhook_deliveries"] == done.counts["webhook_outbox"] == expired


def _rows_of(store: SqlStore, one: Delivered) -> tuple[Delivery | None, list[OutboxItem]]:
    """The delivery's row, and the write-backs of its application."""
    found, items = _kept(store, one)
    return found, [item for item in items if item.application_key == one.app_key]
