"""Who is calling: the bearer token of ``Authorization``, an API key (``fk_...``) checked by
the key service, or else an OIDC access token checked against the configured issuer.
Every route but liveness and readiness sits behind ``principal`` (app.py mounts them so), so
a route added later is denied until a credential says otherwise."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fauxhire.bootstrap import App
from fauxhire.errors import AuthenticationError, PermissionDenied
from fauxhire.services.analyst_actions import Acting
from fauxhire.services.erasure import Actor
from fauxhire.services.keys import KEY_PREFIX, Principal, authenticate

log = logging.getLogger(__name__)

# auto_error=False: a missing or non-bearer header reaches ``principal``, which answers 401
# (FastAPI's own answer is 403) with the same body as a bad token.
_bearer = HTTPBearer(
    auto_error=False, description="An API key (`fauxhire keys create`) or an OIDC access token"
)
_DENIED = {"code": "authentication_failed", "message": "invalid or missing credentials"}


def opened_app(request: Request) -> App:
    """The app the server opened at start-up (app.py's lifespan)."""
    opened: App = request.app.state.fauxhire
    return opened


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    opened: Annotated[App, Depends(opened_app)],
) -> Principal:
    if credentials is None:
        log.info("denied", extra={"reason": "no bearer token", **where(request)})
        raise _denied()
    try:
        return _authenticated(opened, credentials.credentials)
    except AuthenticationError as exc:
        # Why it failed goes to the log only: the caller learns nothing about which keys exist.
        log.info("denied", extra={**exc.detail, **where(request)})
        raise _denied() from None


def _authenticated(opened: App, token: str) -> Principal:
    if token.startswith(KEY_PREFIX):
        return authenticate(opened.store, token, opened.now())
    if opened.oidc is None:
        raise AuthenticationError("invalid or missing credentials", reason="no oidc issuer")
    return opened.oidc.authenticate(token)


def role_in(*roles: str) -> Callable[..., Principal]:
    """A dependency that lets through only a caller of one of ``roles`` (403 for the others,
    after ``principal`` has answered 401 to a caller without a valid key)."""

    def allowed(request: Request, caller: Annotated[Principal, Depends(principal)]) -> Principal:
        if caller.role not in roles:
            who = {"key_id": caller.key_id, "role": caller.role}
            log.info("forbidden", extra={**who, **where(request)})
            raise PermissionDenied(f"this route is for the role {' or '.join(roles)}")
        return caller

    return allowed


def _denied() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=_DENIED, headers={"WWW-Authenticate": "Bearer"}
    )


def where(request: Request) -> dict[str, object]:
    return {"path": request.url.path, "request_id": getattr(request.state, "request_id", None)}


def acting_as(request: Request, caller: Principal, opened: App) -> Acting:
    """Who acts (the caller's credential), for which request, when: what the analyst's
    actions record and audit."""
    return Acting(caller, getattr(request.state, "request_id", None), opened.now())


def actor_of(request: Request, caller: Principal) -> Actor:
    """The caller as the audit trail of an erasure or a disclosure names it: key, role,
    member and this request (any role; ``acting_as`` is the hub analyst's actions')."""
    return Actor(
        caller.key_id, caller.role, caller.member, getattr(request.state, "request_id", None)
    )
