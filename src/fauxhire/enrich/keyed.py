"""Keyed hashes of contact details: how partners share an e-mail or a phone without revealing
it (docs/formats.md section 10). HMAC-SHA256 of ``"kind:normalised value"`` under a key only
the sharing community holds; without the key a digest reveals nothing and matches nothing."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

# The keys partners' keyed hashes are matched with: one, several (a rotation's overlap), none.
MatchKeys = bytes | tuple[bytes, ...] | None


def match_keys(keys: MatchKeys) -> tuple[bytes, ...]:
    """The keys, as a tuple (empty for none)."""
    if keys is None:
        return ()
    return (keys,) if isinstance(keys, bytes) else keys


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """The hex digest partners exchange for one normalised contact value of ``kind``."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def with_keyed_hashes(values: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """``values`` (``kind``, ``key``: the normalised value) with its ``digest``; distinct
    values are hashed once each."""
    distinct = values.select("kind", "key").unique()
    digests = [keyed_hash(key, kind, value) for kind, value in distinct.iter_rows()]
    keyed = distinct.with_columns(pl.Series("digest", digests, dtype=pl.String))
    return values.join(keyed, on=["kind", "key"], how="left")
