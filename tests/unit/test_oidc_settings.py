"""The OIDC settings as the composition root reads them: no issuer, no checker (API keys
only); an issuer needs an audience; the issuer's and JWKS's URLs must be HTTPS, or plain HTTP
on loopback (a local test issuer), since keys fetched over plain HTTP could be swapped. The
console signs in through the IdP only when a client is named for it, and a client needs an
issuer."""

from __future__ import annotations

from pathlib import Path

import pytest

from fauxhire.bootstrap import configure, console_sign_in
from fauxhire.errors import ConfigError


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder and no OIDC setting but those a test gives."""
    names = ("ISSUER", "AUDIENCE", "JWKS_URL", "ROLE_CLAIM", "MEMBER_CLAIM")
    for name in (*names, "CONSOLE_CLIENT_ID", "CONSOLE_CLIENT_SECRET", "CONSOLE_SCOPE"):
        monkeypatch.delenv(f"FAUXHIRE_OIDC_{name}", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_an_issuer_there_is_no_checker() -> None:
    assert configure().oidc is None


def test_an_issuer_configures_a_checker_with_its_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAUXHIRE_OIDC_ISSUER", "https://idp.example.org")
    monkeypatch.setenv("FAUXHIRE_OIDC_AUDIENCE", "fauxhire")
    monkeypatch.setenv("FAUXHIRE_OIDC_MEMBER_CLAIM", "company")
    checker = configure().oidc
    assert checker is not None
    assert checker.config.issuer == "https://idp.example.org"
    assert checker.config.jwks_url is None  # discovered on the first token
    assert (checker.config.role_claim, checker.config.member_claim) == ("fauxhire_role", "company")


@pytest.mark.parametrize(
    ("issuer", "audience", "jwks_url", "problem"),
    [
        ("https://idp.example.org", None, None, "audience"),
        ("http://idp.example.org", "fauxhire", None, "https"),
        ("https://idp.example.org", "fauxhire", "http://keys.example.org/jwks", "https"),
    ],
)
def test_a_risky_or_incomplete_issuer_is_refused(
    monkeypatch: pytest.MonkeyPatch,
    issuer: str,
    audience: str | None,
    jwks_url: str | None,
    problem: str,
) -> None:
    monkeypatch.setenv("FAUXHIRE_OIDC_ISSUER", issuer)
    for name, value in (("AUDIENCE", audience), ("JWKS_URL", jwks_url)):
        if value is not None:
            monkeypatch.setenv(f"FAUXHIRE_OIDC_{name}", value)
    with pytest.raises(ConfigError, match=problem):
        configure()


def test_the_console_signs_in_through_the_idp_only_with_a_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FAUXHIRE_OIDC_ISSUER", "https://idp.example.org")
    monkeypatch.setenv("FAUXHIRE_OIDC_AUDIENCE", "fauxhire")
    assert console_sign_in(configure()) is None
    monkeypatch.setenv("FAUXHIRE_OIDC_CONSOLE_CLIENT_ID", "console")
    monkeypatch.setenv("FAUXHIRE_OIDC_CONSOLE_CLIENT_SECRET", "s3cret")
    signing_in = console_sign_in(configure())
    assert signing_in is not None
    assert signing_in.client.client_id == "console"
    assert (signing_in.client.scope, signing_in.client.secret) == ("openid", "s3cret")
    assert "s3cret" not in repr(configure().settings), "the secret is never printed"


def test_a_console_client_without_an_issuer_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAUXHIRE_OIDC_CONSOLE_CLIENT_ID", "console")
    with pytest.raises(ConfigError, match="needs an issuer"):
        console_sign_in(configure())
