"""The hub analyst's actions (issue 17, item 7): why an identity or a network is linked,
typed, and judgements and dispositions made in the caller's name (services/analyst_actions.py
records each with its audit event). The analyst is the credential, never the body: a body
with a field the model does not name, ``analyst`` among them, is a 422."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationInfo, field_validator

from fauxhire.api.auth import acting_as, opened_app, principal, role_in
from fauxhire.api.schemas import NUL_FREE, PROTECTED_ERRORS, errors
from fauxhire.bootstrap import App
from fauxhire.domain.evidence import Evidence
from fauxhire.domain.outcomes import LinkEdge
from fauxhire.services import analyst_actions
from fauxhire.services.analyst_actions import ACTOR_ROLE
from fauxhire.services.dispositions import Given
from fauxhire.services.judge import app_ref
from fauxhire.services.keys import Principal

# Deny by default, as app.py's protected router: a valid key before the route's own code.
actions = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=NUL_FREE)
]
ApplicationRef = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=500, pattern=r"^[^\x00]*/[^\x00]*$"
    ),
]


class JudgementBody(BaseModel):
    """Two applications, ``company_id/application_id``, are one person or not, and why."""

    model_config = ConfigDict(extra="forbid")  # an "analyst" field is refused, not ignored

    kind: Literal["together", "apart"]
    a: ApplicationRef
    b: ApplicationRef
    reason: Text

    @field_validator("b")
    @classmethod
    def _two_applications(cls, b: str, info: ValidationInfo) -> str:
        if b == info.data.get("a"):
            raise ValueError("b names the same application as a: a judgement names two")
        return b


class DispositionBody(BaseModel):
    """What the analyst's investigation of an identity found, and why."""

    model_config = ConfigDict(extra="forbid")

    identity_id: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NUL_FREE)]
    disposition: Literal["confirmed", "cleared"]
    reason: Text


Caller = Annotated[Principal, Depends(role_in(ACTOR_ROLE))]
Opened = Annotated[App, Depends(opened_app)]


@actions.get("/identities/{identity_id}/links", responses=errors(403, 404, 422))
def identity_links(
    identity_id: str, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """The identity's applications and the links that hold them together, strongest first,
    each with its comparisons' evidence; and the identities split from it as possibly
    borrowed. 404 for an unknown identity."""
    acting = acting_as(request, caller, opened)
    view = analyst_actions.identity_links(opened.store, identity_id, acting)
    return {
        "identity_id": identity_id,
        "applications": [
            {name: value for name, value in member.items() if name != "key"}
            for member in view.members
        ],
        "links": [_edge(edge, app_ref) for edge in view.edges],
        "borrowed": [_edge(edge, str) for edge in view.borrowed],
    }


@actions.get("/networks/{network_id}/links", responses=errors(403, 404, 422))
def network_links(
    network_id: str, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """The network's identities and the infrastructure that links them, strongest first.
    404 for an unknown network."""
    acting = acting_as(request, caller, opened)
    view = analyst_actions.network_links(opened.store, network_id, acting)
    return {
        "network_id": network_id,
        "identities": view.members,
        "links": [_edge(edge, str) for edge in view.edges],
    }


@actions.post("/judgements", status_code=201, responses=errors(400, 403, 404, 422))
def judgement(
    body: JudgementBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """Record that two applications are one person or not, in the caller's name. The next
    linking run applies it. 404 for an unknown application."""
    acting = acting_as(request, caller, opened)
    decision = analyst_actions.judge_pair(
        opened.store, body.kind, body.a, body.b, body.reason, acting
    )
    return {
        "judgements": [
            {**j._asdict(), "a": app_ref(j.a), "b": app_ref(j.b)} for j in decision.judgements
        ],
        "added": decision.added,
        "applied": "at the next linking run",
    }


@actions.post("/dispositions", status_code=201, responses=errors(400, 403, 404, 422))
def disposition(
    body: DispositionBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """Record the caller's disposition on an identity; the next assessment uses it. 404 for
    an unknown identity."""
    acting = acting_as(request, caller, opened)
    done = analyst_actions.dispose(
        opened.store, body.identity_id, body.disposition, body.reason, acting
    )
    before = done.before
    return {
        "disposition_id": done.disposition_id,
        "identity_id": done.identity_id,
        **_given(done.given),
        "applications": done.applications,
        "before": None if before is None else _given(before.decided),
    }


def _edge(edge: LinkEdge[Any], name: Any) -> dict[str, Any]:
    """A link, its ends named as the analyst names them, its evidence strongest first."""
    return {
        "a": name(edge.a),
        "b": name(edge.b),
        "score": edge.score,
        "probability": edge.probability,
        "evidence": [asdict(item) for item in sorted(edge.evidence, key=_strength)],
    }


def _strength(item: Evidence) -> float:
    return -abs(item.weight or 0.0)


def _given(given: Given) -> dict[str, Any]:
    return {
        "disposition": given.disposition,
        "analyst": given.analyst,
        "reason": given.reason,
        "created_at": given.created_at,
        "given_on": given.subject_id,
    }
