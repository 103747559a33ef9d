"""Ashby candidates and applications: an Application per application an object names.

A file is ``ashby/<company_id>.json`` (or ``ashby/<company_id>/<anything>.json``): an Ashby
API response as it comes, ``{"success": true, "results": ...}``, whose results are one object
(``POST /candidate.info``, ``POST /application.info``) or a list (``candidate.list``,
``candidate.search``, ``application.list``); or a plain array, one object, or JSON Lines of
either kind. A response with ``"success": false`` refuses the file with Ashby's errors.

Ashby splits a candidacy in two objects:
- an **application** (it has ``job``, ``currentInterviewStage`` or ``candidate``) gives the
  job (``job.title``), the stage (``currentInterviewStage.title``), ``status``, ``source``
  and the date (``createdAt``), and of the person what its ``candidate`` summary holds
  (name, primary email and phone);
- a **candidate** gives the person (name, every email, phone and social link, ``location``,
  the ``resumeFileHandle``) and the ids of its applications (``applicationIds``), one
  Application each, with the job unknown (``(unknown job)``) and the candidate's
  ``createdAt`` as the date.
Both describe one candidacy under one key (company, application id); ingest one of the two
for an application, or the second is a conflicting duplicate.

An application is an interview unless its stage is one Ashby places before interviews (its
``type`` ``Lead``, ``PreInterviewScreen`` or ``PreApplication``) or a configured
non-interview stage. The resume is an opaque Ashby file handle (``file.info`` turns it into a
URL): it is kept in ``extra["resume_file_handle"]``, not read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import orjson
from pydantic import Field

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.normalise import location as loc
from fauxhire.errors import IngestError
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.envelope import unwrap
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import (
    IdText,
    OptionalText,
    UtcDatetime,
    Wire,
    iter_valid,
    unknown_tree,
)

SOURCE_SYSTEM = "ashby"
EXPECT = (
    "Ashby candidates or applications ({success, results} responses of candidate.info, "
    "application.info, candidate.list or application.list; an array or JSON Lines)"
)
UNKNOWN_JOB = "(unknown job)"
PRE_INTERVIEW_TYPES = frozenset({"lead", "preinterviewscreen", "preapplication"})
_APPLICATION_KEYS = frozenset({"job", "currentInterviewStage", "candidate"})

logger = logging.getLogger(__name__)

Text = OptionalText


class Contact(Wire):
    """An email address or phone number: ``{value, type, isPrimary}``."""

    value: Text = None


class SocialLink(Wire):
    type: Text = None
    url: Text = None


class Place(Wire):
    locationSummary: Text = None


class Titled(Wire):
    """A job, a source, a stage group: what we read of each is its title."""

    title: Text = None


class Stage(Wire):
    title: Text = None
    type: Text = None
    interviewStageGroup: Stage | None = None


class FileHandle(Wire):
    id: Text = None
    name: Text = None
    handle: Text = None


class CandidateSummary(Wire):
    """The candidate as an application embeds it."""

    id: IdText
    name: Text = None
    primaryEmailAddress: Contact | None = None
    primaryPhoneNumber: Contact | None = None


class AshbyCandidate(Wire):
    id: IdText
    createdAt: UtcDatetime
    name: Text = None
    primaryEmailAddress: Contact | None = None
    emailAddresses: list[Contact] | None = None
    primaryPhoneNumber: Contact | None = None
    phoneNumbers: list[Contact] | None = None
    socialLinks: list[SocialLink] | None = None
    linkedInUrl: Text = None
    githubUrl: Text = None
    location: Place | None = None
    resumeFileHandle: FileHandle | None = None
    source: Titled | None = None
    applicationIds: list[IdText] = Field(default_factory=list)


class AshbyApplication(Wire):
    id: IdText
    createdAt: UtcDatetime
    status: Text = None
    candidate: CandidateSummary
    job: Titled | None = None
    currentInterviewStage: Stage | None = None
    source: Titled | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Ashby")
    items = iter_json_items(
        source,
        context,
        list_keys=("results",),
        expect=EXPECT,
    )
    records = unwrap(_refuse_failures(items, source), "results")
    for item in iter_valid(records, _kind, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
        elif isinstance(item[1], AshbyApplication):
            yield from_application(item[1], company_id, source, item[0], context)
        else:
            yield from from_candidate(item[1], company_id, source, item[0], context)


def _refuse_failures(
    items: Iterator[tuple[str, Any] | Quarantined], source: SourceFile
) -> Iterator[tuple[str, Any] | Quarantined]:
    """An Ashby answer of ``success: false`` holds no records, only why: refuse the file."""
    for item in items:
        if not isinstance(item, Quarantined):
            location, raw = item
            if isinstance(raw, dict) and raw.get("success") is False:
                errors = orjson.dumps(raw.get("errors", raw.get("errorInfo")))[:300]
                raise IngestError(
                    f"Ashby answered success: false, with no records; its errors: "
                    f"{errors.decode('utf-8', 'replace')}",
                    source=source.display,
                    location=location,
                    code="vendor_error",
                )
        yield item


def _kind(raw: Any) -> type[AshbyCandidate | AshbyApplication]:
    if isinstance(raw, dict) and "applicationIds" not in raw and _APPLICATION_KEYS & raw.keys():
        return AshbyApplication
    return AshbyCandidate


def from_application(
    app: AshbyApplication,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
) -> Application:
    values = ValueCollector()
    person = app.candidate
    first, last, name = values.whole_name(person.name)
    email = person.primaryEmailAddress.value if person.primaryEmailAddress else None
    phone = person.primaryPhoneNumber.value if person.primaryPhoneNumber else None
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=name,
        emails=values.emails([email]),
        phones=values.phones([phone], context.country_of(company_id)),
    )
    stage = app.currentInterviewStage
    title = app.job.title if app.job and app.job.title else None
    extra = unknown_tree(app)
    if title is None:
        extra["job_title_from"] = "unknown"
    return Application(
        company_id=company_id,
        application_id=app.id,
        candidate_id=person.id,
        applied_at=app.createdAt,
        job_title=title or UNKNOWN_JOB,
        applicant=applicant,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        stage=stage.title if stage else None,
        status=app.status,
        source=app.source.title if app.source else None,
        referred_by=None,
        is_interview=is_interview(stage, context),
        extra=values.extra(extra),
    )


def from_candidate(
    candidate: AshbyCandidate,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
) -> Iterator[Application]:
    """One Application per application id the candidate names."""
    if not candidate.applicationIds:
        logger.debug(
            "%s %s: candidate %s has no applications", source.display, location, candidate.id
        )
    for app_id in dict.fromkeys(candidate.applicationIds):
        yield _candidate_application(candidate, app_id, company_id, source, location, context)


def _candidate_application(
    candidate: AshbyCandidate,
    app_id: str,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
) -> Application:
    values = ValueCollector()
    first, last, name = values.whole_name(candidate.name)
    claimed = candidate.location.locationSummary if candidate.location else None
    region = (loc.country_of(claimed) if claimed else None) or context.country_of(company_id)
    emails = [candidate.primaryEmailAddress, *(candidate.emailAddresses or ())]
    phones = [candidate.primaryPhoneNumber, *(candidate.phoneNumbers or ())]
    links = [s.url for s in candidate.socialLinks or ()]
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=name,
        emails=values.emails(c.value for c in emails if c),
        phones=values.phones((c.value for c in phones if c), region),
        urls=values.urls([*links, candidate.linkedInUrl, candidate.githubUrl]),
        claimed_location=claimed,
    )
    extra = unknown_tree(candidate)
    extra["job_title_from"] = "unknown"
    extra["applied_at_from"] = "candidate.createdAt"
    if candidate.resumeFileHandle:
        extra["resume_file_handle"] = candidate.resumeFileHandle.model_dump(exclude_none=True)
    return Application(
        company_id=company_id,
        application_id=app_id,
        candidate_id=candidate.id,
        applied_at=candidate.createdAt,
        job_title=UNKNOWN_JOB,
        applicant=applicant,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        stage=None,
        status=None,
        source=candidate.source.title if candidate.source else None,
        referred_by=None,
        is_interview=False,
        extra=values.extra(extra),
    )


def is_interview(stage: Stage | None, context: IngestContext) -> bool:
    """Past Ashby's pre-interview stages (see the module docstring)."""
    if stage is None:
        return False
    group = stage.interviewStageGroup
    kind = (stage.type or (group.type if group else None) or "").casefold()
    if kind in PRE_INTERVIEW_TYPES:
        return False
    return context.is_interview_stage(stage.title)
