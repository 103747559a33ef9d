"""The webhooks' rows (ports.Webhooks) on a SQLite file and on PostgreSQL (skipped without
FAUXHIRE_TEST_PG_URL, failed without it when FAUXHIRE_REQUIRE_PG is set): secrets expired by
rotation, write-back settings replaced, a delivery and an application's write-back recorded
once, an outbox item claimed by one sender at a time. The webhooks are served by the SQL store
only (`fauxhire serve` opens it), so the memory store does not implement this port."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_store_port import _opened  # the store of a kind, as the port's contract opens it

from fauxhire.ports.hub import Delivery, OutboxItem, WebhookSecret, WebhookTarget
from fauxhire.store import SqlStore

T1 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
T2 = T1 + timedelta(hours=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    for opened in _opened(request.param, tmp_path, request):
        assert isinstance(opened, SqlStore)
        yield opened


def _secret(secret_id: str, member: str = "acme", vendor: str = "greenhouse") -> WebhookSecret:
    return WebhookSecret(secret_id, member, vendor, f"s-{secret_id}", T1, "ana", None)


def _item(key: str, member: str = "acme") -> OutboxItem:
    return OutboxItem(
        0, member, "ashby", key, "cand-1", "i-1", "likely", "pending", 0, None, T1, None
    )


def test_rotation_expires_the_current_secrets_only(store: SqlStore) -> None:
    store.add_webhook_secret(_secret("whs_a"))
    store.add_webhook_secret(_secret("whs_b", vendor="ashby"))
    store.add_webhook_secret(_secret("whs_c", member="globex"))
    assert store.expire_webhook_secrets("acme", "greenhouse", at=T2) == 1
    store.add_webhook_secret(_secret("whs_d"))
    assert store.expire_webhook_secrets("acme", "greenhouse", at=T2) == 1  # d only: a is expired
    held = {s.secret_id: s.expires_at for s in store.webhook_secrets("acme")}
    assert held == {"whs_a": T2, "whs_b": None, "whs_d": T2}
    assert [s.secret_id for s in store.webhook_secrets("globex")] == ["whs_c"]


def test_removal_deletes_the_member_vendor_secrets_and_target(store: SqlStore) -> None:
    store.add_webhook_secret(_secret("whs_a"))
    store.add_webhook_secret(_secret("whs_b", vendor="ashby"))
    target = WebhookTarget(
        "acme", "greenhouse", "https://h.example", "k1", "7", None, None, T1, "ana"
    )
    store.set_webhook_target(target)
    assert store.remove_webhook("acme", "greenhouse") == 2
    assert [s.secret_id for s in store.webhook_secrets()] == ["whs_b"]
    assert store.webhook_target("acme", "greenhouse") is None
    assert store.remove_webhook("acme", "greenhouse") == 0


def test_a_target_is_replaced_whole(store: SqlStore) -> None:
    first = WebhookTarget("acme", "ashby", "https://a.example", "k1", None, "t-1", None, T1, "ana")
    store.set_webhook_target(first)
    second = first._replace(
        api_key="k2", tag_id=None, link_base="https://hub.example", updated_at=T2
    )
    store.set_webhook_target(second)
    assert store.webhook_target("acme", "ashby") == second
    assert store.webhook_target("acme", "greenhouse") is None


def test_a_delivery_is_recorded_once_as_first_given(store: SqlStore) -> None:
    first = Delivery("acme", "ashby", "a" * 64, None, "applicationSubmit", "k", "i-1", "likely", T1)
    assert store.add_webhook_delivery(first)
    assert not store.add_webhook_delivery(first._replace(level="unlikely", received_at=T2))
    assert store.webhook_delivery("acme", "ashby", "a" * 64) == first
    assert store.webhook_delivery("globex", "ashby", "a" * 64) is None


def test_one_write_back_an_application(store: SqlStore) -> None:
    assert store.add_outbox(_item("k-1"))
    assert not store.add_outbox(_item("k-1")._replace(level="unlikely"))
    assert store.add_outbox(_item("k-2"))
    assert store.add_outbox(_item("k-1", member="globex"))
    assert [(i.member, i.application_key, i.level) for i in store.outbox()] == [
        ("acme", "k-1", "likely"), ("acme", "k-2", "likely"), ("globex", "k-1", "likely"),
    ]  # fmt: skip


def test_a_claim_holds_an_item_until_it_ends_or_is_finished(store: SqlStore) -> None:
    store.add_outbox(_item("k-1"))
    (item,) = store.outbox(pending=True)
    assert store.claim_outbox(item.outbox_id, now=T1, until=T2)
    assert not store.claim_outbox(item.outbox_id, now=T1 + timedelta(minutes=1), until=T2)
    store.finish_outbox(item.outbox_id, sent_at=None, error="ashby answered 503")
    assert store.claim_outbox(item.outbox_id, now=T1 + timedelta(minutes=2), until=T2)
    store.finish_outbox(item.outbox_id, sent_at=T2, error=None)
    assert store.outbox(pending=True) == []
    (done,) = store.outbox()
    assert (done.state, done.attempts, done.sent_at, done.last_error) == ("sent", 2, T2, None)
    assert not store.claim_outbox(item.outbox_id, now=T2 + timedelta(days=1), until=T2)


def test_of_many_senders_at_once_one_claims(store: SqlStore) -> None:
    store.add_outbox(_item("k-1"))
    (item,) = store.outbox()
    with ThreadPoolExecutor(8) as pool:
        claims = list(
            pool.map(lambda _: store.claim_outbox(item.outbox_id, now=T1, until=T2), range(8))
        )
    assert claims.count(True) == 1
