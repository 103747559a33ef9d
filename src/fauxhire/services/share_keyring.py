"""Managing the share keyring (enrich/share_keys.py): adding a key, which becomes the one its
audience's hashes are made with while the key it replaces keeps matching for the overlap
given; each addition audited (the key id and audience, never the key)."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from fauxhire.enrich.share_keys import (
    MIN_SECRET_BYTES,
    ShareKey,
    ShareKeyring,
    load_share_keyring,
    save_share_keyring,
)
from fauxhire.errors import ConfigError
from fauxhire.ports import AuditEvent, KeyAdmin

GENERATED_BYTES = 32


def add_key(
    path: Path,
    store: KeyAdmin,
    *,
    key_id: str,
    audience: str,
    secret: bytes | None,
    overlap: timedelta,
    actor: str,
    now: datetime,
) -> tuple[ShareKeyring, bytes]:
    """The keyring with a new active key for ``audience`` (``secret``, or one made here), and
    the key's bytes: a community's key is agreed among its members, a partner's is handed to
    that partner, so the caller shows a made key once."""
    if secret is not None and len(secret) < MIN_SECRET_BYTES:
        raise ConfigError(f"a shared key has at least {MIN_SECRET_BYTES} bytes", field="secret")
    raw = secret if secret is not None else secrets.token_bytes(GENERATED_BYTES)
    ring = load_share_keyring(path, "FAUXHIRE_SHARE_KEYRING") if path.exists() else ShareKeyring()
    try:
        key = ShareKey(
            key_id=key_id, audience=audience, secret=base64.b64encode(raw).decode(), added_at=now
        )
        ring = ring.added(key, overlap, now)
    except ValueError as exc:  # pydantic's message would not quote the secret: the id, audience
        raise ConfigError(f"the key was not added: {_first_line(exc)}", field="key_id") from None
    save_share_keyring(path, ring)
    with store.unit_of_work():
        store.append_audit(AuditEvent(actor, "share-key:add", f"share-key:{key_id}", audience, now))
    return ring, raw


def _first_line(exc: ValueError) -> str:
    return str(exc).splitlines()[-1].strip() if "validation error" in str(exc) else str(exc)
