"""Greenhouse Harvest v1 (docs/formats.md section 4): an Application per application object.

A file is ``greenhouse/<company_id>.json``: a JSON array of candidate objects (``GET
/v1/candidates``), one candidate object (``GET /v1/candidates/{id}``), application objects
(``GET /v1/applications``, ``GET /v1/applications/{id}``) singly or as an array, or JSON
Lines of either. Each candidate carries its applications; the person's identifying values
(emails, phones, addresses, profile URLs, resume) sit on the candidate and are copied onto
each of its applications, because an application is what we link and count.

A bare application object names its candidate only by ``candidate_id``: what it holds of the
person (profile URLs among its answers, its resume attachment, the location it was made
from) is all its Application gets. A candidate object and a bare application of one id are
one candidacy stored under one key, so ingest candidates when you can: they hold the person.

Candidates and applications are validated separately: one bad application is quarantined
(``/0/applications/1``, field ``applications.1.jobs``) and its siblings still go in.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.normalise import location as loc
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.resume import ResumeReader
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import (
    IdText,
    Labelled,
    NonEmptyStr,
    UtcDatetime,
    Wire,
    iter_children,
    iter_valid,
    unknown_tree,
)

SOURCE_SYSTEM = "greenhouse"
EXPECT = "Greenhouse Harvest v1 candidates or applications (docs/vendor-formats.md)"

logger = logging.getLogger(__name__)

# An answer is taken as a profile URL only when it is one token that looks like a link;
# free-text answers ("Yes") would otherwise fill invalid_values with noise.
_URL_ANSWER = re.compile(
    r"^(?:https?://|www\.|(?:[\w-]+\.)*(?:linkedin|github)\.com/)\S+$", re.IGNORECASE
)


# Keys only an application object has: a candidate has ``applications`` and names instead.
_APPLICATION_KEYS = frozenset({"candidate_id", "applied_at", "jobs", "current_stage"})


class Attachment(Wire):
    filename: str | None = None
    url: str | None = None
    type: str | None = None


# Nested ids we do not map (job, stage, source) are left undeclared, so they reach ``extra``.
class Job(Wire):
    name: NonEmptyStr


class Named(Wire):
    name: str | None = None


class JobSource(Wire):
    public_name: str | None = None


class Referrer(Wire):
    id: IdText | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    employee_id: str | None = None


class Answer(Wire):
    question: str | None = None
    answer: Any = None  # text in practice; anything else is simply not a URL


class Place(Wire):
    address: str | None = None


class GreenhouseApplication(Wire):
    id: IdText
    candidate_id: IdText | None = None
    applied_at: UtcDatetime
    jobs: Annotated[list[Job], Field(min_length=1)]
    current_stage: Named | None = None
    status: str | None = None
    source: JobSource | None = None
    credited_to: Referrer | None = None
    answers: list[Answer] | None = None
    location: Place | None = None
    attachments: list[Attachment] | None = None


class BareApplication(GreenhouseApplication):
    """An application object on its own: only its ``candidate_id`` names the person."""

    candidate_id: IdText


class GreenhouseCandidate(Wire):
    id: IdText
    first_name: str | None = None
    last_name: str | None = None
    email_addresses: list[Labelled] | None = None
    phone_numbers: list[Labelled] | None = None
    addresses: list[Labelled] | None = None
    website_addresses: list[Labelled] | None = None
    social_media_addresses: list[Labelled] | None = None
    attachments: list[Attachment] | None = None
    educations: list[dict[str, Any]] | None = None
    employments: list[dict[str, Any]] | None = None
    applications: list[dict[str, Any]]  # validated one by one, so one bad one stays alone


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Greenhouse")
    items = iter_json_items(
        source,
        context,
        expect=EXPECT,
    )
    resumes = ResumeReader(
        source.path.parent, max_chars=context.max_field_bytes, limits=context.limits
    )
    for item in iter_valid(items, _kind, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, record = item
        if isinstance(record, BareApplication):
            alone = GreenhouseCandidate(id=record.candidate_id, applications=[])
            yield to_application(alone, record, company_id, source, location, context, resumes)
            continue
        candidate = record
        if not candidate.applications:
            logger.debug(
                "%s %s: candidate %s has no applications", source.display, location, candidate.id
            )
        apps = iter_children(location, "applications", candidate.applications)
        for index, found in enumerate(iter_valid(apps, GreenhouseApplication, source)):
            if isinstance(found, Quarantined):
                # Name the field from the candidate down, as the file a person opens shows it.
                yield dataclasses.replace(found, field=f"applications.{index}.{found.field}")
                continue
            app_location, app = found
            yield to_application(candidate, app, company_id, source, app_location, context, resumes)


def _kind(raw: Any) -> type[GreenhouseCandidate | BareApplication]:
    """A bare application object, or a candidate (also what an unplaceable item is taken for,
    so it is quarantined for what a candidate lacks)."""
    if isinstance(raw, dict) and "applications" not in raw and _APPLICATION_KEYS & raw.keys():
        return BareApplication
    return GreenhouseCandidate


def to_application(
    candidate: GreenhouseCandidate,
    app: GreenhouseApplication,
    company_id: str,
    source: SourceFile,
    location: str,
    context: IngestContext,
    resumes: ResumeReader,
) -> Application:
    values = ValueCollector()
    claimed = app.location.address if app.location else None
    addresses = _values(candidate.addresses)
    region = _region(claimed, addresses) or context.country_of(company_id)
    first, last = candidate.first_name or "", candidate.last_name or ""
    resume = resumes.read(_resume_urls(app.attachments) + _resume_urls(candidate.attachments))
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=values.full_name(first, last),
        emails=values.emails(_values(candidate.email_addresses)),
        phones=values.phones(_values(candidate.phone_numbers), region),
        addresses=values.addresses(addresses),
        urls=values.urls(
            _values(candidate.website_addresses)
            + _values(candidate.social_media_addresses)
            + _url_answers(app.answers)
        ),
        resume_text=resume.text,
        education=tuple(candidate.educations or ()),
        employment=tuple(candidate.employments or ()),
        claimed_location=claimed,
    )
    stage = app.current_stage.name if app.current_stage else None
    extra = unknown_tree(app)
    if unknown := unknown_tree(candidate):
        extra["candidate"] = unknown
    if len(app.jobs) > 1:
        extra["job_titles"] = [job.name for job in app.jobs]
    if app.answers:  # only URL-looking answers are values; the rest are kept as said
        extra["answers"] = [a.model_dump(exclude_none=True) for a in app.answers]
    extra.update(resume.extra())
    return Application(
        company_id=company_id,
        application_id=app.id,
        candidate_id=candidate.id,
        applied_at=app.applied_at,
        job_title=app.jobs[0].name,
        applicant=applicant,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        stage=stage,
        status=app.status,
        source=app.source.public_name if app.source else None,
        referred_by=_referrer(app.credited_to),
        is_interview=context.is_interview_stage(stage),
        extra=values.extra(extra),
    )


def _values(items: list[Labelled] | None) -> list[str]:
    return [item.value for item in items or () if item.value]


def _url_answers(answers: list[Answer] | None) -> list[str]:
    return [
        a.answer.strip()
        for a in answers or ()
        if isinstance(a.answer, str) and _URL_ANSWER.match(a.answer.strip())
    ]


def _resume_urls(attachments: list[Attachment] | None) -> list[str]:
    return [a.url for a in attachments or () if a.url and (a.type or "").lower() == "resume"]


def _region(claimed: str | None, addresses: list[str]) -> str | None:
    """The country phone numbers without a +prefix are read in: the applicant's own first."""
    for text in (claimed, *addresses):
        if text and (country := loc.country_of(text)):
            return country
    return None


def _referrer(credited_to: Referrer | None) -> str | None:
    """Section 12: the referrer as the ATS holds it; the employee id is what ``hr/`` joins on."""
    if credited_to is None:
        return None
    if credited_to.employee_id:
        return credited_to.employee_id
    if credited_to.name:
        return credited_to.name
    joined = " ".join(p for p in (credited_to.first_name, credited_to.last_name) if p)
    return joined or credited_to.id
