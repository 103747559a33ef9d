"""The sealing of contact details (``enrich.pii``) on its own: a value tampered with or sealed
for another column does not open, a plain value from before encryption opens as itself, and no
key's secret shows in a repr, a str or an error about a broken keyring file."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fauxhire.enrich.pii import Keyring, PiiError, Sealer, key_id_of, load_keyring, save_keyring
from fauxhire.errors import ConfigError

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_sealed_values_open_and_plain_ones_pass() -> None:
    sealer = Sealer(Keyring.new(NOW))
    values = ["ana@example.com", None, "", "+1 512 555 0101"]
    sealed = sealer.seal_many(values, "t.c")
    assert sealed[1] is None and all(key_id_of(v) == "k1" for v in sealed if v is not None)
    assert sealer.open_many(sealed, "t.c") == values
    assert sealer.open_many(["typed before encryption"], "t.c") == ["typed before encryption"]


def test_a_tampered_value_does_not_open() -> None:
    sealer = Sealer(Keyring.new(NOW))
    (sealed,) = sealer.seal_many(["ana@example.com"], "t.c")
    assert sealed is not None
    # One bit of the ciphertext flipped (a base64 character near the end may hold only
    # padding bits, which decode to the same bytes: the test must change a byte).
    head, encoded = sealed.rsplit(":", 1)
    raw = bytearray(base64.b64decode(encoded))
    raw[len(raw) // 2] ^= 0x01
    flipped = f"{head}:{base64.b64encode(bytes(raw)).decode()}"
    with pytest.raises(PiiError, match="does not open"):
        sealer.open_many([flipped], "t.c")
    with pytest.raises(PiiError, match="does not open"):
        sealer.open_many(["pii1:k1:not base64!"], "t.c")


def test_no_secret_in_a_repr_or_a_keyring_error(tmp_path: Path) -> None:
    keyring = Keyring.new(NOW).rotated(NOW)
    secrets = [k.secret for k in keyring.keys]
    shown = [repr(keyring), str(keyring), *map(repr, keyring.keys), repr(Sealer(keyring))]
    assert not any(secret in text for secret in secrets for text in shown)
    path = tmp_path / "keyring.json"
    save_keyring(path, keyring, replace=False)
    broken = path.read_text().replace('"k2"', '"key two"')
    path.write_text(broken)
    with pytest.raises(ConfigError, match=r"not valid at keys\.1\.key_id") as raised:
        load_keyring(path, "FAUXHIRE_PII_KEYRING")
    assert not any(secret in str(raised.value) for secret in secrets)
