"""API keys as the service gives them (services/keys.py), on the in-memory store: a token is
shown once and only its hash is kept, a grant must make sense for its role, creating and
revoking are audited with the change, and only a well-formed, known, unrevoked, unexpired
token authenticates."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fauxhire.errors import AuthenticationError, ConfigError, NotFound
from fauxhire.services.keys import (
    CreatedKey,
    Principal,
    authenticate,
    create_key,
    list_keys,
    revoke_key,
)
from fauxhire.store.memory import MemoryStore

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _create(
    store: MemoryStore, role: str = "analyst", member: str | None = None, **more: Any
) -> CreatedKey:
    return create_key(
        store, name="desk", role=role, member=member, created_by="ana", now=NOW, **more
    )


def _reason(store: MemoryStore, token: str, now: datetime = NOW) -> str:
    with pytest.raises(AuthenticationError) as refused:
        authenticate(store, token, now)
    assert refused.value.message == "invalid or missing credentials"  # the same for every cause
    return str(refused.value.detail["reason"])


def test_the_token_authenticates_and_only_its_hash_is_stored() -> None:
    store = MemoryStore()
    created = _create(store, "recruiter", "acme", scopes=("screen", "read", "screen"))
    key_id, _, secret = created.token.partition(".")
    assert key_id == created.key.key_id and key_id.startswith("fk_") and len(key_id) == 15
    [stored] = list_keys(store)
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored)
    assert stored.scopes == ("read", "screen")
    principal = authenticate(store, created.token, NOW)
    assert principal == Principal(key_id, "recruiter", "acme", ("read", "screen"))


def test_two_keys_never_share_an_id_or_a_secret() -> None:
    store = MemoryStore()
    tokens = {_create(store).token for _ in range(20)}
    assert len({t.partition(".")[0] for t in tokens}) == 20
    assert len({t.partition(".")[2] for t in tokens}) == 20
    assert len(list_keys(store)) == 20


@pytest.mark.parametrize(
    ("role", "member"),
    [
        ("owner", None),  # no such role
        ("recruiter", None),  # a member role needs its member
        ("member_analyst", "  "),
        ("analyst", "acme"),  # a hub role has none
        ("admin", "acme"),
        ("partner", "acme"),
    ],
)
def test_a_grant_that_makes_no_sense_is_refused(role: str, member: str | None) -> None:
    store = MemoryStore()
    with pytest.raises(ConfigError):
        _create(store, role, member)
    assert list_keys(store) == [] and store.audit_events() == []


def test_every_role_with_the_member_it_needs_is_granted() -> None:
    store = MemoryStore()
    grants = [("admin", None), ("analyst", None), ("partner", None)]
    grants += [("member_analyst", "acme"), ("recruiter", "globex")]
    for role, member in grants:
        token = _create(store, role, member).token
        assert authenticate(store, token, NOW)[1:3] == (role, member)


def test_creating_and_revoking_are_audited() -> None:
    store = MemoryStore()
    key = _create(store).key
    revoked = revoke_key(store, key.key_id, revoked_by="bo", reason="laptop lost", now=NOW)
    assert revoked.revoked_at == NOW
    events = [(e.actor, e.action, e.subject, e.purpose) for e in store.audit_events()]
    assert events == [
        ("ana", "key:create", f"key:{key.key_id}", "role analyst"),
        ("bo", "key:revoke", f"key:{key.key_id}", "laptop lost"),
    ]


def test_revoking_an_unknown_key_is_not_found_and_audits_nothing() -> None:
    store = MemoryStore()
    with pytest.raises(NotFound):
        revoke_key(store, "fk_000000000000", revoked_by="bo", reason="x", now=NOW)
    assert store.audit_events() == []


def test_a_revoked_key_no_longer_authenticates() -> None:
    store = MemoryStore()
    created = _create(store)
    revoke_key(store, created.key.key_id, revoked_by="bo", reason="rotated", now=NOW)
    assert _reason(store, created.token) == "revoked"


def test_a_key_authenticates_until_it_expires() -> None:
    store = MemoryStore()
    created = _create(store, expires_in=timedelta(days=2))
    assert created.key.expires_at == NOW + timedelta(days=2)
    assert authenticate(store, created.token, NOW + timedelta(days=2, seconds=-1))
    assert _reason(store, created.token, NOW + timedelta(days=2)) == "expired"


def test_a_lifetime_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        _create(MemoryStore(), expires_in=timedelta(0))


def test_malformed_and_unknown_tokens_are_refused() -> None:
    store = MemoryStore()
    token = _create(store).token
    key_id, _, secret = token.partition(".")
    wrong_secret = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert _reason(store, f"{key_id}.{wrong_secret}") == "unknown"
    assert _reason(store, f"fk_{'0' * 12}.{secret}") == "unknown"
    for bad in ("", key_id, f"{key_id}.", f".{secret}", f"{key_id}.{secret}x", token + " "):
        assert _reason(store, bad) == "malformed", bad
