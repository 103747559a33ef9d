"""The normalisers and the keyed hash agree with the published normalise-then-HMAC test
vectors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fauxhire.domain.normalise import email, phone, url
from fauxhire.domain.values import Value, ValueKind
from fauxhire.enrich.keyed import keyed_hash

VECTORS_FILE = Path(__file__).parents[1] / "fixtures" / "samples" / "pii_hmac_test_vectors.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))

NORMALISERS = {
    "email": (email.normalise, ValueKind.EMAIL),
    "phone": (phone.normalise, ValueKind.PHONE),
    "github": (url.github_handle, ValueKind.GITHUB),
    "linkedin": (url.normalise, ValueKind.LINKEDIN),
}


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: str(v["type"]))
def test_vector(vector: dict[str, str]) -> None:
    normalise, kind = NORMALISERS[vector["type"]]
    value: Value | None = normalise(vector["raw"])
    assert value is not None
    assert value.kind is kind
    assert value.key == vector["normalised"]
    assert keyed_hash(VECTORS["key"].encode(), vector["type"], value.key) == vector["hmac_sha256"]


def test_every_vector_type_is_covered() -> None:
    assert {vector["type"] for vector in VECTORS["vectors"]} <= set(NORMALISERS)


def test_github_vector_as_a_profile_url() -> None:
    value = url.normalise("https://github.com/Example-Dev-0001")
    assert value == Value(
        ValueKind.GITHUB, "https://github.com/Example-Dev-0001", "example-dev-0001"
    )
