"""OIDC access tokens: a JWT from the organisation's identity provider (IdP), checked against
the issuer's published keys (its JWKS) and mapped to the same ``Principal`` an API key gives.

What a token must be to pass: signed with RS256 or ES256 (never ``none``, never an HMAC
algorithm, which a public key would turn into a forgeable shared secret), by a key of the
issuer's JWKS that its header's ``kid`` names, with ``iss`` the configured issuer, ``aud``
holding the configured audience, ``exp`` in the future and ``nbf`` (if any) in the past, both
give or take a small leeway for clocks, and a ``sub``. Its role and member claims then pass the
same grant rules as a key's (services/keys.py ``role_problem``).

The JWKS is fetched on the first token and cached; a token whose ``kid`` the cache lacks makes
one refetch (the IdP has rotated its keys), at most once a cooldown, so that a flood of made-up
kids cannot turn into a flood of requests to the IdP.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

import jwt

from fauxhire.errors import AuthenticationError, ConfigError
from fauxhire.services.keys import Principal, role_problem

ALGORITHMS: Final = ("RS256", "ES256")
LEEWAY_SECONDS: Final = 30  # clock skew between the IdP and us, not a grace period
PRINCIPAL_PREFIX: Final = "oidc:"
_FETCH_TIMEOUT_SECONDS: Final = 10
_JWKS_LIFESPAN_SECONDS: Final = 300
_LOOPBACK: Final = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True, slots=True)
class OidcConfig:
    issuer: str
    audience: str
    jwks_url: str | None  # None: discovered from the issuer's openid-configuration
    role_claim: str
    member_claim: str
    jwks_cooldown_seconds: float

    def __post_init__(self) -> None:
        if not self.audience.strip():
            raise ConfigError("an OIDC issuer needs an audience (FAUXHIRE_OIDC_AUDIENCE)")
        for url in (self.issuer, self.jwks_url):
            if url is not None:
                check_url(url)


class OidcVerifier:
    """Checks OIDC access tokens of one issuer; safe to share between request threads."""

    def __init__(self, config: OidcConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._keys: jwt.PyJWKClient | None = None

    def authenticate(self, token: str) -> Principal:
        """The principal of a valid token; ``AuthenticationError`` otherwise, whose ``detail``
        says why, for the log and not for the caller."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _refused("malformed jwt", exc) from None
        if header.get("alg") not in ALGORITHMS:  # before any fetch: no JWKS request for junk
            raise _refused(f"algorithm {header.get('alg')!r} not allowed")
        if not isinstance(header.get("kid"), str):
            raise _refused("jwt without a kid")
        try:
            key = self._jwks().get_signing_key(header["kid"])
            claims = jwt.decode(
                token,
                key.key,
                algorithms=list(ALGORITHMS),
                audience=self.config.audience,
                issuer=self.config.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError as exc:
            raise _refused("jwks unavailable", exc) from None
        except jwt.PyJWTError as exc:
            raise _refused("invalid jwt", exc) from None
        return self._principal(claims)

    def _principal(self, claims: dict[str, Any]) -> Principal:
        key_id = PRINCIPAL_PREFIX + str(claims["sub"])
        role = claims.get(self.config.role_claim)
        member = claims.get(self.config.member_claim)
        if not isinstance(role, str) or not isinstance(member, str | None):
            raise _refused("role or member claim missing or not a string", key_id=key_id)
        if problem := role_problem(role, member):
            raise _refused(problem, key_id=key_id)
        return Principal(key_id, role, member, ())

    def _jwks(self) -> jwt.PyJWKClient:
        with self._lock:  # one discovery, however many requests arrive at once
            if self._keys is None:
                url = self.config.jwks_url or _discover_jwks_url(self.config.issuer)
                self._keys = jwt.PyJWKClient(
                    url,
                    lifespan=_JWKS_LIFESPAN_SECONDS,
                    timeout=_FETCH_TIMEOUT_SECONDS,
                    cooldown_duration=self.config.jwks_cooldown_seconds,
                )
            return self._keys


def _discover_jwks_url(issuer: str) -> str:
    return discovered(issuer, ("jwks_uri",))["jwks_uri"]


def discovered(issuer: str, fields: tuple[str, ...]) -> dict[str, str]:
    """The URLs ``fields`` of the issuer's discovery document, which must name the same issuer
    (OpenID Connect Discovery 1.0, section 4.3): else a document served elsewhere could
    point us at keys or endpoints of its own. Each URL passes ``check_url``."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        with urllib.request.urlopen(url, timeout=_FETCH_TIMEOUT_SECONDS) as response:
            document = json.load(response)
    except (OSError, ValueError) as exc:
        raise _refused("oidc discovery failed", exc) from None
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise _refused("oidc discovery names another issuer")
    found = {}
    for field in fields:
        value = document.get(field)
        if not isinstance(value, str):
            raise _refused(f"oidc discovery without a {field}")
        try:
            check_url(value)
        except ConfigError as exc:
            raise _refused(f"oidc discovery {field} refused", exc) from None
        found[field] = value
    return found


def check_url(url: str) -> None:
    """HTTPS, or plain HTTP on loopback only (a local test issuer): keys fetched over plain
    HTTP from elsewhere could be swapped on the way."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise ConfigError(f"OIDC URLs must be https (plain http on loopback only): {url!r}", url=url)


def _refused(
    reason: str, cause: Exception | None = None, key_id: str | None = None
) -> AuthenticationError:
    detail: dict[str, Any] = {"reason": reason, "key_id": key_id}
    if cause is not None:
        detail["error"] = str(cause)
    return AuthenticationError("invalid or missing credentials", **detail)
