"""Contact details encrypted at rest: a keyring of data keys, each with an id, and the sealing of
column values under its active key (AES-256-GCM, ``cryptography``).

A sealed value is text, ``pii1:<key id>:<base64 of nonce, ciphertext and tag>``, so it fits the
text columns that held the plain value, and it names the key that sealed it: after a rotation
the old keys still open what they sealed until every row is sealed again under the new one.
The column's name is the associated data, so a value copied into another column does not open.
A value without the prefix is a plain one from before encryption; it opens as itself, and
``fauxhire keys pii rotate`` seals it.

The keyring lives in a file of its own, never in the store (docs/security.md): whoever copies
the database without it reads no contact details. Nothing here logs a key or a value.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from pydantic import BaseModel, Field, ValidationError

from fauxhire.errors import ConfigError, FauxhireError

if TYPE_CHECKING:  # imported when a value is first sealed or opened: not by every command
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX: Final = "pii1:"
NONCE_BYTES: Final = 12  # AES-GCM's own size; random, so 2^32 values a key stay far from reuse
KEY_BYTES: Final = 32


class PiiError(FauxhireError):
    """A sealed value that cannot be opened: its key is not in the keyring, or it was altered."""


class DataKey(BaseModel):
    key_id: str = Field(pattern=r"^k[0-9]+$")
    created_at: datetime
    secret: str  # base64 of 32 random bytes

    def __repr__(self) -> str:  # never a secret in a log or a traceback
        return f"DataKey({self.key_id!r}, created {self.created_at.isoformat()})"

    __str__ = __repr__


class Keyring(BaseModel):
    """The data keys, oldest first; the last one seals, every one opens."""

    version: int = 1
    keys: list[DataKey] = Field(min_length=1)

    @property
    def active(self) -> DataKey:
        return self.keys[-1]

    @classmethod
    def new(cls, now: datetime) -> Keyring:
        return cls(keys=[_data_key(1, now)])

    def rotated(self, now: datetime) -> Keyring:
        """This keyring with a new active key; the old ones stay, to open what they sealed."""
        number = max(int(k.key_id[1:]) for k in self.keys) + 1
        return Keyring(keys=[*self.keys, _data_key(number, now)])

    def __repr__(self) -> str:
        return f"Keyring({[k.key_id for k in self.keys]!r})"

    __str__ = __repr__


def _data_key(number: int, now: datetime) -> DataKey:
    secret = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
    return DataKey(key_id=f"k{number}", created_at=now, secret=secret)


def load_keyring(path: Path, setting: str) -> Keyring:
    """The keyring in ``path``; a clear error naming the file and the setting otherwise."""
    return load_model(
        path,
        Keyring,
        f"PII keyring (named by {setting})",
        "create one with `fauxhire keys pii init`",
    )


def save_keyring(path: Path, keyring: Keyring, *, replace: bool) -> None:
    """Write the keyring readable by its owner only, atomically (``save_model``). Without
    ``replace``, an existing file is refused."""
    save_model(path, keyring, "PII keyring", replace=replace)


M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M], what: str, remedy: str) -> M:
    """A key file of ``model`` in ``path``; a clear error naming the file otherwise, which
    never quotes what the file holds (it would be a secret)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"no {what} at {path}; {remedy}", path=str(path)) from None
    except OSError as exc:
        reason = f"cannot read the {what} {path}: {exc.strerror}"
        raise ConfigError(reason, path=str(path)) from exc
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        where = ", ".join(".".join(map(str, e["loc"])) or "(file)" for e in exc.errors())
        # Only where it is wrong: pydantic's message would quote the secret it found there.
        raise ConfigError(f"the {what} {path} is not valid at {where}", path=str(path)) from None


def save_model(path: Path, keys: BaseModel, what: str, *, replace: bool) -> None:
    """Write a key file readable by its owner only, atomically: a rotation killed part-way
    leaves the old file whole. Without ``replace``, an existing file is refused."""
    if path.exists() and not replace:
        raise ConfigError(f"a {what} exists at {path} already: rotate it", path=str(path))
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(keys.model_dump_json(indent=2))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        reason = f"cannot write the {what} {path}: {exc.strerror}"
        raise ConfigError(reason, path=str(path)) from exc


def key_id_of(value: str) -> str | None:
    """The id of the key that sealed ``value``; None for a plain value."""
    if not value.startswith(PREFIX):
        return None
    return value[len(PREFIX) :].split(":", 1)[0]


class Sealer:
    """Seals under the keyring's active key and opens under any of its keys."""

    def __init__(self, keyring: Keyring) -> None:
        self.active_id = keyring.active.key_id
        self.key_ids = tuple(k.key_id for k in keyring.keys)
        self._secrets = {k.key_id: base64.b64decode(k.secret) for k in keyring.keys}
        self._ciphers: dict[str, AESGCM] = {}
        self._head = f"{PREFIX}{self.active_id}:"

    def _cipher(self, key_id: str) -> AESGCM | None:
        cipher = self._ciphers.get(key_id)
        if cipher is None and key_id in self._secrets:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            cipher = self._ciphers[key_id] = AESGCM(self._secrets[key_id])
        return cipher

    def __repr__(self) -> str:
        return f"Sealer(active={self.active_id!r})"

    def seal_many(self, values: Sequence[str | None], column: str) -> list[str | None]:
        """``values`` sealed under the active key; None stays None. One read of the system's
        randomness gives the nonces of the whole batch."""
        nonces = os.urandom(NONCE_BYTES * len(values))
        aad = column.encode()
        active = self._cipher(self.active_id)
        assert active is not None  # the keyring holds its active key
        encrypt, encode, head = active.encrypt, binascii.b2a_base64, self._head
        out: list[str | None] = []
        for index, value in enumerate(values):
            if value is None:
                out.append(None)
                continue
            nonce = nonces[index * NONCE_BYTES : (index + 1) * NONCE_BYTES]
            sealed = nonce + encrypt(nonce, value.encode(), aad)
            out.append(head + encode(sealed, newline=False).decode())
        return out

    def open_many(self, values: Sequence[str | None], column: str) -> list[str | None]:
        """``values`` opened; a plain value (from before encryption) is given back as it is."""
        from cryptography.exceptions import InvalidTag

        aad = column.encode()
        return [None if v is None else self._open(v, aad, column, InvalidTag) for v in values]

    def _open(self, value: str, aad: bytes, column: str, invalid: type[Exception]) -> str:
        if not value.startswith(PREFIX):
            return value
        key_id, _, body = value[len(PREFIX) :].partition(":")
        cipher = self._cipher(key_id)
        if cipher is None:
            raise PiiError(
                f"{column} is sealed under key {key_id!r}, which the PII keyring does not hold "
                f"(it holds {', '.join(self.key_ids)}): is this the store's keyring?",
                field=column,
                key_id=key_id,
            )
        try:
            sealed = base64.b64decode(body, validate=True)
            plain = cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except (invalid, binascii.Error, ValueError):
            raise PiiError(
                f"{column}: a value sealed under key {key_id!r} does not open: it was altered, "
                "or the keyring's key of that id is another",
                field=column,
                key_id=key_id,
            ) from None
        return plain.decode()


def require_sealer(sealer: Sealer | None, column: str) -> Sealer:
    """The sealer, or a clear error: contact details cannot be read without the keyring."""
    if sealer is None:
        raise PiiError(
            f"{column} holds encrypted contact details and no PII keyring was given",
            field=column,
        )
    return sealer
