"""The console's sign-in through the IdP (services/console_sign_in.py) on a real `fauxhire
serve` and the local test issuer: the routes offer the IdP only when a console client is set,
redeem a code once for the verifier whose challenge it was given, hand out only tokens that
fauxhire itself takes, audit each sign-in, and never log a code, a verifier, a token or the
client's secret. An IdP that stops answering is a 502, not a stack trace."""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_serve import Server, _answer, serving

from fauxhire.store import SqlStore
from support.oidc_issuer import AUDIENCE, CLIENT_ID, Issuer, challenge_of, running_issuer

SECRET = "console-client-secret"
REDIRECT = "http://127.0.0.1:1/console/"  # the IdP checks it; fauxhire passes it on


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    with running_issuer(client_secret=SECRET) as made:
        yield made


def _settings(issuer: Issuer, **more: str) -> dict[str, str]:
    env = {name: v for name, v in os.environ.items() if not name.startswith("FAUXHIRE_OIDC_")}
    return env | {
        "FAUXHIRE_OIDC_ISSUER": issuer.url,
        "FAUXHIRE_OIDC_AUDIENCE": AUDIENCE,
        **{f"FAUXHIRE_OIDC_{name.upper()}": value for name, value in more.items()},
    }


def _post(server: Server, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    """A POST without any credential, as the page sends it before it has one."""
    request = urllib.request.Request(
        server.base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    return _answer(request)


def _code(issuer: Issuer, verifier: str, state: str = "st-1") -> str:
    """The code the IdP sends the browser back with, after it signed in ``issuer.signs_in``."""
    status, where = issuer.authorize({
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT,
        "scope": "openid", "state": state, "code_challenge": challenge_of(verifier),
        "code_challenge_method": "S256",
    })  # fmt: skip
    assert status == 302
    query = parse_qs(urlsplit(where).query)
    assert query["state"] == [state]
    return query["code"][0]


def test_a_code_is_redeemed_once_for_its_verifier_and_audited(
    issuer: Issuer, tmp_path: Path
) -> None:
    settings = _settings(
        issuer, console_client_id=CLIENT_ID, console_client_secret=SECRET,
        console_scope="openid fauxhire",
    )  # fmt: skip
    with serving(tmp_path, settings) as server:
        assert server.get("/v1/sign-in") == (
            200,
            {
                "oidc": {
                    "issuer": issuer.url,
                    "authorization_endpoint": issuer.url + "/authorize",
                    "client_id": CLIENT_ID,
                    "scope": "openid fauxhire",
                }
            },
        )
        verifier = secrets.token_urlsafe(48)
        issuer.signs_in = {
            "sub": "bob",
            "fauxhire_role": "member_analyst",
            "fauxhire_member": "acme",
        }
        code = _code(issuer, verifier)
        exchange = {"code": code, "code_verifier": verifier, "redirect_uri": REDIRECT}
        status, signed = _post(server, "/v1/sign-in/token", exchange)
        assert status == 200, signed
        assert {name: signed[name] for name in ("key_id", "role", "member", "expires_in")} == {
            "key_id": "oidc:bob", "role": "member_analyst", "member": "acme", "expires_in": 300
        }  # fmt: skip
        token = signed["access_token"]
        assert server.get("/v1/whoami", token)[1]["key_id"] == "oidc:bob"
        sent = issuer.redeemed[-1]
        assert (sent["client_secret"], sent["code_verifier"]) == (SECRET, verifier)

        assert _post(server, "/v1/sign-in/token", exchange)[0] == 400, "a code is good once"
        other = _code(issuer, verifier)
        wrong = {
            "code": other,
            "code_verifier": secrets.token_urlsafe(48),
            "redirect_uri": REDIRECT,
        }
        status, said = _post(server, "/v1/sign-in/token", wrong)
        assert (status, said["code"]) == (400, "sign_in_refused")
        assert "invalid_grant" in said["message"]
        assert "PKCE" not in said["message"], "the IdP's free text is not passed on"
        elsewhere = {**exchange, "code": _code(issuer, verifier), "redirect_uri": REDIRECT + "x"}
        assert _post(server, "/v1/sign-in/token", elsewhere)[0] == 400

        status, said = _post(server, "/v1/sign-in/token", {**exchange, "code_verifier": "short"})
        assert status == 422
        assert said["detail"][0]["loc"] == ["body", "code_verifier"]
        assert "short" not in json.dumps(said), "the submitted value is not echoed"

        issuer.signs_in = {"sub": "mallory", "fauxhire_role": "root"}  # a role fauxhire refuses
        rooted = {**exchange, "code": _code(issuer, verifier)}
        status, said = _post(server, "/v1/sign-in/token", rooted)
        assert (status, said["code"]) == (401, "authentication_failed")
        assert "access_token" not in said

        issuer.http.shutdown()  # the IdP stops answering
        issuer.http.server_close()
        status, said = _post(server, "/v1/sign-in/token", {**exchange, "code": "any"})
        assert (status, said["code"]) == (502, "vendor_error")

    store = SqlStore.open(server.db)
    try:
        events = [e for e in store.audit_events() if e.action == "console:sign-in"]
    finally:
        store.close()
    assert [(e.actor, e.role, e.member) for e in events] == [("oidc:bob", "member_analyst", "acme")]
    lines = server.log_lines()
    assert [line["key_id"] for line in lines if line["message"] == "signed in"] == ["oidc:bob"]
    reasons = [line["code"] for line in lines if line["message"] == "sign-in refused"]
    assert reasons == ["sign_in_refused"] * 3 + ["authentication_failed", "vendor_error"]
    logged = server.log.read_text()
    for secret_text in (code, other, verifier, token, SECRET):
        assert secret_text not in logged


def test_without_a_console_client_only_keys_are_offered(issuer: Issuer, tmp_path: Path) -> None:
    with serving(tmp_path, _settings(issuer)) as server:
        assert server.get("/v1/sign-in") == (200, {"oidc": None})
        verifier = secrets.token_urlsafe(48)
        exchange = {"code": "c", "code_verifier": verifier, "redirect_uri": REDIRECT}
        status, said = _post(server, "/v1/sign-in/token", exchange)
        assert (status, said["code"]) == (404, "not_found")
    assert issuer.redeemed == [], "nothing was sent to the IdP"


def test_an_idp_that_cannot_be_used_is_a_502_asked_of_it_once_a_while(
    issuer: Issuer, tmp_path: Path
) -> None:
    """A discovery document that names another issuer (served by someone else) is refused;
    the routes need no credential, so a refusal is not tried again at once for every caller."""
    wrong = {"issuer": "https://elsewhere.example", "authorization_endpoint": issuer.url}
    issuer.discovery = lambda: wrong  # type: ignore[method-assign]
    with serving(tmp_path, _settings(issuer, console_client_id=CLIENT_ID)) as server:
        for _ in range(3):
            status, said = server.get("/v1/sign-in")
            assert (status, said["code"]) == (502, "vendor_error")
        assert "elsewhere" not in said["message"]
    assert issuer.fetches.count("/.well-known/openid-configuration") == 1
