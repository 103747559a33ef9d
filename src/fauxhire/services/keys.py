"""API keys: created (the token shown once), listed, revoked, and a token authenticated.

A token is ``<key id>.<secret>``: the key id is public (it names the key in lists and in the
audit trail), the secret is 32 random bytes, shown once at creation and never stored. The store
keeps sha256 of the secret. A plain hash, not a slow one (scrypt) or a keyed one (HMAC with a
server pepper, which does not exist yet), is enough here because the secret is 256 bits of
randomness, not a password: nothing can be guessed from a dictionary, and a slow hash would
only slow every request down.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from datetime import datetime, timedelta
from typing import Final, NamedTuple

from fauxhire.domain.api_roles import HUB_ROLES, MEMBER_ROLES, ROLES
from fauxhire.errors import AuthenticationError, ConfigError, NotFound
from fauxhire.ports import ApiKey, ApiKeys, AuditEvent, KeyAdmin

KEY_PREFIX: Final = "fk_"
_KEY_ALPHABET: Final = string.ascii_lowercase + string.digits
_KEY_ID: Final = re.compile(r"fk_[a-z0-9]{12}")
_SECRET: Final = re.compile(r"[A-Za-z0-9_-]{43}")  # token_urlsafe(32): 32 bytes, base64url
_SCOPE: Final = re.compile(r"[a-z][a-z0-9_:.-]{0,63}")
SECRET_BYTES: Final = 32
# What an unknown key id's secret is compared with, so that an unknown id and a wrong secret
# take the same time.
_NO_HASH: Final = hashlib.sha256(b"").hexdigest()


class CreatedKey(NamedTuple):
    key: ApiKey
    token: str  # <key id>.<secret>: shown once, never stored


class Principal(NamedTuple):
    """Who a valid token speaks for."""

    key_id: str
    role: str
    member: str | None
    scopes: tuple[str, ...]


def create_key(
    store: KeyAdmin,
    *,
    name: str,
    role: str,
    member: str | None = None,
    scopes: tuple[str, ...] = (),
    expires_in: timedelta | None = None,
    created_by: str,
    now: datetime,
) -> CreatedKey:
    """A new key, stored as its hash with an audit event in the same unit of work; the token
    returned is the only time the secret exists outside the caller's hands."""
    _check_grant(name, role, member, scopes, expires_in)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(
        key_id=KEY_PREFIX + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(12)),
        secret_hash=_hash(secret),
        name=name.strip(),
        role=role,
        member=member,
        scopes=tuple(sorted(set(scopes))),
        created_at=now,
        expires_at=None if expires_in is None else now + expires_in,
        revoked_at=None,
        created_by=created_by,
    )
    with store.unit_of_work():
        store.add_api_key(key)
        store.append_audit(
            AuditEvent(created_by, "key:create", f"key:{key.key_id}", f"role {role}", now)
        )
    return CreatedKey(key, f"{key.key_id}.{secret}")


def list_keys(store: KeyAdmin) -> list[ApiKey]:
    return store.api_keys()


def state(key: ApiKey, now: datetime) -> str:
    """A key in a word: revoked, expired or active."""
    if key.revoked_at is not None:
        return f"revoked {key.revoked_at:%Y-%m-%d}"
    if key.expires_at is not None and key.expires_at <= now:
        return f"expired {key.expires_at:%Y-%m-%d}"
    return "active" if key.expires_at is None else f"active until {key.expires_at:%Y-%m-%d}"


def revoke_key(
    store: KeyAdmin, key_id: str, *, revoked_by: str, reason: str, now: datetime
) -> ApiKey:
    """The key, revoked from ``now`` on (a key revoked already keeps its first revocation);
    the revocation is audited in the same unit of work."""
    with store.unit_of_work():
        key = store.revoke_api_key(key_id, at=now)
        if key is None:
            raise NotFound(f"no API key {key_id!r}", key_id=key_id)
        store.append_audit(AuditEvent(revoked_by, "key:revoke", f"key:{key_id}", reason, now))
    return key


def authenticate(store: KeyAdmin, token: str, now: datetime) -> Principal:
    """The principal of a valid token; ``AuthenticationError`` for a malformed, unknown,
    revoked or expired one (its ``detail`` says which, for the log, not for the caller)."""
    key_id, dot, secret = token.partition(".")
    if not (dot and _KEY_ID.fullmatch(key_id) and _SECRET.fullmatch(secret)):
        raise _refused("malformed")
    key = store.api_key(key_id)
    matches = hmac.compare_digest(_hash(secret), key.secret_hash if key else _NO_HASH)
    if key is None or not matches:
        raise _refused("unknown", key_id)
    if key.revoked_at is not None:
        raise _refused("revoked", key_id)
    if key.expires_at is not None and key.expires_at <= now:
        raise _refused("expired", key_id)
    return Principal(key.key_id, key.role, key.member, key.scopes)


def check_ready(store: ApiKeys) -> None:
    """Raises (a ``StoreError``) unless the store answers the query every authenticated
    request makes: a key looked up by its id."""
    store.api_key(KEY_PREFIX + "0" * 12)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _refused(reason: str, key_id: str | None = None) -> AuthenticationError:
    return AuthenticationError("invalid or missing credentials", reason=reason, key_id=key_id)


def role_problem(role: str, member: str | None) -> str | None:
    """What is wrong with a grant of ``role`` for ``member`` (None: nothing): an unknown role,
    a member role without a member, a hub role with one. A key and an OIDC token obey it alike."""
    if role not in ROLES:
        return f"unknown role {role!r}: one of {', '.join(ROLES)}"
    if role in MEMBER_ROLES and not (member and member.strip()):
        return f"the role {role} is scoped to a member company: name it"
    if role in HUB_ROLES and member is not None:
        return f"the role {role} is the hub's: it has no member company"
    return None


def _check_grant(
    name: str, role: str, member: str | None, scopes: tuple[str, ...], expires_in: timedelta | None
) -> None:
    """A key's grant makes sense: a known role, a member exactly for the member roles."""
    if not name.strip():
        raise ConfigError("an API key needs a name (who or what uses it)")
    if problem := role_problem(role, member):
        raise ConfigError(problem, role=role)
    if bad := [s for s in scopes if not _SCOPE.fullmatch(s)]:
        raise ConfigError(f"malformed scope {bad[0]!r}", scope=bad[0])
    if expires_in is not None and expires_in <= timedelta(0):
        raise ConfigError("an API key's lifetime must be positive")
