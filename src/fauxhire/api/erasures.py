"""POST /v1/erasures: one applicant's data erased on request, or previewed (the default),
by the hub's admin or analyst (services/erasure.py does it and audits it; docs/api.md says
who may and why)."""

from __future__ import annotations

from typing import Annotated, Any, Final, Self

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from fauxhire.api.auth import actor_of, opened_app, principal, role_in
from fauxhire.api.schemas import NUL_FREE, PROTECTED_ERRORS, errors
from fauxhire.bootstrap import App
from fauxhire.domain.erasure import SELECTOR_KINDS, parse_selector
from fauxhire.services.erasure import erase_applicant
from fauxhire.services.keys import Principal

# The hub's roles that hold every member's data; a member's roles see only their own
# applicants, and a partner sees none, so none of them may erase (docs/api.md).
ERASERS: Final = ("admin", "analyst")

erasures = APIRouter(prefix="/v1", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)

Given = Annotated[
    list[
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True, min_length=1, max_length=500, pattern=NUL_FREE
            ),
        ]
    ],
    Field(max_length=100),
]


class ErasureBody(BaseModel):
    """The applicant, by one kind of selector; why; and whether to erase or only preview."""

    model_config = ConfigDict(extra="forbid")

    email: Given = []
    phone: Given = []
    application: Given = []  # company_id:application_id
    identity: Given = []
    purpose: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=NUL_FREE),
    ]
    confirm: bool = False  # False: a preview; nothing is deleted

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        if sum(1 for kind in SELECTOR_KINDS if getattr(self, kind)) != 1:
            raise ValueError(f"name the applicant by exactly one of {', '.join(SELECTOR_KINDS)}")
        return self


@erasures.post("/erasures", responses=errors(400, 403, 422))
def erasure(
    body: ErasureBody,
    request: Request,
    caller: Annotated[Principal, Depends(role_in(*ERASERS))],
    opened: Annotated[App, Depends(opened_app)],
) -> dict[str, Any]:
    """Erase the applicant (``confirm``) or preview it: the rows removed or that would be, by
    table. A preview deletes nothing; both are audited, neither with the values given."""
    kind = next(kind for kind in SELECTOR_KINDS if getattr(body, kind))
    selector = parse_selector(kind, getattr(body, kind))
    actor = actor_of(request, caller)
    outcome = erase_applicant(
        opened.store, selector, actor=actor, purpose=body.purpose, key=opened.erasure_key,
        now=opened.now(), confirm=body.confirm,
    )  # fmt: skip
    return {
        "erased": outcome.applied,
        "counts": outcome.counts,
        "tombstones": outcome.tombstones,
        "audit_event": outcome.event_id,
        "next": "run linking and assessment to rebuild the outputs of what remains"
        if outcome.applied
        else "a preview: nothing was deleted; confirm to erase",
    }
