"""The keys of keyed hashes shared with partners (issue 19, item 2; docs/sharing.md): a file
apart from the store, as the PII keyring is. Each key has an id partners know it by and an
audience: the sharing community, or one partner (``partner:NAME``) for what is shared with
that partner alone. Adding a key for an audience makes it the one hashes are made with; the
key it replaces still matches partners' hashes until the overlap given ends, so partners who
rotate a day later are still matched, and then it matches nothing.

Without a keyring file, the community key of the settings (FAUXHIRE_COMMUNITY_KEY, with
FAUXHIRE_COMMUNITY_KEY_ID) is the one community key, as before."""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from pydantic import BaseModel, Field, field_validator

from fauxhire.enrich.pii import load_model, save_model
from fauxhire.errors import ConfigError

log = logging.getLogger(__name__)

COMMUNITY: Final = "community"
MIN_SECRET_BYTES: Final = 16


class ShareKey(BaseModel):
    key_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")
    audience: str = Field(pattern=r"^(community|partner:[a-z0-9][a-z0-9-]{0,39})$")
    secret: str  # base64 of the key's bytes
    added_at: datetime
    retired_at: datetime | None = None  # replaced by a newer key of its audience
    match_until: datetime | None = None  # once retired: it still matches until then

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, secret: str) -> str:
        try:
            raw = base64.b64decode(secret, validate=True)
        except binascii.Error:
            raise ValueError("not base64") from None
        if len(raw) < MIN_SECRET_BYTES:
            raise ValueError(f"a key has at least {MIN_SECRET_BYTES} bytes")
        return secret

    @property
    def raw(self) -> bytes:
        return base64.b64decode(self.secret)

    def state(self, now: datetime) -> str:
        if self.retired_at is None:
            return "active"
        if self.match_until is not None and self.match_until > now:
            return f"matching until {self.match_until:%Y-%m-%d %H:%M} UTC"
        return "retired"

    def __repr__(self) -> str:  # never a secret in a log or a traceback
        return f"ShareKey({self.key_id!r}, {self.audience})"

    __str__ = __repr__


class ShareKeyring(BaseModel):
    version: int = 1
    keys: list[ShareKey] = Field(default_factory=list)

    def active(self, audience: str = COMMUNITY) -> ShareKey | None:
        """The key hashes for ``audience`` are made with: its newest not retired."""
        current = [k for k in self.keys if k.audience == audience and k.retired_at is None]
        return current[-1] if current else None

    def matching(self, now: datetime) -> tuple[bytes, ...]:
        """The keys partners' hashes are matched with: every active key, and each retired one
        within its overlap."""
        return tuple(k.raw for k in self.keys if k.state(now) != "retired")

    def added(self, key: ShareKey, overlap: timedelta, now: datetime) -> ShareKeyring:
        """This keyring with ``key`` active for its audience; the key it replaces retired,
        matching for ``overlap`` more."""
        if any(k.key_id == key.key_id for k in self.keys):
            raise ValueError(f"a key {key.key_id!r} exists already: give the new one its own id")
        kept = [
            k.model_copy(update={"retired_at": now, "match_until": now + overlap})
            if k.audience == key.audience and k.retired_at is None else k
            for k in self.keys
        ]  # fmt: skip
        return ShareKeyring(keys=[*kept, key])

    def __repr__(self) -> str:
        return f"ShareKeyring({[k.key_id for k in self.keys]!r})"

    __str__ = __repr__


def load_share_keyring(path: Path, setting: str) -> ShareKeyring:
    return load_model(path, ShareKeyring, f"share keyring (named by {setting})",
                      "create one with `fauxhire keys share add`")  # fmt: skip


def read_share_keyring(path: Path) -> ShareKeyring:
    """The keyring the settings name: empty while it is named but not made yet (no key
    until one is added), else as the file holds it."""
    if not path.exists():
        return ShareKeyring()
    return load_share_keyring(path, "FAUXHIRE_SHARE_KEYRING")


def save_share_keyring(path: Path, keyring: ShareKeyring) -> None:
    save_model(path, keyring, "share keyring", replace=True)


def from_settings(secret: bytes | None, key_id: str, now: datetime) -> ShareKeyring:
    """The one community key of the settings, as a keyring (empty without one)."""
    if secret is None:
        return ShareKeyring()
    encoded = base64.b64encode(secret).decode()
    return ShareKeyring.model_construct(
        version=1,
        keys=[ShareKey.model_construct(key_id=key_id, audience=COMMUNITY, secret=encoded,
                                       added_at=now, retired_at=None, match_until=None)],
    )  # fmt: skip


class MatchingKeys:
    """The keys partners' hashes match with, for a process that runs for days (``fauxhire
    serve``), kept current without a restart: the keyring file is read again once it has
    changed (``fauxhire keys share add`` replaces it whole), and a replaced key stops
    matching when its overlap ends. Without a file, ``keyring`` is the keys for good.

    A file that cannot be read leaves the keys last read in use, and is logged once: a
    screen must not fail, nor silently match under no key, for a bad edit of the file."""

    def __init__(self, keyring: ShareKeyring | None = None, path: Path | None = None) -> None:
        self._keyring = keyring or ShareKeyring()
        self._path = path
        self._seen: tuple[int, int, int] | None = None  # the file last read, by _signature
        self._lock = threading.Lock()

    def at(self, now: datetime) -> tuple[bytes, ...] | None:
        """The keys that match at ``now`` (None: none)."""
        if self._path is not None:
            self._read_if_changed(self._path)
        return self._keyring.matching(now) or None

    def _read_if_changed(self, path: Path) -> None:
        seen = _signature(path)
        if seen == self._seen:
            return
        with self._lock:
            if seen == self._seen:
                return
            self._seen = seen
            try:
                self._keyring = read_share_keyring(path)  # removed: no key, as at start
            except ConfigError as exc:
                log.error("share keyring not read again, the keys read before still match: %s",
                          exc.message)  # fmt: skip


def _signature(path: Path) -> tuple[int, int, int]:
    """What changes when the file is replaced or written: its inode, size and time (all 0
    while there is no file)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
