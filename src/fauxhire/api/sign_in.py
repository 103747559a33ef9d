"""Signing in to the console through the organisation's IdP (services/console_sign_in.py).
These two routes need no credential, as they are how a person without one gets one: the
first tells the page where to send the browser, the second redeems the code the IdP sent back
for an access token that the other routes then take as a bearer token. Neither holds data,
and the rate limit of callers without a credential (per client address) applies to both."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from fauxhire.api.auth import opened_app, where
from fauxhire.api.schemas import Body, errors
from fauxhire.bootstrap import App
from fauxhire.errors import FauxhireError, NotFound
from fauxhire.services.console_sign_in import ConsoleSignIn

log = logging.getLogger(__name__)

sign_in = APIRouter(prefix="/v1/sign-in", tags=["sign-in"], responses=errors(429))


class SignInOffer(Body):
    issuer: str
    authorization_endpoint: str = Field(description="Where the browser is sent to sign in")
    client_id: str = Field(description="The console's client id at the IdP")
    scope: str


class SignInOptions(Body):
    oidc: SignInOffer | None = Field(
        description="Sign-in through the IdP; null when only API keys are taken"
    )


class CodeExchange(Body):
    """What the IdP sent the browser back with, and the PKCE verifier the browser kept."""

    code: str = Field(min_length=1, max_length=4096)
    code_verifier: str = Field(pattern=r"^[A-Za-z0-9._~-]{43,128}$", description="RFC 7636")
    redirect_uri: str = Field(
        max_length=2048,
        pattern=r"^https?://[^\s]+$",
        description="The redirect URI the browser was sent to the IdP with",
    )


class SignedInToken(Body):
    access_token: str = Field(description="Sent as `Authorization: Bearer` to every route")
    token_type: str = "Bearer"
    expires_in: int | None = Field(description="Seconds, as the IdP said; null if it did not")
    key_id: str
    role: str
    member: str | None


def _configured(request: Request) -> ConsoleSignIn:
    configured: ConsoleSignIn | None = request.app.state.sign_in
    if configured is None:
        raise NotFound("sign-in through an identity provider is not configured")
    return configured


@sign_in.get("", response_model=SignInOptions, responses=errors(502))
def options(request: Request) -> SignInOptions:
    """How the console may sign in: through the IdP when one is configured for it."""
    configured: ConsoleSignIn | None = request.app.state.sign_in
    return SignInOptions(oidc=None if configured is None else SignInOffer(**configured.offer()))


@sign_in.post("/token", response_model=SignedInToken, responses=errors(400, 401, 404, 422, 502))
def token(
    request: Request,
    exchange: CodeExchange,
    configured: Annotated[ConsoleSignIn, Depends(_configured)],
    opened: Annotated[App, Depends(opened_app)],
) -> SignedInToken:
    """The IdP's access token for the code, once fauxhire would take it (else 401)."""
    try:
        signed = configured.exchange(
            exchange.code, exchange.code_verifier, exchange.redirect_uri, opened.store, opened.now()
        )
    except FauxhireError as exc:  # why, for the log: never the code, verifier or token
        log.info("sign-in refused", extra={"code": exc.code, **exc.detail, **where(request)})
        raise
    who = signed.principal
    log.info("signed in", extra={"key_id": who.key_id, "role": who.role, **where(request)})
    return SignedInToken(
        access_token=signed.access_token,
        expires_in=signed.expires_in,
        key_id=who.key_id,
        role=who.role,
        member=who.member,
    )
