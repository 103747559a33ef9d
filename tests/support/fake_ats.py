"""A fake of the ATS vendors' write-back APIs (Greenhouse Harvest, Ashby) for the webhook
tests: a real HTTP server on loopback, in a thread, that checks HTTP Basic auth with the key it
was given, records every request it accepted, and can be told to fail (503) like a vendor that
is down."""

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
            expected = "Basic " + base64.b64encode(f"{fake.api_key}:".encode()).decode()
            if fake.down or self.headers.get("Authorization") != expected:
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
            if self.path.startswith("/v1/"):  # Greenhouse Harvest
                self._send(201 if self.command == "POST" else 200, {"id": len(fake.received)})
            else:  # Ashby: 200 and success
                self._send(200, {"success": True, "results": {"id": f"n-{len(fake.received)}"}})

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
