"""Signing in to the console through the organisation's IdP: the OAuth 2.0 authorization code
flow with PKCE (RFC 7636, S256), for people who have no API key.

The browser goes to the IdP's authorization endpoint with a challenge of a verifier it keeps,
and comes back with a code. It hands the code and the verifier to ``exchange``, and the server
redeems them at the IdP's token endpoint. The server does this, not the browser, so the console
keeps calling nothing but fauxhire (its content security policy says so), the IdP needs no
CORS for it, and an IdP that registers the console as a confidential client gets its secret
from the server's settings, never from the page.

The access token the IdP gives back is checked as every bearer token is (``OidcVerifier``)
before the browser gets it: a token fauxhire would refuse is never handed out, so the
exchange cannot be used to redeem codes for anything else. The code, the verifier and the
tokens are never logged.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urlencode

from fauxhire.domain.outcomes import AuditEvent
from fauxhire.errors import AuthenticationError, SignInRefused, VendorError
from fauxhire.ports import KeyAdmin
from fauxhire.services.keys import Principal
from fauxhire.services.oidc import OidcVerifier, discovered

_TIMEOUT_SECONDS: Final = 10
_RETRY_SECONDS: Final = 30.0
_ENDPOINTS: Final = ("authorization_endpoint", "token_endpoint")
# OAuth error codes (RFC 6749 section 5.2) passed back as they are: anything else the IdP
# says is reduced to "invalid_request", so a page never shows the IdP's free text as ours.
_KNOWN_ERRORS: Final = frozenset(
    {"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
     "unsupported_grant_type", "invalid_scope"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ConsoleClient:
    """The console as the IdP knows it: its client id, the scope it asks for, and a secret
    when the IdP registers it as a confidential client (None: a public client, PKCE only)."""

    client_id: str
    scope: str
    secret: str | None = None


@dataclass(frozen=True, slots=True)
class SignedIn:
    access_token: str
    expires_in: int | None  # seconds, as the IdP said
    principal: Principal


class ConsoleSignIn:
    """The console's sign-in through one IdP; safe to share between request threads."""

    def __init__(self, verifier: OidcVerifier, client: ConsoleClient) -> None:
        self.verifier, self.client = verifier, client
        self._lock = threading.Lock()
        self._endpoints: dict[str, str] | None = None
        self._retry_at = 0.0  # time.monotonic() after which a failed discovery is tried again

    def offer(self) -> dict[str, str]:
        """What the page needs to send the browser to the IdP (nothing secret)."""
        endpoints = self.endpoints()
        return {
            "issuer": self.verifier.config.issuer,
            "authorization_endpoint": endpoints["authorization_endpoint"],
            "client_id": self.client.client_id,
            "scope": self.client.scope,
        }

    def endpoints(self) -> dict[str, str]:
        """The IdP's authorization and token endpoints, discovered once. A failed discovery
        is not tried again for a while: the routes that ask need no credential, and must not
        turn anyone's requests into as many requests to the IdP."""
        with self._lock:
            if self._endpoints is None:
                if time.monotonic() < self._retry_at:
                    raise VendorError("the identity provider could not be reached (recently)")
                try:
                    self._endpoints = discovered(self.verifier.config.issuer, _ENDPOINTS)
                except AuthenticationError as exc:
                    self._retry_at = time.monotonic() + _RETRY_SECONDS
                    raise VendorError(
                        "the identity provider could not be reached", **exc.detail
                    ) from None
            return self._endpoints

    def exchange(
        self, code: str, code_verifier: str, redirect_uri: str, audit: KeyAdmin, now: datetime
    ) -> SignedIn:
        """The IdP's access token for ``code``, checked as a bearer token is, with a
        ``console:sign-in`` audit event. ``SignInRefused`` if the IdP refuses the code,
        ``VendorError`` if it does not answer, ``AuthenticationError`` if fauxhire would
        refuse the token it gives."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": self.client.client_id,
            "code_verifier": code_verifier,
        }
        if self.client.secret is not None:
            form["client_secret"] = self.client.secret
        answer = _post_form(self.endpoints()["token_endpoint"], form)
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise VendorError("the identity provider answered without an access token")
        principal = self.verifier.authenticate(token)
        expires_in = answer.get("expires_in")
        event = AuditEvent(
            principal.key_id, "console:sign-in", f"role:{principal.role}", "sign-in", now,
            role=principal.role, member=principal.member,
        )  # fmt: skip
        with audit.unit_of_work():
            audit.append_audit(event)
        return SignedIn(token, expires_in if isinstance(expires_in, int) else None, principal)


def _post_form(url: str, form: dict[str, str]) -> dict[str, object]:
    """The JSON the token endpoint answers to ``form``; its OAuth error as ``SignInRefused``."""
    request = urllib.request.Request(
        url,
        data=urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            return _json_object(response.read())
    except urllib.error.HTTPError as refused:
        said = _json_object(refused.read()).get("error")
        error = said if isinstance(said, str) and said in _KNOWN_ERRORS else "invalid_request"
        if refused.code >= 500:
            raise VendorError(f"the identity provider answered {refused.code}") from None
        raise SignInRefused(
            f"the identity provider refused the sign-in ({error})", error=error
        ) from None
    except OSError as failed:
        raise VendorError(
            f"the identity provider could not be reached ({type(failed).__name__})"
        ) from None


def _json_object(raw: bytes) -> dict[str, object]:
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
