"""POST /v1/share/exports: the hub's analyst exports flagged personas and their networks for
partners, as the STIX 2.1 bundle `fauxhire share export` writes (services/share_export.py).
It is a disclosure, audited with the purpose given; partners themselves will pull through
TAXII (issue 19, item 3), not through this route."""

from __future__ import annotations

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fauxhire.api.auth import actor_of, opened_app, principal, role_in
from fauxhire.api.queue import Level
from fauxhire.api.schemas import NUL_FREE, PROTECTED_ERRORS, errors
from fauxhire.bootstrap import App
from fauxhire.errors import InvalidQuery, NotFound
from fauxhire.services.keys import Principal
from fauxhire.services.share_export import DEFAULT_VALID_DAYS, ExportRequest, export
from fauxhire.services.share_misp import INSTALL_HINT, available, misp_event

MEDIA_TYPE = "application/stix+json;version=2.1"

share = APIRouter(prefix="/v1/share", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)


class ExportBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NUL_FREE),
    ] = Field(description="Why it is shared: the agreement or ticket, never a person")
    min_level: Level = "likely"
    tlp: Literal["clear", "green", "amber", "amber+strict", "red"] = "amber"
    valid_days: int = Field(DEFAULT_VALID_DAYS, ge=1, le=3650)
    format: Literal["stix", "misp"] = Field(
        "stix", description="stix: a STIX 2.1 bundle; misp: a MISP event (needs misp-stix)"
    )


@share.post(
    "/exports",
    response_class=Response,
    responses={
        **errors(400, 403, 404, 422),
        200: {
            "content": {MEDIA_TYPE: {}, "application/json": {}},
            "description": "A STIX 2.1 bundle, or a MISP event (`format` misp)",
        },
    },
)
def export_bundle(
    body: ExportBody,
    request: Request,
    caller: Annotated[Principal, Depends(role_in("analyst"))],
    opened: Annotated[App, Depends(opened_app)],
) -> Response:
    """The personas assessed at ``min_level`` or higher (none an analyst cleared), their
    networks, sightings and keyed-hash indicators, as one STIX 2.1 bundle or, with ``format``
    misp, one MISP event converted by misp-stix. Audited."""
    sharer = opened.sharer()
    if sharer.key is None:
        # Not configured here, as an unconfigured sign-in is: a 404 that says so.
        raise NotFound("sharing is not configured on this server: it has no community key")
    if body.format == "misp" and not available():
        raise InvalidQuery(f"this server has no misp-stix ({INSTALL_HINT})", field="format")
    request_of = ExportRequest(body.purpose, body.min_level, body.tlp, body.valid_days)
    done = export(
        opened.store, request_of, sharer, actor=actor_of(request, caller), now=opened.now()
    )
    if body.format == "misp":
        event = misp_event(done.bundle).event
        return Response(orjson.dumps(event), media_type="application/json")
    return Response(orjson.dumps(done.bundle), media_type=MEDIA_TYPE)
