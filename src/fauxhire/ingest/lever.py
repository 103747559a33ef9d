"""Lever opportunities (FORMATS.md section 1): one Application per opportunity.

A file is ``lever/<company_id>.json``: a ``{data, hasNext, next}`` page as the API returns it,
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
"""

from __future__ import annotations

from collections.abc import Iterator

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.normalise import location as loc
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
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
EXPECT = "Lever opportunities ({data, hasNext, next} pages, an array, or JSON Lines)"
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


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Lever")
    items = iter_json_items(
        source, list_keys=("data",), max_field_bytes=context.max_field_bytes, expect=EXPECT
    )
    for item in iter_valid(items, LeverOpportunity, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, opportunity = item
        yield to_application(opportunity, company_id, source, location, context)


def to_application(
    opp: LeverOpportunity,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
) -> Application:
    values = ValueCollector()
    full = " ".join((opp.name or "").split())
    first, _, last = full.rpartition(" ")
    if not first:  # one word: it is the first name, as Lever shows it
        first, last = last, ""
    region = loc.country_of(opp.location) or context.country_of(company_id)
    names = values.names([full]) if full else ()
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=names[0] if names else None,
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
