"""What every request passes before a route sees it, and every response carries: a size limit
on the body, a rate limit per credential (per client address without one), security headers,
CORS closed unless origins are configured, and 422s that never echo the submitted value (it may
be personal data). One pure ASGI middleware, so a refused request costs no routing, no
credential check and no store query."""

from __future__ import annotations

import hashlib
import json
import math
import time
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fauxhire.api.schemas import NUL_ERROR, NUL_MESSAGE
from fauxhire.api.throttle import Buckets
from fauxhire.console import CONSOLE_POLICY

CONSOLE = "/console"  # where app.py mounts the console's pages

MIB = 1024 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",  # responses carry personal data: no cache keeps a copy
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}


class Limits(NamedTuple):
    max_body: int = MIB  # bytes
    rate: float = 20.0  # requests a second, per credential or client address
    burst: int = 40
    cors_origins: tuple[str, ...] = ()


DEFAULT_LIMITS = Limits()


def install(app: FastAPI, limits: Limits) -> None:
    app.add_middleware(Guards, limits=limits)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _unrouted)


class _TooLarge(HTTPException):
    """Raised while a body streams in: FastAPI lets an HTTPException from ``receive`` through
    (any other error there becomes a 400), so the route's own handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=_too_large(limit))


class Guards:
    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app, self.limits = app, limits
        self.buckets = Buckets(limits.rate, limits.burst, time.monotonic)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        allowed = origin if origin in self.limits.cors_origins else None
        console = _in_console(scope["path"])
        send = _decorated(send, allowed, console)
        address = "address " + (scope["client"][0] if scope.get("client") else "unknown")
        token = _bearer(headers)
        # The console's files are the same for everyone, hold no data and touch no store: a
        # page load fetches a dozen, and an office behind one address loads many pages, so
        # they are not charged to the address's bucket (the API calls they make are).
        wait = 0.0 if console else self._wait(token, address)
        if wait:
            seconds = str(max(1, math.ceil(wait)))
            body = {"code": "rate_limited", "message": f"too many requests: retry in {seconds} s"}
            await _answer(send, 429, body, {"Retry-After": seconds})
        elif (
            allowed and scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        ):
            await _answer(send, 204, None, _PREFLIGHT)
        elif _declared_length(headers) > self.limits.max_body:
            await _answer(send, 413, _too_large(self.limits.max_body), {"Connection": "close"})
        elif where := _nul_in(scope):
            await _answer(send, 422, {"detail": [_nul_error(where)]}, {})
        else:
            status = await self._passed(scope, receive, send)
            if token and status == 401:  # a refused credential is charged to its address
                self.buckets.take("refused " + address)

    def _wait(self, token: str | None, address: str) -> float:
        """Seconds to wait before this request may go on (0: now). A credential has its own
        bucket, keyed by its digest and not by the key id in it, which anyone could claim. A
        made-up credential gets a fresh bucket too, so the 401s its address earns drain a
        bucket of their own, and while that is empty the address's credentials all wait."""
        if token is None:
            return self.buckets.take(address)
        return self.buckets.wait("refused " + address) or self.buckets.take(
            "credential " + hashlib.sha256(token.encode()).hexdigest()
        )

    async def _passed(self, scope: Scope, receive: Receive, send: Send) -> int:
        """Run the app with the body counted as it streams in; the response's status."""
        limit, seen, status = self.limits.max_body, 0, 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge as refused:  # a route read its body outside FastAPI's handling
            if status:
                raise
            await _answer(send, 413, refused.detail, {"Connection": "close"})
        return status


def _in_console(path: str) -> bool:
    return path == CONSOLE or path.startswith(CONSOLE + "/")


def _decorated(send: Send, origin: str | None, console: bool) -> Send:
    """``send`` with the security headers, and CORS for an allowed origin, on the response.
    The console's pages load their own scripts and styles and call the API (their content
    security policy); anything else loads nothing. They hold no data, so a browser may keep
    them, asking each time whether they changed (a 304 then costs no bytes of them)."""

    async def decorated(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers[name] = value
            if console:
                headers["Content-Security-Policy"] = CONSOLE_POLICY
                headers["Cache-Control"] = "no-cache"
            if origin:
                headers["Access-Control-Allow-Origin"] = origin
                headers["Access-Control-Expose-Headers"] = "Retry-After, X-Request-ID"
                headers.add_vary_header("Origin")
        await send(message)

    return decorated


async def _answer(send: Send, status: int, body: Any, headers: dict[str, str]) -> None:
    content = b"" if body is None else json.dumps(body).encode()
    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    if body is not None:
        raw.append((b"content-type", b"application/json"))
    raw.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": content})


def _bearer(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _declared_length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:  # uvicorn refuses a malformed length before we see it
        return 0


def _nul_in(scope: Scope) -> list[str]:
    """Where the path or the query string holds a NUL character (U+0000), which no text
    column can store (PostgreSQL refuses it: the store failed, a 503): ``["path"]`` or
    ``["query", name]``; empty where neither does."""
    if "\x00" in scope["path"]:
        return ["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return ["query", name.replace("\x00", "")]
    return []


def _nul_error(where: list[str]) -> dict[str, Any]:
    return {"type": NUL_ERROR, "loc": where, "msg": NUL_MESSAGE}


def _too_large(limit: int) -> dict[str, str]:
    return {"code": "body_too_large", "message": f"the request body is over {limit} bytes"}


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 without ``input`` and ``ctx``: where and what is wrong, never the value."""
    assert isinstance(exc, RequestValidationError)
    errors = [{key: error[key] for key in ("type", "loc", "msg")} for error in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


async def _unrouted(request: Request, exc: Exception) -> Response:
    """A path no route matches (``/v1/identities/a%2Fb``: the id holds a slash) in the shape
    of every other error, ``code`` and ``message``, as the OpenAPI document says a 404 is; so
    too FastAPI's 400 for a body it cannot parse; any other HTTP error (the credential
    check's 401) as FastAPI answers it."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404 and exc.detail == "Not Found":
        body = {"code": "not_found", "message": "no such route"}
        return JSONResponse(body, status_code=404)
    if exc.status_code == 400 and isinstance(exc.detail, str):  # a body that is not JSON
        return JSONResponse({"code": "bad_request", "message": exc.detail}, status_code=400)
    return await http_exception_handler(request, exc)
