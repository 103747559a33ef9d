"""A local OIDC identity provider for the tests: an HTTP server on a loopback port, in a
thread of the test. It publishes its discovery document and a JWKS of keys the test makes,
signs tokens, and runs the authorization code flow with PKCE (S256) for one registered client,
as an IdP does for the console: ``/authorize`` signs in whoever the test chose (``signs_in``)
and sends the browser back with a code; ``/token`` redeems a code once, for the verifier whose
challenge it was given, and refuses anything else with an OAuth error.

It is a fake at a true external boundary (the organisation's IdP), and checks what a real one
checks: the client, the redirect URI, the challenge method, the verifier, single use."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

AUDIENCE = "fauxhire-api"
CLIENT_ID = "fauxhire-console"


class Issuer:
    """The IdP. ``publish`` adds a key to the JWKS, as an IdP does before it signs with it;
    ``token`` signs an access token; ``signs_in`` holds the claims of whoever signs in next
    at ``/authorize`` (None: the person refuses, and the IdP says ``access_denied``)."""

    def __init__(self, client_secret: str | None = None) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.jwks: list[dict[str, Any]] = []
        self.fetches: list[str] = []
        self.client_secret = client_secret
        self.signs_in: dict[str, Any] | None = {"sub": "alice", "fauxhire_role": "analyst"}
        self.codes: dict[str, dict[str, Any]] = {}  # code -> what it was given for
        self.redeemed: list[dict[str, str]] = []  # every form the token endpoint was sent
        self.http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"

    def discovery(self) -> dict[str, str]:
        return {
            "issuer": self.url,
            "jwks_uri": self.url + "/jwks.json",
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
        }

    def publish(self, kid: str) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[kid] = key
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        self.jwks.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})

    def token(self, kid: str = "k1", key: rsa.RSAPrivateKey | None = None, **changes: Any) -> str:
        claims = {"iss": self.url, "aud": AUDIENCE, "sub": "alice", "exp": time.time() + 300}
        claims |= changes
        claims = {name: value for name, value in claims.items() if value is not None}
        signer = key or self.keys[kid]
        return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": kid})

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The redirect ``/authorize`` answers with: (302, where) or (400, why)."""
        if query.get("client_id") != CLIENT_ID or not query.get("redirect_uri"):
            return 400, "unknown client or no redirect_uri"  # never redirect for a stranger
        back = query["redirect_uri"]
        state = {"state": query["state"]} if "state" in query else {}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return 302, _with(back, {"error": "invalid_request", **state})
        if self.signs_in is None:
            return 302, _with(back, {"error": "access_denied", **state})
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": query.get("code_challenge", ""),
            "redirect_uri": back,
            "claims": dict(self.signs_in),
            "scope": query.get("scope", ""),
        }
        return 302, _with(back, {"code": code, **state})

    def redeem(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The token endpoint's answer to ``form``."""
        self.redeemed.append(form)
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        given = self.codes.pop(form.get("code", ""), None)  # a code is good once
        verifier = form.get("code_verifier", "")
        if given is None or given["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if challenge_of(verifier) != given["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        return 200, {
            "access_token": self.token(**given["claims"]),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.token(**given["claims"], aud=CLIENT_ID),
        }


def challenge_of(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636 section 4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _with(url: str, query: dict[str, str]) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(query)


def _handler(issuer: Issuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            issuer.fetches.append(self.path)
            path, _, query = self.path.partition("?")
            if path == "/authorize":
                status, said = issuer.authorize(dict(parse_qsl(query)))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", said)
                self._body(said.encode() if status != 302 else b"", "text/plain")
                return
            documents = {
                "/.well-known/openid-configuration": issuer.discovery(),
                "/jwks.json": {"keys": list(issuer.jwks)},
            }
            self.send_response(200 if path in documents else 404)
            self._body(json.dumps(documents.get(path)).encode(), "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            status, answer = issuer.redeem(form) if self.path == "/token" else (404, {})
            self.send_response(status)
            self._body(json.dumps(answer).encode(), "application/json")

        def _body(self, body: bytes, media_type: str) -> None:
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # quiet: the test reads fetches
            pass

    return Handler


@contextmanager
def running_issuer(client_secret: str | None = None) -> Iterator[Issuer]:
    """An issuer with the key ``k1`` published, serving until the block ends."""
    made = Issuer(client_secret)
    made.publish("k1")
    thread = threading.Thread(target=made.http.serve_forever, daemon=True)
    thread.start()
    try:
        yield made
    finally:
        made.http.shutdown()
        made.http.server_close()
