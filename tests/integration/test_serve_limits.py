"""`fauxhire serve`'s guards as they run: a real uvicorn server over loopback, keys made with
the real command line. A body over the limit is refused before it is read whole; a key over
its rate gets 429 with Retry-After while another key goes on; every response carries the
security headers; the console's files are neither limited nor kept from the browser's
cache; CORS stays closed unless an origin is configured; a 422 names the field and
never echoes the value."""

from __future__ import annotations

import gc
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI, Request
from test_serve import Server, _free_port, serving  # tests/integration is on sys.path

from fauxhire.api.app import create_app
from fauxhire.api.guards import SECURITY_HEADERS, Limits

MIB = 1024 * 1024
ATS = "https://ats.example"


class Reply:
    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = {name.lower(): value for name, value in response.getheaders()}
        self.text = response.read().decode()

    def json(self) -> object:
        return json.loads(self.text)


def _call(server: Server, path: str, method: str = "GET", **headers: str) -> Reply:
    connection = http.client.HTTPConnection(server.base.removeprefix("http://"), timeout=10)
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    try:
        connection.request(method, path, headers=named)
        return Reply(connection.getresponse())
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serving(tmp_path) as served:
        yield served


def test_a_body_over_the_limit_is_refused_before_it_is_read(server: Server) -> None:
    port = int(server.base.rpartition(":")[2])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        head = f"POST /v1/whoami HTTP/1.1\r\nHost: x\r\nContent-Length: {2 * MIB}\r\n\r\n"
        raw.sendall(head.encode() + b"x" * 65536)  # 64 KiB of the 2 MiB it announced
        answer = _until_closed(raw)
    status_line, _, rest = answer.partition("\r\n")
    assert status_line.startswith("HTTP/1.1 413 ")
    assert "x-content-type-options: nosniff" in rest.lower()
    assert json.loads(rest.partition("\r\n\r\n")[2])["code"] == "body_too_large"


def _until_closed(raw: socket.socket) -> str:
    """What the server sent before it closed (it may reset: the body sent is left unread)."""
    received = b""
    try:
        while chunk := raw.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received.decode()


@contextmanager
def _in_process(app: FastAPI) -> Iterator[int]:
    """``app`` served by uvicorn in a thread of the test, on the port yielded."""
    port = _free_port()
    served = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    try:
        while not served.started:
            time.sleep(0.05)
        yield port
    finally:
        served.should_exit = True
        thread.join(timeout=10)


def _post(port: int, path: str, body: Iterable[bytes] = ()) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:  # an iterable body is sent chunked, with no length
        connection.request("POST", path, body=iter(body), encode_chunked=True)
        return Reply(connection.getresponse())
    finally:
        connection.close()


def test_a_streamed_body_is_counted_as_it_comes(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'streamed.db'}", limits=Limits(max_body=1000))

    @app.post("/v1/size")  # a route that reads its body, as screening and webhooks will
    async def size(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    with _in_process(app) as port:
        small, large = (
            _post(port, "/v1/size", [b"y" * 300] * 3),
            _post(port, "/v1/size", [b"y" * 300] * 40),
        )
    assert (small.status, small.json()) == (200, {"size": 900})
    assert large.status == 413 and "body_too_large" in large.text


def test_the_start_up_heap_is_frozen_while_serving_and_thawed_after(tmp_path: Path) -> None:
    """The collector skips what start-up made while the server runs (api/app.py), and gets it
    back at shutdown, so that a process serving again does not keep its garbage forever."""
    app = create_app(f"sqlite:///{tmp_path / 'frozen.db'}")

    @app.post("/v1/frozen")
    def frozen() -> dict[str, int]:
        return {"frozen": gc.get_freeze_count()}

    assert gc.get_freeze_count() == 0
    with _in_process(app) as port:
        reply = _post(port, "/v1/frozen")
    assert reply.status == 200 and reply.json()["frozen"] > 1000
    assert gc.get_freeze_count() == 0


def test_an_unexpected_error_has_the_headers_too(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'failing.db'}")

    @app.post("/v1/fail")
    def fail() -> None:
        raise RuntimeError("a bug with a secret in its message")

    with _in_process(app) as port:
        reply = _post(port, "/v1/fail")
    assert (reply.status, reply.json()) == (
        500,
        {"code": "internal_error", "message": "internal error"},
    )
    for name, value in SECURITY_HEADERS.items():
        assert reply.headers[name.lower()] == value


def test_every_answer_carries_the_security_headers_and_no_cors(server: Server) -> None:
    ok = _call(server, "/v1/health", Origin=ATS)
    refused = _call(server, "/v1/whoami", Origin=ATS)
    unknown = _call(server, "/v1/no-such-route", Origin=ATS)
    assert (ok.status, refused.status, unknown.status) == (200, 401, 404)
    assert unknown.json() == {"code": "not_found", "message": "no such route"}
    for reply in (ok, refused, unknown):
        for name, value in SECURITY_HEADERS.items():
            assert reply.headers[name.lower()] == value
        assert not [name for name in reply.headers if name.startswith("access-control-")]
    preflight = _call(
        server, "/v1/whoami", "OPTIONS", Origin=ATS, Access_Control_Request_Method="GET"
    )
    assert not [name for name in preflight.headers if name.startswith("access-control-")]


def test_a_422_names_the_field_and_not_the_value(server: Server) -> None:
    admin = server.key("--role", "admin")
    bad = "jane.doe@example.com"
    reply = _call(server, f"/v1/audit?limit={bad}", Authorization=f"Bearer {admin}")
    assert reply.status == 422
    [error] = reply.json()["detail"]  # type: ignore[index]
    assert error["loc"] == ["query", "limit"] and error["msg"]
    assert bad not in reply.text and "jane" not in reply.text


def test_cors_opens_to_a_configured_origin_only(tmp_path: Path) -> None:
    origins = ("--cors-origin", ATS, "--cors-origin", "https://b.example")
    with serving(tmp_path, options=origins) as server:
        ok = _call(server, "/v1/health", Origin=ATS)
        assert ok.headers["access-control-allow-origin"] == ATS
        assert "origin" in ok.headers["vary"].lower()
        preflight = _call(
            server, "/v1/whoami", "OPTIONS", Origin=ATS, Access_Control_Request_Method="GET"
        )
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-origin"] == ATS
        assert "Authorization" in preflight.headers["access-control-allow-headers"]
        for other in ("https://evil.example", "null"):
            refused = _call(
                server, "/v1/whoami", "OPTIONS", Origin=other, Access_Control_Request_Method="GET"
            )
            plain = _call(server, "/v1/health", Origin=other)
            assert (refused.status, plain.status) == (405, 200)  # as if CORS did not exist
            for reply in (refused, plain):
                assert not [name for name in reply.headers if name.startswith("access-control-")]


def _statuses(server: Server, count: int, token: str | None = None) -> list[int]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    path = "/v1/health" if token is None else "/v1/whoami"
    return [_call(server, path, **headers).status for _ in range(count)]


def test_each_key_has_its_own_rate_and_refusals_wait(tmp_path: Path) -> None:
    # One token every 5 s: a burst of 5, then nothing more for the length of the test.
    with serving(tmp_path, options=("--rate", "0.2", "--burst", "5")) as server:
        first, second = server.key("--role", "analyst"), server.key("--role", "analyst")
        assert _statuses(server, 7, first) == [200] * 5 + [429] * 2
        refused = _call(server, "/v1/whoami", Authorization=f"Bearer {first}")
        assert refused.status == 429 and 1 <= int(refused.headers["retry-after"]) <= 5
        assert refused.json()["code"] == "rate_limited"  # type: ignore[index]
        for name, value in SECURITY_HEADERS.items():
            assert refused.headers[name.lower()] == value
        assert _statuses(server, 1, second) == [200]

        # Without a credential, the client address has the bucket (live checks took one).
        anonymous = _statuses(server, 6)
        assert anonymous.count(200) <= 5 and anonymous[-1] == 429
        assert _statuses(server, 1, second) == [200]  # a key is not its address

        # Made-up credentials each get a fresh bucket, but their 401s drain their address's.
        guessed = [_statuses(server, 1, f"fk_guess.{n}")[0] for n in range(9)]
        assert guessed[:5] == [401] * 5 and guessed[-1] == 429
        assert set(guessed) == {401, 429} and guessed.count(401) <= 6
        assert _statuses(server, 1, second) == [429]  # the cost: the address's keys wait too

        # The console's files hold no data and touch no store: an address whose bucket is
        # empty still loads them (a page is a dozen files), and a browser keeps them as long
        # as they have not changed.
        assert _statuses(server, 1) == [429]
        pages = [_call(server, "/console/console.js") for _ in range(12)]
        assert {page.status for page in pages} == {200}
        assert pages[0].headers["cache-control"] == "no-cache"
        assert pages[0].headers["content-security-policy"].startswith("default-src 'none'")
        again = _call(server, "/console/console.js", **{"If-None-Match": pages[0].headers["etag"]})
        assert (again.status, again.text) == (304, "")
        assert _call(server, "/v1/health").status == 429, "the API is still limited"
