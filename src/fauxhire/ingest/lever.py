"""Lever opportunities (docs/formats.md section 4): one Application per opportunity.

A file is ``lever/<company_id>.json``: a ``{data, hasNext, next}`` page as the API returns it
(``GET /v1/opportunities``), a single-record response ``{data: {...}}`` (``GET
/v1/opportunities/{id}``, or an application from ``GET /v1/opportunities/{id}/applications/{id}``),
a plain array of opportunities, or JSON Lines. Timestamps are epoch milliseconds.

Decisions the format leaves to us:
- ``candidate_id`` is the opportunity's ``contact``: Lever's id of the person, shared by all
  of one person's opportunities, which is what a candidate id means elsewhere.
- ``job_title``: Lever names the job only on an expanded posting (``expand=applications``
  with ``posting {id, text}``). Without the text we use ``posting:<id>``, or
  ``(unknown posting)`` when no posting is named at all, and say so in
  ``extra["job_title_from"]``. ``headline`` is the candidate's own line, not the job.
- ``is_interview``: Lever's built-in pre-interview stages are the lead stages (ids starting
  ``lead-``) and the new-applicant stage (``applicant-new``); any other stage id, including
  the custom stages a company adds for screens and interviews, counts as an interview. A
  stage whose name is in the configured non-interview stages does not count either.
- ``status``: ``archived`` when the opportunity is archived, else ``active``.
- An application object (it has ``opportunityId``) is the same candidacy as its opportunity,
  so it is stored under the opportunity's id: ingesting both never counts one candidacy
  twice. It names no ``contact``, so ``candidate_id`` is its ``candidateId`` (which Lever
  documents as the opportunity's id) and one person's several opportunities are not tied
  by it; it names no stage either, so it is not an interview until a meeting says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.normalise import location as loc
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.envelope import unwrap
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import (
    EpochOrIsoDatetime,
    Labelled,
    NonEmptyStr,
    Wire,
    iter_valid,
    unknown_tree,
)

SOURCE_SYSTEM = "lever"
EXPECT = (
    "Lever opportunities ({data, hasNext, next} pages, {data: {...}} single records, an array, "
    "or JSON Lines)"
)
UNKNOWN_POSTING = "(unknown posting)"
NEW_APPLICANT_STAGES = frozenset({"applicant-new", "new-applicant"})


class Stage(Wire):
    id: str | None = None
    text: str | None = None


class Posting(Wire):
    id: str | None = None
    text: str | None = None


class ApplicationRef(Wire):
    """An expanded entry of ``applications[]``; unexpanded entries are bare id strings."""

    id: str | None = None
    posting: str | Posting | None = None


class User(Wire):
    id: str | None = None
    name: str | None = None


class Archive(Wire):
    reason: str | None = None
    archivedAt: EpochOrIsoDatetime | None = None


class LeverOpportunity(Wire):
    id: NonEmptyStr
    contact: NonEmptyStr
    name: str | None = None
    emails: list[str] | None = None
    phones: list[Labelled] | None = None
    links: list[str] | None = None
    location: str | None = None
    createdAt: EpochOrIsoDatetime
    stage: str | Stage | None = None
    sources: list[str] | None = None
    origin: str | None = None
    sourcedBy: str | User | None = None
    applications: list[str | ApplicationRef] | None = None
    archived: Archive | None = None
    archivedAt: EpochOrIsoDatetime | None = None


class LeverApplication(Wire):
    """An application object: one opportunity's application to a posting."""

    id: NonEmptyStr
    opportunityId: NonEmptyStr
    candidateId: str | None = None
    createdAt: EpochOrIsoDatetime
    posting: str | Posting | None = None
    name: str | None = None
    email: str | None = None
    phone: Labelled | None = None
    links: list[str] | None = None
    archived: Archive | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Lever")
    items = iter_json_items(
        source,
        context,
        list_keys=("data",),
        expect=EXPECT,
    )
    records = unwrap(items, "data")
    for item in iter_valid(records, _kind, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
        elif isinstance(item[1], LeverApplication):
            yield from_application(item[1], company_id, source, item[0], context)
        else:
            yield to_application(item[1], company_id, source, item[0], context)


def _kind(raw: Any) -> type[LeverOpportunity | LeverApplication]:
    is_application = isinstance(raw, dict) and "opportunityId" in raw
    return LeverApplication if is_application else LeverOpportunity


def to_application(
    opp: LeverOpportunity,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
) -> Application:
    values = ValueCollector()
    first, last, name = values.whole_name(opp.name)
    region = loc.country_of(opp.location) or context.country_of(company_id)
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=name,
        emails=values.emails(opp.emails or ()),
        phones=values.phones([p.value for p in opp.phones or ()], region),
        urls=values.urls(opp.links or ()),
        claimed_location=opp.location,
    )
    stage_id, stage_text = _stage(opp.stage)
    job_title, title_from = _job_title(opp.applications)
    extra = unknown_tree(opp)
    if app_ids := [a if isinstance(a, str) else a.id for a in opp.applications or ()]:
        extra["application_ids"] = [a for a in app_ids if a]
    if title_from:
        extra["job_title_from"] = title_from
    if stage_id and stage_text:
        extra["stage_id"] = stage_id
    return Application(
        company_id=company_id,
        application_id=opp.id,
        candidate_id=opp.contact,
        applied_at=opp.createdAt,
        job_title=job_title,
        applicant=applicant,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        stage=stage_text or stage_id,
        status="archived" if opp.archived or opp.archivedAt else "active",
        source=opp.sources[0] if opp.sources else None,
        referred_by=_referrer(opp),
        is_interview=is_interview(stage_id, stage_text, context),
        extra=values.extra(extra),
    )


def from_application(
    app: LeverApplication,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
) -> Application:
    """An application object as its opportunity's application (see the module docstring)."""
    values = ValueCollector()
    first, last, name = values.whole_name(app.name)
    region = context.country_of(company_id)  # an application names no place of its own
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=name,
        emails=values.emails([app.email]),
        phones=values.phones([app.phone.value if app.phone else None], region),
        urls=values.urls(app.links or ()),
    )
    job_title, title_from = _job_title([ApplicationRef(id=app.id, posting=app.posting)])
    extra = unknown_tree(app)
    extra["application_ids"] = [app.id]
    if title_from:
        extra["job_title_from"] = title_from
    return Application(
        company_id=company_id,
        application_id=app.opportunityId,
        candidate_id=app.candidateId or app.opportunityId,
        applied_at=app.createdAt,
        job_title=job_title,
        applicant=applicant,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        stage=None,
        status="archived" if app.archived else "active",
        source=None,
        referred_by=None,
        is_interview=False,
        extra=values.extra(extra),
    )


def _stage(stage: str | Stage | None) -> tuple[str | None, str | None]:
    if isinstance(stage, Stage):
        return stage.id or None, stage.text or None
    return stage or None, None


def is_interview(stage_id: str | None, stage_text: str | None, context: IngestContext) -> bool:
    """Past Lever's lead and new-applicant stages (see the module docstring)."""
    key = (stage_id or "").strip().lower()
    if not key or key.startswith("lead-") or key in NEW_APPLICANT_STAGES:
        return False
    return stage_text is None or context.is_interview_stage(stage_text)


def _job_title(apps: list[str | ApplicationRef] | None) -> tuple[str, str | None]:
    """The job's title, and where it came from when it is not the posting's own text."""
    posting_id: str | None = None
    for app in apps or ():
        if not isinstance(app, ApplicationRef):
            continue
        posting = app.posting
        if isinstance(posting, Posting):
            if posting.text:
                return posting.text, None
            posting_id = posting_id or posting.id
        elif posting:
            posting_id = posting_id or posting
    if posting_id:
        return f"posting:{posting_id}", "posting-id"
    return UNKNOWN_POSTING, "unknown"


def _referrer(opp: LeverOpportunity) -> str | None:
    if (opp.origin or "").lower() != "referred" or opp.sourcedBy is None:
        return None
    if isinstance(opp.sourcedBy, User):
        return opp.sourcedBy.name or opp.sourcedBy.id
    return opp.sourcedBy
