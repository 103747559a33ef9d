"""The members registry for the hub's admin (issue 17, item 3): `GET /v1/members` lists the
member companies, `PUT /v1/members/{member_id}` adds one or changes its name or its opt-in to
be named to the other members (services/members.py audits each change)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.schemas import NUL_FREE, PROTECTED_ERRORS, MemberChange, MemberList, errors
from fauxhire.bootstrap import App
from fauxhire.ports.hub import Member
from fauxhire.services import members as registry
from fauxhire.services.keys import Principal

# Deny by default, as app.py's protected router: a valid key before the route's own code.
members = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Admin = Annotated[Principal, Depends(role_in(registry.ADMIN_ROLE))]
Opened = Annotated[App, Depends(opened_app)]
MemberId = Annotated[
    str,
    Path(min_length=1, max_length=registry.MAX_TEXT, pattern=r"^[^/\s](?:[^/]*[^/\s])?$"),
]


class MemberBody(BaseModel):
    """What to set; a field left out keeps what is stored (a new member needs a name, and
    is anonymous unless ``named`` is true)."""

    model_config = ConfigDict(extra="forbid")

    name: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, max_length=registry.MAX_TEXT, pattern=NUL_FREE
            ),
        ]
        | None
    ) = None
    named: bool | None = None


@members.get("/members", response_model=MemberList, responses=errors(403))
def list_members(caller: Admin, opened: Opened) -> dict[str, Any]:
    """Every member company, by id, with its display name and whether it opted in to be named."""
    return {"members": [_member(m) for m in registry.list_members(opened.store)]}


@members.put(
    "/members/{member_id}",
    response_model=MemberChange,
    responses={201: {"model": MemberChange, "description": "Added"}, **errors(400, 403, 422)},
)
def put_member(
    member_id: MemberId,
    body: MemberBody,
    request: Request,
    response: Response,
    caller: Admin,
    opened: Opened,
) -> dict[str, Any]:
    """Add the member (201; it needs a name) or change its name or opt-in (200). Setting what
    is stored already changes nothing and records nothing (``changed`` false)."""
    by = registry.Changer(
        caller.key_id, opened.now(), caller.role, getattr(request.state, "request_id", None)
    )
    change = registry.put_member(opened.store, member_id, name=body.name, named=body.named, by=by)
    response.status_code = 201 if change.created else 200
    return {"member": _member(change.member), "created": change.created, "changed": change.changed}


def _member(member: Member) -> dict[str, Any]:
    return member._asdict() | {
        "created_at": member.created_at.isoformat(),
        "updated_at": member.updated_at.isoformat(),
    }
