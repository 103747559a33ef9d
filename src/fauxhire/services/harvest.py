"""Greenhouse's Harvest API v3, as the write-back uses it (services/writeback.py).

Greenhouse switched Harvest v1 and v2 off after 2026-08-31. v3 takes an OAuth 2.0 access
token, got with the client-credentials grant from Greenhouse's token endpoint (the client id
and secret in HTTP Basic auth), and sent as a bearer token. The write-back needs two calls:

- ``POST /v3/notes``: the candidate (and the application) by id, the note's text,
  ``note_type`` ``NOTE`` and its visibility, written as the user ``user_id`` names;
- ``POST /v3/applied_candidate_tags``: the candidate and an existing tag by id (v3 applies a
  tag that exists; it no longer makes one from a name).

A token is kept, per credential, until shortly before it expires; a call answered 401 is
tried once more with a new token (one revoked or expired early). Neither the secret nor a
token is ever logged or put in an error.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlencode

from fauxhire.errors import VendorError
from fauxhire.services.vendor_http import answer_of, post_json

HARVEST: Final = "https://harvest.greenhouse.io"
TOKEN_URL: Final = "https://auth.greenhouse.io/token"
MARGIN: Final = 60.0  # seconds before its expiry a token is no longer used

Clock = Callable[[], float]


def token_url(api_base: str) -> str:
    """Greenhouse's token endpoint for Harvest at ``api_base``; a base of one's own (a proxy,
    a test double) serves its tokens at ``/token`` beside ``/v3``."""
    base = api_base.rstrip("/")
    return TOKEN_URL if base == HARVEST else f"{base}/token"


def split_credential(credential: str) -> tuple[str, str]:
    """A Harvest v3 credential, given as ``CLIENT_ID:CLIENT_SECRET``."""
    client_id, colon, secret = credential.partition(":")
    if not colon or not client_id or not secret:
        raise VendorError(
            "a Greenhouse credential is its Harvest v3 client id and secret, "
            "given as CLIENT_ID:CLIENT_SECRET"
        )
    return client_id, secret


def number(value: str | None, what: str) -> int:
    """A Greenhouse id (they are integers in v3's bodies)."""
    if value is None or not value.isdigit():
        raise VendorError(f"greenhouse: the {what} is not a Greenhouse id")
    return int(value)


class Harvest:
    """Calls to Harvest v3 with one credential, its token kept between calls."""

    def __init__(self, api_base: str, credential: str, clock: Clock = time.monotonic) -> None:
        split_credential(credential)  # refused here, before any call, if it is not one
        self._base = api_base.rstrip("/")
        self._basic = base64.b64encode(credential.encode()).decode()
        # Tokens are kept by the credential's digest, with where: never by the credential.
        self._key = hashlib.sha256(f"{self._base}\0{credential}".encode()).hexdigest()
        self._clock = clock

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """POST ``body`` to ``/v3{path}``: its answer; ``VendorError`` when refused."""
        url = f"{self._base}/v3{path}"
        try:
            return _send(url, body, self._token())
        except _Unauthorised:
            _TOKENS.drop(self._key)  # expired early or revoked: a new one, once
            try:
                return _send(url, body, self._token())
            except _Unauthorised:
                raise VendorError("greenhouse answered 401", status=401) from None

    def _token(self) -> str:
        return _TOKENS.get(self._key, self._clock, self._fetch)

    def _fetch(self) -> tuple[str, float]:
        request = urllib.request.Request(
            token_url(self._base),
            data=urlencode({"grant_type": "client_credentials"}).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {self._basic}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        answer = answer_of(request, "greenhouse's token endpoint")
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise VendorError("greenhouse's token endpoint gave no access token")
        lifetime = answer.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else 3600.0
        return token, self._clock() + max(seconds - MARGIN, 0.0)


class _Tokens:
    """The access tokens of the process, by credential digest, each with when it is stale."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, clock: Clock, fetch: Callable[[], tuple[str, float]]) -> str:
        with self._lock:  # one request for a token at a time: a burst fetches one, not many
            held = self._held.get(key)
            if held is None or clock() >= held[1]:
                held = self._held[key] = fetch()
            return held[0]

    def drop(self, key: str) -> None:
        with self._lock:
            self._held.pop(key, None)


_TOKENS = _Tokens()


class _Unauthorised(Exception):
    """A call answered 401: its token is tried no more."""


def _send(url: str, body: dict[str, Any], token: str) -> Any:
    return post_json(url, body, f"Bearer {token}", "greenhouse", unauthorised=_Unauthorised)
