"""The app factory: the store opened once at start-up and closed at shutdown, two routes
without credentials (liveness and readiness) and every other route behind ``auth.principal``.
Responses never carry a stack trace: an error of our tree answers with its code and message,
anything else with a bare 500, and the trace goes to the log."""

from __future__ import annotations

import gc
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from fauxhire import bootstrap
from fauxhire.api import guards
from fauxhire.api.actions import actions
from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.cases import casework
from fauxhire.api.dossier import dossier
from fauxhire.api.erasures import erasures
from fauxhire.api.identities import identities
from fauxhire.api.members import members
from fauxhire.api.networks import networks
from fauxhire.api.queue import queue
from fauxhire.api.schemas import (
    PROTECTED_ERRORS,
    PUBLIC_ERRORS,
    AuditPage,
    Health,
    NotReady,
    Ready,
    Whoami,
    errors,
)
from fauxhire.api.screen import screening
from fauxhire.api.share import share
from fauxhire.api.sign_in import sign_in
from fauxhire.api.taxii import TaxiiError, taxii, taxii_error
from fauxhire.api.webhooks import webhooks
from fauxhire.bootstrap import App
from fauxhire.console import STATIC
from fauxhire.errors import (
    AuthenticationError,
    FauxhireError,
    IngestError,
    InvalidQuery,
    NotFound,
    PermissionDenied,
    StoreNotReady,
    VendorError,
)
from fauxhire.ports import AuditEntry
from fauxhire.services.audit import MAX_EVENT_ID, MAX_PAGE, audit_page
from fauxhire.services.keys import Principal, check_ready
from fauxhire.services.refresh import Refresher
from fauxhire.services.screen import Screener
from fauxhire.services.screen_queue import ScreenQueue
from fauxhire.services.tombstones import CODE as ERASED_APPLICANT

log = logging.getLogger(__name__)
WAITING_REQUESTS = 400

_CONFLICTS = frozenset({"conflict", ERASED_APPLICANT})
_STATUS = {
    AuthenticationError: 401,
    PermissionDenied: 403,
    NotFound: 404,
    StoreNotReady: 503,
    VendorError: 502,  # the IdP, for the console's sign-in
}

public = APIRouter(prefix="/v1", responses=PUBLIC_ERRORS)
# Deny by default: every route of this router needs a valid key before its own code runs.
protected = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)


@public.get("/health", response_model=Health)
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@public.get(
    "/ready",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "The store does not answer"}},
)
def ready(opened: Annotated[App, Depends(opened_app)]) -> JSONResponse:
    """Readiness: the store answers a query."""
    try:
        check_ready(opened.store)
    except FauxhireError as exc:
        log.warning("not ready", extra={"code": exc.code, "error": exc.message})
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ready"})


@protected.get("/whoami", response_model=Whoami)
def whoami(caller: Annotated[Principal, Depends(principal)]) -> dict[str, Any]:
    """The key the request was made with: its id, role, member and scopes."""
    return caller._asdict()


@protected.get("/audit", response_model=AuditPage, responses=errors(403, 422))
def audit(
    request: Request,
    caller: Annotated[Principal, Depends(role_in("admin"))],
    opened: Annotated[App, Depends(opened_app)],
    subject: str | None = None,
    after: Annotated[int, Query(ge=0, le=MAX_EVENT_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    purpose: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
) -> dict[str, Any]:
    """The audit trail, oldest first, for admins: the events after the id ``after``, about
    ``subject`` if given, each with its id and its link in the hash chain; ``next_after`` is
    the ``after`` of the next page (null on the last). The read is appended to the trail
    (``audit:read``, naming the events served)."""
    entries = audit_page(
        opened.store, caller, now=opened.now(), subject=subject, after=after, limit=limit,
        purpose=purpose, request_id=getattr(request.state, "request_id", None),
    )  # fmt: skip
    full = len(entries) == limit
    return {
        "events": [_event_json(entry) for entry in entries],
        "next_after": entries[-1].event_id if full else None,
    }


@protected.get("/openapi.json", response_model=dict[str, Any])
def openapi_document(request: Request) -> JSONResponse:
    """This document, for any valid credential: it is kept off the public routes, as it maps
    every route an attacker could try."""
    return JSONResponse(request.app.openapi())


def _event_json(entry: AuditEntry) -> dict[str, Any]:
    event = entry.event
    return {
        "event_id": entry.event_id,
        **event._asdict(),
        "records": list(event.records),
        "at": event.at.isoformat(),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


# Every router of the API; each but ``public``, ``sign_in`` and ``webhooks`` (the vendor's
# signature) denies without a valid key.
ROUTERS = (
    public,
    sign_in,
    protected,
    identities,
    dossier,
    actions,
    networks,
    casework,
    members,
    screening,
    webhooks,
    erasures,
    queue,
    share,
    taxii,
)


def _screener(opened: App) -> Screener:
    """What every screen of this process shares (services/screen.py)."""
    return Screener(
        ruleset=opened.load_ruleset(),
        linker=opened.linker,
        keys=opened.matching_keys(),
        erasure_key=opened.erasure_key,
    )


@contextmanager
def _start_up_frozen() -> Iterator[None]:
    """While serving, the objects made at start-up (routes, models, the ruleset, the store's
    engine) are out of the collector's reach: they live as long as the process, and a full
    collection that walked them took some 40 ms of a screen every ~150 screens at a million
    applications. Thawed at shutdown, so a process that serves again collects them."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(
    db: str | None = None,
    *,
    clock: Callable[[], datetime] = bootstrap.utc_now,
    limits: guards.Limits = guards.DEFAULT_LIMITS,
    refresh_every: float | None = None,
) -> FastAPI:
    """The API over the store ``db`` names (as the command line's --db does). Its OpenAPI
    document is a protected route (``/v1/openapi.json``); FastAPI's own document and docs
    pages stay off, as they would be routes without credentials. With ``refresh_every``
    seconds, the whole store is linked and assessed that often (services/refresh.py)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The SQLite log is checkpointed by a thread, not inside the commit of a request.
        with (
            bootstrap.open_app(db, clock=clock) as opened,
            opened.store.checkpoints_in_background(),
        ):
            app.state.fauxhire = opened
            screener = _screener(opened)
            app.state.sign_in = bootstrap.console_sign_in(opened)
            app.state.titles = screener.titles  # the identity views' plain words, read once
            app.state.screens = ScreenQueue(opened.store, screener, opened.now)
            app.state.screens.start()
            refresher = None
            if refresh_every:
                refresher = Refresher(opened.store, screener, opened.now, refresh_every)
                refresher.start()
            # A screen's request thread waits for its batch: allow as many waiting as a
            # busy minute brings (anyio's default is 40 threads, which would cap a batch).
            to_thread.current_default_thread_limiter().total_tokens = WAITING_REQUESTS
            log.info("store opened")
            try:
                with _start_up_frozen():
                    yield
            finally:
                app.state.screens.stop()
                if refresher is not None:
                    refresher.stop()
        log.info("store closed")

    app = FastAPI(
        title="fauxhire", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None
    )
    for router in ROUTERS:
        app.include_router(router)
    # The console's pages: static, public as /v1/health is (they hold no data: every datum
    # they show comes from a route that checks the signed-in key).
    app.mount(guards.CONSOLE, StaticFiles(directory=STATIC, html=True), name="console")
    guards.install(app, limits)
    app.middleware("http")(_logged)  # added last, so outermost: it logs what guards refuse
    app.add_exception_handler(FauxhireError, _our_error)
    app.add_exception_handler(TaxiiError, taxii_error)
    app.add_exception_handler(Exception, _unexpected)
    return app


async def _logged(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Every request a log line with an id, also sent back as X-Request-ID."""
    request_id = request.state.request_id = uuid.uuid4().hex
    started = time.perf_counter()
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": request.url.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        },
    )
    return response


async def _our_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, FauxhireError)
    if isinstance(exc, IngestError):  # a field of the request's record: where and why
        return _invalid_record(exc)
    if isinstance(exc, InvalidQuery):  # as FastAPI's 422 of a query parameter: where and why
        where = ["query", str(exc.detail.get("field", ""))]
        error = {"type": exc.code, "loc": where, "msg": exc.message}
        return JSONResponse({"detail": [error]}, status_code=422)
    code = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), 400)
    if code == 400 and exc.code == "store_error":  # its text may hold SQL: the log has it
        log.error("store error", exc_info=exc)
        return JSONResponse({"code": exc.code, "message": "the store failed"}, status_code=503)
    return JSONResponse(_answer(exc), status_code=code)


def _answer(exc: FauxhireError) -> dict[str, Any]:
    """An error as the API answers it: its code, its message and, when it names one, the
    field of the request it is about (``detail.field``), so a client need not parse the
    message. The rest of an error's detail is not the caller's: an authentication
    failure's reason, a file's source and location."""
    answer: dict[str, Any] = {"code": exc.code, "message": exc.message}
    field = exc.detail.get("field")
    if field and not isinstance(exc, AuthenticationError):
        answer["detail"] = {"field": str(field)}
    return answer


def _invalid_record(exc: IngestError) -> JSONResponse:
    """A record the request carried that cannot be stored: 409 when its id is stored with
    other content or it names an applicant erased on request (the state of the store, not
    the record, refuses it), else 422 shaped as FastAPI's own (where, and why; never the
    value)."""
    if exc.code in _CONFLICTS:
        return JSONResponse(_answer(exc), status_code=409)
    where = ["body", *str(exc.detail.get("field") or "application").split(".")]
    item = {"type": exc.code, "loc": where, "msg": str(exc.detail.get("reason") or exc.message)}
    return JSONResponse({"detail": [item]}, status_code=422)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc, extra={"path": request.url.path})
    # Starlette answers this outside every middleware: the guards' headers are added here.
    body = {"code": "internal_error", "message": "internal error"}
    return JSONResponse(body, status_code=500, headers=guards.SECURITY_HEADERS)
