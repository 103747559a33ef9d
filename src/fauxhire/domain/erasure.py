"""Who an erasure is about, and the tombstones it leaves (docs/privacy.md).

A selector names the records of one applicant by something the store holds for certain: an
e-mail or a phone (normalised as ingest normalises them, so any spelling finds the stored
key), one or more applications (``company_id:application_id``), or an identity id of the last
linking run. Never a name: a borrowed identity's victim and the persona that borrowed the
name share it, and an erasure of one must leave the other.

A tombstone is a keyed hash (keyed BLAKE2b-256, ``tombstone_digest``) of a value the erasure
removed: ingest hashes what comes in under the same key and skips what matches, so the person
is not brought back by a later file, and the store never holds the erased value itself.
BLAKE2b with a key is a MAC as HMAC-SHA256 is, and a third of its cost: ingest hashes every
record's identifying values while a store holds tombstones. Tombstones never leave the
store, so they need not match the community's keyed hashes (``enrich.keyed``).
"""

from __future__ import annotations

import hashlib
from typing import Final, Literal, NamedTuple, get_args

from fauxhire.domain.normalise import email as email_norm
from fauxhire.domain.normalise import phone as phone_norm
from fauxhire.errors import ConfigError

SelectorKind = Literal["email", "phone", "application", "identity"]
SELECTOR_KINDS: Final[tuple[str, ...]] = get_args(SelectorKind)
# What a tombstone is of: a contact value as ingest normalises it, or a record's natural key
# (``application``: company and application id; ``candidate``: company and candidate id).
TombstoneKind = Literal["email", "phone", "application", "candidate"]
KEY_SEP: Final = "\x1f"  # the store's separator of a natural key's parts (store.table_base)
# The code of what an erasure refuses: a record ingest quarantines, a screen, a webhook
# delivery (docs/privacy.md).
ERASED_APPLICANT: Final = "erased_applicant"


class Selector(NamedTuple):
    """The applicant an erasure is about: ``values`` are normalised keys (an e-mail's or a
    phone's), application keys (parts joined by KEY_SEP) or identity ids."""

    kind: SelectorKind
    values: tuple[str, ...]


class Tombstone(NamedTuple):
    kind: TombstoneKind
    digest: str  # hex HMAC-SHA256 of "kind:value" under the erasure key


def tombstone_key(secret: bytes) -> bytes:
    """The BLAKE2b key made from the ``erasure_key`` setting: any length in, 32 bytes out,
    and used for nothing else."""
    return hashlib.sha256(b"fauxhire erasure tombstone\x00" + secret).digest()


def tombstone_digest(key: bytes, kind: str, value: str) -> str:
    """The hex digest of one erased value of ``kind`` under ``tombstone_key(secret)``."""
    return hashlib.blake2b(f"{kind}:{value}".encode(), key=key, digest_size=32).hexdigest()


def parse_selector(kind: str, raw: list[str] | tuple[str, ...]) -> Selector:
    """The selector of ``kind`` for the values given; a ConfigError naming the field when the
    kind is unknown, nothing is given, or a value is not one of its kind."""
    if kind not in SELECTOR_KINDS:
        raise ConfigError(
            f"selector: unknown kind {kind!r}; one of: {', '.join(SELECTOR_KINDS)}",
            field="selector",
        )
    given = [value.strip() for value in raw if value and value.strip()]
    if not given:
        raise ConfigError(f"{kind}: none given to erase", field=kind)
    return Selector(kind, tuple(sorted({_normalised(kind, value) for value in given})))  # type: ignore[arg-type]


def _normalised(kind: str, value: str) -> str:
    try:
        if kind == "email":
            parsed = email_norm.normalise(value)
        elif kind == "phone":
            parsed = phone_norm.normalise(value)
        else:
            return _application_key(value) if kind == "application" else value
    except ValueError:
        parsed = None
    if parsed is None:
        raise ConfigError(f"{kind}: not a valid {kind}", field=kind)
    return parsed.key


def _application_key(value: str) -> str:
    company, sep, application = value.partition(":")
    if not sep or not company or not application:
        raise ConfigError(
            "application: give company_id:application_id", field="application", given=value
        )
    return f"{company}{KEY_SEP}{application}"
