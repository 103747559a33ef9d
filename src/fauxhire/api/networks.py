"""A network's graph, the split of an identity off it, and the campaign report (issue 18,
items 3 and 7), the hub analyst's: ``GET /v1/networks/{network_id}/graph``, ``POST
/v1/networks/{network_id}/split`` (services/network_graph.py builds the graph, records the
judgement, audits both) and ``GET /v1/reports/latest`` (services/report_page.py)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, StringConstraints

from fauxhire.api.auth import acting_as, opened_app, principal, role_in
from fauxhire.api.schemas import NUL_FREE, PROTECTED_ERRORS, errors
from fauxhire.bootstrap import App
from fauxhire.services.analyst_actions import ACTOR_ROLE
from fauxhire.services.judge import app_ref
from fauxhire.services.keys import Principal
from fauxhire.services.network_graph import network_graph, split_off
from fauxhire.services.report_page import campaign_report

# Deny by default, as app.py's protected router: a valid key before the route's own code.
networks = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Caller = Annotated[Principal, Depends(role_in(ACTOR_ROLE))]
Opened = Annotated[App, Depends(opened_app)]


class SplitBody(BaseModel):
    """The identity to split off the network, and why."""

    model_config = ConfigDict(extra="forbid")  # an "analyst" field is refused, not ignored

    identity_id: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NUL_FREE)]
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=NUL_FREE),
    ]


@networks.get("/networks/{network_id}/graph", responses=errors(403, 404, 422))
def graph(network_id: str, request: Request, caller: Caller, opened: Opened) -> dict[str, Any]:
    """The network's identities (with their level), the infrastructure they share as
    value nodes (kind, value, how many identities in the store share it, what it weighed),
    which identity was seen with which value, and the links' scores. 404 for an unknown
    network. The read is audited."""
    drawn = network_graph(opened.store, network_id, acting_as(request, caller, opened))
    return {
        "network_id": drawn.network_id,
        "identities": [asdict(node) for node in drawn.identities],
        "values": [asdict(node) for node in drawn.values],
        "ties": [{"identity_id": i, "value_id": v} for i, v in drawn.ties],
        "links": [{"a": a, "b": b, "score": score} for a, b, score in drawn.links],
    }


@networks.post(
    "/networks/{network_id}/split", status_code=201, responses=errors(400, 403, 404, 422)
)
def split(
    network_id: str, body: SplitBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """Record that the identity is not run by this network, in the caller's name: it is
    kept apart from each other identity of the network from the next linking run on. 400
    for an identity not in the network."""
    decision = split_off(
        opened.store, network_id, body.identity_id, body.reason, acting_as(request, caller, opened)
    )
    return {
        "identity_id": body.identity_id,
        "network_id": network_id,
        "judgements": [
            {**j._asdict(), "a": app_ref(j.a), "b": app_ref(j.b)} for j in decision.judgements
        ],
        "added": decision.added,
        "applied": "at the next linking run",
    }


@networks.get("/reports/latest", responses=errors(403, 404))
def latest(request: Request, caller: Caller, opened: Opened) -> dict[str, Any]:
    """The campaign report `fauxhire report` wrote last: its report.json, figure for figure
    (docs/formats.md section 11). 404 before the first report. The read is audited."""
    return campaign_report(opened.store, acting_as(request, caller, opened))
