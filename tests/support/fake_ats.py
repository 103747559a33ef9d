"""A fake of the ATS vendors' write-back APIs (Greenhouse Harvest v3, Ashby) for the webhook
tests: a real HTTP server on loopback, in a thread, that records every request it accepted, and
can be told to fail (503) like a vendor that is down.

Ashby's calls carry HTTP Basic auth with the key it was given. Greenhouse's carry a bearer
token that its ``/token`` gave for the client-credentials grant, asked with HTTP Basic auth of
the key as ``CLIENT_ID:CLIENT_SECRET``; ``revoke_tokens`` makes every token given so far
answer 401, as an expired or revoked one does."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeAts:
    api_key: str
    base: str = ""
    received: list[Received] = field(default_factory=list)
    refused: int = 0  # requests answered 401 or 503
    down: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens: list[str] = field(default_factory=list)  # every token given, in order
    valid: set[str] = field(default_factory=set)  # those not revoked

    def revoke_tokens(self) -> None:
        with self.lock:
            self.valid.clear()

    def wait_for(self, count: int, timeout: float = 15.0) -> list[Received]:
        """The requests accepted, once there are ``count`` of them (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            return list(self.received)


def _handler(fake: FakeAts) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path == "/token" and not fake.down:
                self._token(raw)
                return
            if fake.down or not self._authorised():
                with fake.lock:
                    fake.refused += 1
                self._send(503 if fake.down else 401, {"errors": ["refused"]})
                return
            request = Received(
                self.command,
                self.path,
                dict(self.headers.items()),
                json.loads(raw) if raw else None,
            )
            with fake.lock:
                fake.received.append(request)
            if self.path.startswith("/v3/"):  # Greenhouse Harvest v3
                self._send(201, {"id": len(fake.received)})
            else:  # Ashby: 200 and success
                self._send(200, {"success": True, "results": {"id": f"n-{len(fake.received)}"}})

        def _authorised(self) -> bool:
            given = self.headers.get("Authorization") or ""
            if self.path.startswith("/v3/"):
                with fake.lock:
                    return given.removeprefix("Bearer ") in fake.valid
            return given == "Basic " + base64.b64encode(f"{fake.api_key}:".encode()).decode()

        def _token(self, raw: bytes) -> None:
            """The client-credentials grant, for the key as CLIENT_ID:CLIENT_SECRET."""
            basic = "Basic " + base64.b64encode(fake.api_key.encode()).decode()
            granted = raw == b"grant_type=client_credentials"
            if self.headers.get("Authorization") != basic or not granted:
                with fake.lock:
                    fake.refused += 1
                self._send(401, {"error": "invalid_client"})
                return
            with fake.lock:
                token = f"token-{len(fake.tokens) + 1}"
                fake.tokens.append(token)
                fake.valid.add(token)
            self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

        do_POST = do_PUT = _answer

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # quiet: the test asserts on ``received``
            return

    return Handler


@contextmanager
def fake_ats(api_key: str) -> Iterator[FakeAts]:
    fake = FakeAts(api_key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
