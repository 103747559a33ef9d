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
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlencode

import orjson

from fauxhire.errors import VendorError

HARVEST: Final = "https://harvest.greenhouse.io"
TOKEN_URL: Final = "https://auth.greenhouse.io/token"
MARGIN: Final = 60.0  # seconds before its expiry a token is no longer used
TIMEOUT: Final = 10.0

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
        self._base = api_base.rstrip("/")
        self._client = split_credential(credential)
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

    @property
    def _key(self) -> str:
        # The credential itself is never a key of anything kept: its digest, with where.
        return hashlib.sha256(f"{self._base}\0{':'.join(self._client)}".encode()).hexdigest()

    def _token(self) -> str:
        return _TOKENS.get(self._key, self._clock, self._fetch)

    def _fetch(self) -> tuple[str, float]:
        basic = base64.b64encode(":".join(self._client).encode()).decode()
        request = urllib.request.Request(
            token_url(self._base),
            data=urlencode({"grant_type": "client_credentials"}).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {basic}",
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
    request = urllib.request.Request(
        url,
        data=orjson.dumps(body),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    return answer_of(request, "greenhouse", unauthorised=_Unauthorised)


def answer_of(
    request: urllib.request.Request, who: str, unauthorised: type[Exception] | None = None
) -> Any:
    """A vendor's answer to ``request``, as JSON (None if it is not); ``VendorError`` naming
    ``who`` and the status or the kind of failure, never the request's credentials. With
    ``unauthorised``, a 401 raises that instead."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as refused:
        refused.close()  # its answer's socket, which nothing reads
        if refused.code == 401 and unauthorised is not None:
            raise unauthorised from None
        raise VendorError(f"{who} answered {refused.code}", status=refused.code) from None
    except OSError as failed:  # refused, unreachable, timed out: the reason's kind, not its text
        raise VendorError(f"{who} unreachable ({type(failed).__name__})") from None
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None
