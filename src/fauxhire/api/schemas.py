"""What the OpenAPI document says the routes answer: a pydantic model for each JSON body a
route returns, and for each error body (401, 403, 404, 422, 429, 503) with the statuses each
route can give. The routes still build their dicts; FastAPI checks each against its model, and
``extra="forbid"`` makes a key a route adds without its model a 500 in the tests, not a
document that quietly lies. Times stay strings as the routes write them (``isoformat()``): a
``datetime`` field would be written back as ``Z`` where the routes write ``+00:00``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Text no column can store: PostgreSQL refuses a NUL character (U+0000) in text, so a request
# holding one is a 422 saying where, never the store's failure (a 503): guards.py checks the
# path and the query, the bodies' text fields match NUL_FREE.
NUL_ERROR = "nul_character"
NUL_MESSAGE = "text may not hold a NUL character (U+0000)"
NUL_FREE = r"^[^\x00]*$"

# A time as the routes write it: ISO 8601 with its offset.
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(Body):
    status: Literal["ok"]


class Ready(Body):
    status: Literal["ready"]


class NotReady(Body):
    status: Literal["unavailable"]


class Whoami(Body):
    key_id: str
    role: str
    member: str | None
    scopes: list[str]


class AuditEvent(Body):
    event_id: int
    actor: str
    action: str
    subject: str
    purpose: str
    at: Timestamp
    role: str | None
    member: str | None
    records: list[str]
    request_id: str | None
    prev_hash: str
    hash: str


class AuditPage(Body):
    events: list[AuditEvent]
    next_after: int | None = Field(description="The `after` of the next page; null on the last.")


class HubApplication(Body):
    company_id: str
    application_id: str
    applied_at: Timestamp


class MemberApplication(Body):
    application_id: str
    applied_at: Timestamp


class HubEvidence(Body):
    indicator: str
    title: str = Field(description="The indicator in a few plain words (the ruleset's title)")
    weight: float
    detail: str
    sources: list[str]


class MemberEvidence(Body):
    """An indicator's id, title and weight only: its sentence and sources could name other
    members' applicant data (services/identity_views.py)."""

    indicator: str
    title: str = Field(description="The indicator in a few plain words (the ruleset's title)")
    weight: float


class HubVerdict(Body):
    level: str | None = Field(description="null: not assessed yet")
    probability: float | None
    evidence: list[HubEvidence]


class MemberVerdict(Body):
    level: str | None = Field(description="null: not assessed yet")
    probability: float | None
    evidence: list[MemberEvidence]


class ReportsElsewhere(Body):
    count: int
    dispositions: dict[str, int] = Field(description="How many, by disposition")
    named_reporters: list[str] = Field(
        description="Display names of the reporting members that opted in to be named"
    )


class SharedInfrastructure(Body):
    kind: str = Field(description="payout_account, shipping_address, email, phone, ...")
    flagged_identities: int = Field(description="Other identities at `likely` or above")


class Elsewhere(Body):
    """What the hub knows of the identity from the other members (services/cross_member.py):
    counts, and names only of members that opted in; never a company id or applicant data."""

    companies: int
    applications: int
    months: int | None
    last_applied_days_ago: int | None
    named_companies: list[str]
    reports: ReportsElsewhere
    shared_with_flagged: list[SharedInfrastructure]
    facts: list[str] = Field(description="The same, in sentences")


class HubIdentity(Body):
    role: Literal["analyst"]
    identity_id: str
    applications: list[HubApplication]
    network_id: str | None
    verdict: HubVerdict
    recommendation: str
    next_steps: list[str] = Field(
        description="What to do next, by level: checks, never a rejection"
    )


class MemberIdentity(Body):
    role: Literal["member_analyst", "recruiter"]
    identity_id: str
    member: str
    applications: list[MemberApplication]
    elsewhere: Elsewhere
    verdict: MemberVerdict
    recommendation: str
    next_steps: list[str] = Field(
        description="What to do next, by level: checks, never a rejection"
    )


Identity = Annotated[HubIdentity | MemberIdentity, Field(discriminator="role")]


class Member(Body):
    member_id: str = Field(description="The company_id its records carry")
    name: str
    named: bool = Field(description="Opted in to be named to the other members")
    created_at: Timestamp
    updated_at: Timestamp


class MemberList(Body):
    members: list[Member]


class MemberChange(Body):
    member: Member
    created: bool
    changed: bool = Field(description="false: it was so already, and nothing was written")


class ErrorDetail(Body):
    field: str = Field(description="the request's field the error is about")


class Error(Body):
    code: str
    message: str
    detail: ErrorDetail | None = Field(
        None, description="present when the error names a field of the request"
    )


class Unauthorized(Body):
    """FastAPI's HTTPException wraps our error in ``detail``: kept, as clients already read it."""

    detail: Error


class InvalidField(Body):
    type: str
    loc: list[str | int]
    msg: str


class Invalid(Body):
    """FastAPI's 422 without the submitted value (api/guards.py)."""

    detail: list[InvalidField]


_RETRY_AFTER = {"Retry-After": {"description": "Whole seconds", "schema": {"type": "integer"}}}
_ERRORS: dict[int, dict[str, Any]] = {
    400: {"model": Error, "description": "The request contradicts what is stored"},
    409: {
        "model": Error,
        "description": "The record is stored already with other content, or names an "
        "applicant erased on request (code erased_applicant)",
    },
    401: {"model": Unauthorized, "description": "No valid credential"},
    403: {"model": Error, "description": "The credential's role may not use this route"},
    404: {"model": Error, "description": "Not found, or not visible to the caller"},
    422: {"model": Invalid, "description": "A parameter is not valid"},
    429: {"model": Error, "description": "Rate limited", "headers": _RETRY_AFTER},
    502: {"model": Error, "description": "The identity provider refused or did not answer"},
    503: {"model": Error, "description": "The store failed, or is not ready for this"},
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` a route or router declares for the error statuses it can answer."""
    return {status: _ERRORS[status] for status in statuses}


# Every route can be rate limited; every route behind a credential can refuse it, and the
# credential check reads the store, which can fail.
PUBLIC_ERRORS = errors(429)
PROTECTED_ERRORS = errors(401, 429, 503)


class ScreenRequest(Body):
    """One candidate to screen, as the ATS holds it."""

    format: Literal["canonical", "greenhouse", "ashby"] = Field(
        "canonical",
        description="canonical: one application of docs/formats.md section 5; greenhouse: a "
        "Harvest candidate with one application, or a bare application; ashby: an "
        "application.info result",
    )
    application: dict[str, Any] = Field(description="The application, in that format")
    company_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        pattern=NUL_FREE,
        description="The member it applied at. A member's key screens for its own member only; "
        "the hub's analyst names it for a vendor payload, which does not carry it",
    )
    purpose: str | None = Field(None, min_length=1, max_length=500, pattern=NUL_FREE)


class ScreenedApplication(Body):
    company_id: str
    application_id: str


class Comparison(Body):
    comparison: str
    reading: str
    weight: float | None


class LinkReason(Body):
    other: str = Field(
        description="The other application as company_id/application_id; for a member, only "
        "its own company's, and otherwise that it is at another member company"
    )
    probability: float | None
    comparisons: list[Comparison]


class Linked(Body):
    status: Literal["new", "joined"]
    applications: int
    links: list[LinkReason]


class Assessed(Body):
    scope: int = Field(description="Identities read to assess it")
    carried: int = Field(
        description="Contributions carried from the identity's stored assessment: the "
        "store-wide indicators', and, where that assessment saw all the identity holds but "
        "the screened applications, every indicator's that those cannot change"
    )


class Screened(Body):
    application: ScreenedApplication
    linked: Linked
    identity: Identity
    next_steps: list[str]
    assessed: Assessed
    recommendation: str


class WebhookReceived(Body):
    """What became of a signed delivery. A recommendation for human review, not a decision."""

    status: Literal["screened", "ignored", "refused", "duplicate"] = Field(
        description="screened: stored, linked and assessed now; ignored: an event that screens "
        "nothing (a ping); refused: acknowledged and not stored (see refused); duplicate: this "
        "body was received before and is not screened again"
    )
    action: str
    application_id: str | None
    level: str | None
    write_back: Literal["queued", "none"] | None
    refused: Literal["erased_applicant"] | None = Field(
        description="why an application event stored nothing: erased_applicant, its applicant "
        "was erased on request and is not stored again (docs/privacy.md)"
    )
    recommendation: str
