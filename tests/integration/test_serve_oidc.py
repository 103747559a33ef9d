"""OIDC access tokens on a real `fauxhire serve`: a local test issuer (an HTTP server on a
loopback port, in a thread of this test) publishes its discovery document and the JWKS of RSA
keys the test makes, and signs the tokens. The server finds the JWKS through discovery, maps
the role and member claims to a principal under the same grant rules as API keys, refuses
every token that is not valid for it with the same 401 as a bad key, and follows a key
rotation published after it started."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm
from test_identity_views import _fetch, _stored
from test_serve import Server, serving  # the same server harness

from support.oidc_issuer import AUDIENCE, Issuer, running_issuer

COOLDOWN = 1.0  # seconds between two JWKS refetches for an unknown kid (the setting)
DENIED = {"detail": {"code": "authentication_failed", "message": "invalid or missing credentials"}}


def _unsigned(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None) -> str:
    """A token put together by hand: ``alg: none`` (no signature), or HS256 with ``secret`` as
    the HMAC key (the attack that takes a public key for a shared secret)."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signed = part(json.dumps(header).encode()) + "." + part(json.dumps(claims).encode())
    if secret is None:
        return signed + "."
    return signed + "." + part(hmac.new(secret, signed.encode(), hashlib.sha256).digest())


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with running_issuer() as made:
        yield made


def _serving(folder: Path, oidc: dict[str, str]) -> AbstractContextManager[Server]:
    """`fauxhire serve` with the environment's OIDC settings replaced by ``oidc``."""
    env = {name: v for name, v in os.environ.items() if not name.startswith("FAUXHIRE_OIDC_")}
    return serving(folder, env | oidc)


def test_oidc_tokens_are_validated_mapped_and_follow_a_key_rotation(
    issuer: Issuer, tmp_path: Path
) -> None:
    settings = {
        "FAUXHIRE_OIDC_ISSUER": issuer.url,  # no JWKS URL: it is discovered
        "FAUXHIRE_OIDC_AUDIENCE": AUDIENCE,
        "FAUXHIRE_OIDC_JWKS_COOLDOWN": str(COOLDOWN),
    }
    with _serving(tmp_path, settings) as server:
        recruiter = issuer.token(fauxhire_role="recruiter", fauxhire_member="acme")
        assert server.get("/v1/whoami", recruiter) == (
            200,
            {"key_id": "oidc:alice", "role": "recruiter", "member": "acme", "scopes": []},
        )
        assert issuer.fetches == ["/.well-known/openid-configuration", "/jwks.json"]
        analyst = issuer.token(sub="bob", fauxhire_role="analyst")
        admin = issuer.token(sub="carol", fauxhire_role="admin")
        assert server.get("/v1/whoami", analyst)[1]["role"] == "analyst"
        assert server.get("/v1/audit", analyst)[0] == 403
        assert server.get("/v1/audit", admin)[0] == 200
        assert len(issuer.fetches) == 2, "the JWKS is cached between requests"

        now = time.time()
        other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_pem = (
            issuer.keys["k1"]
            .public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
        )
        claims = {"iss": issuer.url, "aud": AUDIENCE, "sub": "eve", "exp": now + 300}
        refused = {
            "expired": issuer.token(fauxhire_role="analyst", exp=now - 300),
            "not yet valid": issuer.token(fauxhire_role="analyst", nbf=now + 300),
            "wrong audience": issuer.token(fauxhire_role="analyst", aud="another-api"),
            "wrong issuer": issuer.token(fauxhire_role="analyst", iss="http://127.0.0.1:1"),
            "no expiry": issuer.token(fauxhire_role="analyst", exp=None),
            "other key": issuer.token(key=other_key, fauxhire_role="analyst"),
            "alg none": _unsigned(
                {"alg": "none", "kid": "k1"}, claims | {"fauxhire_role": "admin"}, None
            ),
            "HS256 with the public key": _unsigned(
                {"alg": "HS256", "kid": "k1"}, claims | {"fauxhire_role": "admin"}, public_pem
            ),
            "unknown role": issuer.token(fauxhire_role="root"),
            "no role": issuer.token(),
            "member role without a member": issuer.token(fauxhire_role="member_analyst"),
            "hub role with a member": issuer.token(fauxhire_role="admin", fauxhire_member="acme"),
            "member not a string": issuer.token(fauxhire_role="recruiter", fauxhire_member=["a"]),
            "not a jwt": "not-a-jwt",
        }
        for why, token in refused.items():
            assert server.get("/v1/whoami", token) == (401, DENIED), why

        # The IdP rotates to an elliptic-curve key (ES256), published after the server started.
        new_key = ec.generate_private_key(ec.SECP256R1())
        claims |= {"fauxhire_role": "analyst"}
        rotated = jwt.encode(claims, new_key, algorithm="ES256", headers={"kid": "k2"})
        assert server.get("/v1/whoami", rotated) == (401, DENIED), "k2 is not published yet"
        issuer.jwks.append({**ECAlgorithm.to_jwk(new_key.public_key(), as_dict=True), "kid": "k2"})
        time.sleep(COOLDOWN + 0.2)  # the refetch for k2 just now holds the next one back
        assert server.get("/v1/whoami", rotated)[0] == 200
        assert issuer.fetches.count("/jwks.json") >= 2, "k2 was found by a refetch"
        assert server.get("/v1/whoami", recruiter)[0] == 200, "the old key still signs"

        key = server.key("--role", "analyst")
        assert server.get("/v1/whoami", key)[1]["key_id"] == key.partition(".")[0]

    lines = server.log_lines()
    denied = [line for line in lines if line["message"] == "denied"]
    assert len(denied) == len(refused) + 1
    assert all(line["reason"] for line in denied)
    assert any("expired" in line.get("error", "") for line in denied)
    assert {line["key_id"] for line in denied if line["reason"].startswith("unknown role")} == {
        "oidc:alice"
    }
    logged = server.log.read_text()
    assert not [token for token in (recruiter, admin, *refused.values()) if token in logged]


def test_without_an_issuer_a_jwt_is_refused(issuer: Issuer, tmp_path: Path) -> None:
    with _serving(tmp_path, {}) as server:
        token = issuer.token(fauxhire_role="admin")
        assert server.get("/v1/whoami", token) == (401, DENIED)
        assert issuer.fetches == []
    reasons = [line.get("reason") for line in server.log_lines() if line["message"] == "denied"]
    assert reasons == ["no oidc issuer"]


def test_an_oidc_analyst_acts_in_its_subjects_name(issuer: Issuer, tmp_path: Path) -> None:
    """The analyst of a disposition is the token's subject, whatever the body might claim."""
    settings = {"FAUXHIRE_OIDC_ISSUER": issuer.url, "FAUXHIRE_OIDC_AUDIENCE": AUDIENCE}
    with _serving(tmp_path, settings) as server:
        _stored(server)
        analyst = issuer.token(sub="bob", fauxhire_role="analyst")
        cleared = {"identity_id": "i-1", "disposition": "cleared", "reason": "checked"}
        assert _fetch(server, "/v1/dispositions", analyst, cleared | {"analyst": "eve"})[0] == 422
        status, raw, _ = _fetch(server, "/v1/dispositions", analyst, cleared)
        assert status == 201, raw
        assert json.loads(raw)["analyst"] == "oidc:bob"
