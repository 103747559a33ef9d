"""`fauxhire serve` as it runs: a real uvicorn server in its own process over a SQLite store,
keys made and revoked with the real command line, requests over loopback. Liveness and
readiness answer without credentials; every other route denies by default; the server logs
JSON lines, never shows a stack trace or a store's error text, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from fauxhire.api.app import create_app, public
from fauxhire.api.auth import principal
from fauxhire.api.sign_in import sign_in
from fauxhire.api.webhooks import signed_delivery, webhooks
from fauxhire.console import STATIC
from fauxhire.domain.audit_chain import GENESIS, event_hash
from fauxhire.ports import AuditEvent
from fauxhire.services.keys import create_key
from fauxhire.store import SqlStore

PUBLIC = {"/v1/health", "/v1/ready"}


def _fauxhire(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "fauxhire.cli", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path
    db: str
    folder: Path

    def get(
        self, path: str, token: str | None = None, scheme: str = "Bearer", method: str = "GET"
    ) -> tuple[int, dict]:
        headers = {} if token is None else {"Authorization": f"{scheme} {token}"}
        return _answer(urllib.request.Request(self.base + path, headers=headers, method=method))

    def post(
        self, path: str, body: Any, token: str, timeout: float = 10
    ) -> tuple[int, dict[str, Any]]:
        """POST ``body`` as JSON with a bearer ``token``: the status and the JSON answer."""
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        data = json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        return _answer(request, timeout)

    def key(self, *grant: str) -> str:
        """A key of ``grant`` (``--role R [--member M]``), made in this process by the service
        `fauxhire keys create` calls: a command's start costs a second, and the suite makes
        hundreds of keys (test_keys_cli.py runs the command itself)."""
        options = dict(zip(grant[::2], grant[1::2], strict=True))
        assert set(options) <= {"--role", "--member"}, grant
        store = SqlStore.open(self.db)
        try:
            created = create_key(
                store,
                name="test",
                role=options["--role"],
                member=options.get("--member"),
                created_by="test",
                now=datetime.now(UTC),
            )
        finally:
            store.close()
        return created.token

    def log_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]


def _answer(request: urllib.request.Request, timeout: float = 10) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with serving(tmp_path) as served:
        yield served


@contextmanager
def serving(
    folder: Path,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
    db: str | None = None,
) -> Iterator[Server]:
    """`fauxhire serve` on a store in ``folder`` (or the store ``db`` names), in the
    environment ``env`` (default: ours), with the further command-line ``options``."""
    db = db or f"sqlite:///{folder / 'served.db'}"
    port = _free_port()
    log = folder / "serve.log"
    command = [sys.executable, "-m", "fauxhire.cli", "serve", "--port", str(port), "--db", db]
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, *options],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=stderr, env=env,
        )  # fmt: skip
    served = Server(process, f"http://127.0.0.1:{port}", log, db, folder)
    try:
        _wait_until_live(served)
        yield served
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _wait_until_live(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.process.poll() is None, server.log.read_text()
        try:
            if server.get("/v1/health")[0] == 200:
                return
        except OSError:  # not listening yet
            time.sleep(0.1)
    pytest.fail(f"the server did not start: {server.log.read_text()}")


def _stop(server: Server) -> int:
    server.process.send_signal(signal.SIGTERM)
    return server.process.wait(timeout=30)


def test_keys_open_whoami_and_sigterm_stops_cleanly(server: Server) -> None:
    assert server.get("/v1/health") == (200, {"status": "ok"})
    assert server.get("/v1/ready") == (200, {"status": "ready"})
    valid = server.key("--role", "recruiter", "--member", "acme")
    revoked = server.key("--role", "analyst")
    gone = _fauxhire(
        "keys", "revoke", revoked.partition(".")[0], "--db", server.db, cwd=server.folder
    )
    assert gone.returncode == 0, gone.stderr

    denied = {
        "detail": {"code": "authentication_failed", "message": "invalid or missing credentials"}
    }
    assert server.get("/v1/whoami") == (401, denied)
    assert server.get("/v1/whoami", revoked) == (401, denied)
    assert server.get("/v1/whoami", valid + "x") == (401, denied)
    assert server.get("/v1/whoami", valid, scheme="Basic") == (401, denied)
    status, me = server.get("/v1/whoami", valid)
    assert status == 200
    assert me == {
        "key_id": valid.partition(".")[0],
        "role": "recruiter",
        "member": "acme",
        "scopes": [],
    }

    assert _stop(server) == 0
    lines = server.log_lines()  # every line JSON, or this fails
    messages = [line["message"] for line in lines]
    assert "store closed" in messages and "Application shutdown complete." in messages
    reasons = {line.get("reason") for line in lines if line["message"] == "denied"}
    assert reasons == {"no bearer token", "revoked", "malformed"}
    requests = [line for line in lines if line["message"] == "request"]
    assert [r["status"] for r in requests if r["path"] == "/v1/whoami"] == [401, 401, 401, 401, 200]
    for secret in (valid.partition(".")[2], revoked.partition(".")[2]):
        assert secret not in server.log.read_text()


def test_a_store_that_fails_answers_without_its_error_text(server: Server) -> None:
    token = server.key("--role", "admin")
    with sqlite3.connect(server.folder / "served.db") as conn:
        conn.execute("DROP TABLE api_keys")  # the store now fails every key lookup
    status, body = server.get("/v1/ready")
    assert (status, body) == (503, {"status": "unavailable"})
    status, body = server.get("/v1/whoami", token)
    assert (status, body) == (503, {"code": "store_error", "message": "the store failed"})
    assert _stop(server) == 0
    text = server.log.read_text()
    assert "no such table" in text  # the cause is in the log, not in the response


def test_every_route_but_liveness_and_readiness_needs_a_key(server: Server) -> None:
    """The app serves routers only: the public one (liveness and readiness), the webhooks'
    (whose caller is a vendor: the router depends on ``signed_delivery``, the vendor's
    signature, instead of a key), the console's sign-in through the IdP (how a person without a
    credential gets one), and others that depend on ``principal``; and the console's static
    pages, which hold no data. Every route but the public ones answers 401 before its
    own code runs. Walked from the app, so a router added later is covered."""
    assert {r.path for r in public.routes} == PUBLIC
    guarded = []
    for mounted in create_app("sqlite://").routes:
        if isinstance(mounted, Mount) and mounted.path == "/console":
            # The package's own files, and nothing else: no route, no store behind it.
            assert isinstance(mounted.app, StaticFiles)
            assert [Path(d) for d in mounted.app.all_directories] == [STATIC]
            continue
        router = getattr(mounted, "original_router", None)
        assert router is not None, mounted  # a route mounted outside every router
        if router is public:
            continue
        if router is sign_in:  # how a person without a credential gets one: these two only
            assert {r.path for r in router.routes} == {"/v1/sign-in", "/v1/sign-in/token"}
            continue
        needed = signed_delivery if router is webhooks else principal
        assert needed in [d.dependency for d in router.dependencies], router.prefix
        guarded += [r for r in router.routes if isinstance(r, APIRoute)]
    assert {"/v1/whoami", "/v1/screen", "/v1/webhooks/{vendor}/{member}"} <= {
        r.path for r in guarded
    }
    key = server.key("--role", "analyst")  # a key is no signature: the webhooks refuse it
    for route in guarded:
        path = route.path.replace("{identity_id}", "i-1").replace("{network_id}", "net-1")
        path = path.replace("{vendor}", "greenhouse").replace("{member}", "acme")
        assert server.get(path, method=next(iter(route.methods)))[0] == 401, path
        if route in webhooks.routes:
            assert server.get(path, key, method="POST")[0] == 401, path


def test_the_command_line_does_not_load_the_server() -> None:
    """`fauxhire --help` and every other command stay as fast as before: FastAPI and uvicorn
    are imported only when `serve` runs."""
    probe = "import sys, fauxhire.cli; print(sorted({'fastapi', 'uvicorn'} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_the_audit_trail_is_served_to_admins_with_its_chain(server: Server) -> None:
    """GET /v1/audit: 401 without a key, 403 for an analyst's, 200 for an admin's; keys made
    with the command line are in it, chained, and `fauxhire audit verify` agrees."""
    admin, analyst = server.key("--role", "admin"), server.key("--role", "analyst")
    assert server.get("/v1/audit")[0] == 401
    status, body = server.get("/v1/audit", analyst)
    assert (status, body["code"]) == (403, "permission_denied")
    status, body = server.get("/v1/audit", admin)
    assert status == 200 and body["next_after"] is None
    events = body["events"]
    assert [(e["action"], e["subject"]) for e in events] == [
        ("key:create", f"key:{token.partition('.')[0]}") for token in (admin, analyst)
    ]
    prev = GENESIS
    for served in events:  # each hash is the chain's own, recomputed from what is served
        fields = {name: served[name] for name in AuditEvent._fields}
        fields |= {"at": datetime.fromisoformat(served["at"]), "records": tuple(served["records"])}
        event = AuditEvent(**fields)
        assert (served["prev_hash"], served["hash"]) == (prev, event_hash(event, prev))
        prev = served["hash"]

    later = server.key("--role", "recruiter", "--member", "acme")
    status, page = server.get(f"/v1/audit?after={events[-1]['event_id']}&limit=2", admin)
    assert status == 200
    read, made = page["events"]  # the first page's read is on the trail, then the new key
    assert (read["action"], read["subject"], read["role"]) == ("audit:read", "audit", "admin")
    assert (read["actor"], read["purpose"]) == (admin.partition(".")[0], "audit review")
    assert read["records"] == [str(e["event_id"]) for e in events]
    assert read["prev_hash"] == prev
    assert made["subject"] == f"key:{later.partition('.')[0]}"
    assert page["next_after"] == made["event_id"]  # a full page: ask again
    subject = events[1]["subject"]
    status, about = server.get(f"/v1/audit?subject={subject}&purpose=case%2017", admin)
    assert [e["event_id"] for e in about["events"]] == [events[1]["event_id"]]
    assert server.get("/v1/audit?limit=1001", admin)[0] == 422
    status, tail = server.get(f"/v1/audit?after={made['event_id']}", admin)
    assert [(e["action"], e["subject"], e["purpose"]) for e in tail["events"]] == [
        ("audit:read", "audit", "audit review"),
        ("audit:read", f"audit:{subject}", "case 17"),
    ]  # the refused read (422) reached no store
    verified = _fauxhire("audit", "verify", "--db", server.db, cwd=server.folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert tail["events"][0]["prev_hash"] == made["hash"]
    # 7: the read of `tail` itself came after it, so its hash is the last.
    assert verified.stdout.splitlines()[0] == "OK: 7 events, the chain holds"
