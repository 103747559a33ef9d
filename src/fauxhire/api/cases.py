"""Cases over the API (issue 18, items 1 and 5), the hub analyst's: open, list, read, assign
in bulk from the queue, add notes, files and employer reports, and move through the states
(services/cases.py records each with its audit event)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from fauxhire.api.auth import acting_as, opened_app, principal, role_in
from fauxhire.api.schemas import NUL_FREE, PROTECTED_ERRORS, errors
from fauxhire.bootstrap import App
from fauxhire.services import cases
from fauxhire.services.analyst_actions import ACTOR_ROLE
from fauxhire.services.keys import Principal

# Deny by default, as app.py's protected router: a valid key before the route's own code.
casework = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Caller = Annotated[Principal, Depends(role_in(ACTOR_ROLE))]
Opened = Annotated[App, Depends(opened_app)]
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000, pattern=NUL_FREE)
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NUL_FREE)
]
State = Literal["new", "investigating", "escalated", "closed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an "analyst" field is refused, not ignored


class OpenBody(Strict):
    subject_kind: Literal["identity", "network"]
    subject_id: Name
    title: Text
    assignee: Name | None = None


class AssignBody(Strict):
    identity_ids: list[Name]
    assignee: Name

    @field_validator("identity_ids")
    @classmethod
    def _some(cls, ids: list[str]) -> list[str]:
        if not 1 <= len(ids) <= 200:
            raise ValueError("name between 1 and 200 identities")
        return list(dict.fromkeys(ids))


class NoteBody(Strict):
    text: Text


class FileBody(Strict):
    name: Name
    media_type: Annotated[str, StringConstraints(pattern=r"^[\w.+-]+/[\w.+-]+$", max_length=100)]
    content_base64: Annotated[str, StringConstraints(max_length=cases.MAX_FILE * 4 // 3 + 8)]

    @field_validator("content_base64")
    @classmethod
    def _decodes(cls, content: str) -> str:
        try:
            base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
        return content


class ReportBody(Strict):
    report: Annotated[str, StringConstraints(pattern=r"^[^\x00/]+/[^\x00]+$", max_length=400)]


class StateBody(Strict):
    state: State
    reason: Text
    finding: Literal["confirmed", "cleared"] | None = None


def _answer(found: cases.Case) -> dict[str, Any]:
    row = found.row
    return {
        **_row(row),
        "entries": [
            {
                "entry_id": e.entry_id,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "kind": e.kind,
                "text": e.text,
                "file_name": e.file_name,
                "media_type": e.media_type,
                "size": e.size,
                "sha256": e.sha256,
                "report_key": e.report_key,
            }
            for e in found.entries
        ],
    }


def _row(row: Any) -> dict[str, Any]:
    return {
        "case_id": row.case_id, "subject_kind": row.subject_kind, "subject_id": row.subject_id,
        "current_id": row.current_id, "title": row.title, "state": row.state,
        "finding": row.finding, "assignee": row.assignee, "opened_by": row.opened_by,
        "opened_at": row.opened_at.isoformat(), "updated_at": row.updated_at.isoformat(),
    }  # fmt: skip


@casework.post("/cases", status_code=201, responses=errors(400, 403, 404, 422))
def open_case(body: OpenBody, request: Request, caller: Caller, opened: Opened) -> dict[str, Any]:
    """A new case on an identity or a network, optionally assigned. 404 for an unknown one."""
    acting = acting_as(request, caller, opened)
    found = cases.open_case(
        opened.store, body.subject_kind, body.subject_id, body.title, acting, body.assignee
    )
    return _answer(found)


@casework.get("/cases", responses=errors(403, 422))
def list_cases(
    request: Request,
    caller: Caller,
    opened: Opened,
    state: Annotated[list[State] | None, Query()] = None,
    assignee: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, Any]:
    """Cases, the latest changed first, by state (repeatable) and assignee."""
    rows = cases.list_cases(
        opened.store, acting_as(request, caller, opened), states=tuple(state or ()),
        assignee=assignee, limit=limit, offset=offset,
    )  # fmt: skip
    return {"items": [_row(row) for row in rows]}


@casework.post("/cases/assign", responses=errors(400, 403, 404, 422))
def assign(body: AssignBody, request: Request, caller: Caller, opened: Opened) -> dict[str, Any]:
    """Bulk assignment: each identity's open case assigned, opened where it has none."""
    ids = cases.assign(
        opened.store, body.identity_ids, body.assignee, acting_as(request, caller, opened)
    )
    return {"assignee": body.assignee, "case_ids": ids}


@casework.get("/cases/{case_id}", responses=errors(403, 404, 422))
def read_case(case_id: CaseId, request: Request, caller: Caller, opened: Opened) -> dict[str, Any]:
    """The case and everything done in it, oldest first (files without their bytes)."""
    return _answer(cases.case(opened.store, case_id, acting_as(request, caller, opened)))


class AssigneeBody(Strict):
    assignee: Name


@casework.post("/cases/{case_id}/assign", responses=errors(400, 403, 404, 422))
def reassign(
    case_id: CaseId, body: AssigneeBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """The case assigned to someone (an API key's id, or an OIDC subject)."""
    acting = acting_as(request, caller, opened)
    return _answer(cases.reassign(opened.store, case_id, body.assignee, acting))


@casework.post("/cases/{case_id}/notes", status_code=201, responses=errors(400, 403, 404, 422))
def add_note(
    case_id: CaseId, body: NoteBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    return _answer(cases.note(opened.store, case_id, body.text, acting_as(request, caller, opened)))


@casework.post("/cases/{case_id}/files", status_code=201, responses=errors(400, 403, 404, 422))
def add_file(
    case_id: CaseId, body: FileBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """A file (base64, at most 2 MiB) kept with the case, with its sha256."""
    content = base64.b64decode(body.content_base64)
    acting = acting_as(request, caller, opened)
    return _answer(cases.attach(opened.store, case_id, body.name, body.media_type, content, acting))


@casework.get(
    "/cases/{case_id}/files/{entry_id}",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes"},
        **errors(403, 404, 422),
    },
)
def get_file(
    case_id: CaseId,
    entry_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    caller: Caller,
    opened: Opened,
) -> Response:
    """A case's file, as a download: never shown inline, whatever its media type."""
    name, _, content = cases.file(
        opened.store, case_id, entry_id, acting_as(request, caller, opened)
    )
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100] or "file"
    headers = {"Content-Disposition": f'attachment; filename="{safe}"'}
    return Response(content, media_type="application/octet-stream", headers=headers)


@casework.post("/cases/{case_id}/reports", status_code=201, responses=errors(400, 403, 404, 422))
def add_report(
    case_id: CaseId, body: ReportBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """An employer report (``company_id/report_id``) linked to the case."""
    acting = acting_as(request, caller, opened)
    return _answer(cases.link_report(opened.store, case_id, body.report, acting))


@casework.post("/cases/{case_id}/state", responses=errors(400, 403, 404, 422))
def move(
    case_id: CaseId, body: StateBody, request: Request, caller: Caller, opened: Opened
) -> dict[str, Any]:
    """The case moved to a state, with a reason; ``closed`` takes a finding, which becomes
    the disposition of the subject's identities."""
    acting = acting_as(request, caller, opened)
    found = cases.move(opened.store, case_id, body.state, body.reason, acting, body.finding)
    return _answer(found)
