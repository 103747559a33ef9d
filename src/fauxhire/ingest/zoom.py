"""Zoom meeting participants (docs/formats.md section 6): one MeetingJoin per participant.

Accepted, each as Zoom or a person writes it:
- ``zoom/<company_id>.json``: an array of meetings ``{meeting_id, topic, start_time,
  participants}`` (or one such meeting object);
- a participant page as the API returns it, ``{page_count, page_size, total_records,
  next_page_token, participants}``, from ``GET /v2/metrics/meetings/{meetingId}/participants``
  (dashboard participants: device, IP, camera...) or ``GET
  /v2/report/meetings/{meetingId}/participants`` (``name``, ``user_email``, times). The page
  does not say which meeting it lists, so either the file is named ``meeting-<meetingId>.json``
  (``meeting-<meetingId>.<anything>.json`` for further pages), kept in
  ``zoom/<company_id>/`` or given with ``--company``; or the page carries the meeting's own
  fields beside ``participants``: ``meeting_id`` (or Zoom's ``id``, or ``uuid``), ``topic``
  and ``start_time``, as ``GET /v2/report/meetings/{meetingId}`` or ``GET
  /v2/past_meetings/{meetingId}`` return them. Without a topic the meeting still joins its
  candidate, by email or name, but not the application its topic would name.

A page is one page: ``next_page_token`` is read past (never stored or shown, whatever it
holds), and a page of a longer list is logged as such; ingest each page as a file.

Every participant is stored, hosts and interviewers included (``role`` says which); matching
a join to the candidate is the services' job, not ours.

Zoom blanks many fields for external participants (which is usually the candidate): empty
strings are read as absent. When ``participant_uuid`` is blank too, the join gets a stable
stand-in key, a SHA-1 of its name, join time, IP and place in the meeting, so re-ingesting the
same file replaces the join instead of adding it twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from typing import Any

from pydantic import AliasChoices, Field

from fauxhire.domain import MeetingJoin, Provenance
from fauxhire.errors import IngestError
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import (
    IdText,
    OptionalText,
    OptionalUtcDatetime,
    Wire,
    iter_children,
    iter_valid,
)

SOURCE_SYSTEM = "zoom"
EXPECT = (
    "Zoom meetings ([{meeting_id, topic, start_time, participants}], docs/formats.md section 6) or "
    "a Zoom participant page (report/ or metrics/meetings/{meetingId}/participants)"
)
# meeting-85012345678.json, meeting-85012345678.page-2.json: the meeting a page lists.
MEETING_FILE = re.compile(r"^meeting-(?P<id>[0-9A-Za-z_=+-]{1,200})(?:\.|$)")
# The fields of an API page about the page, not the meeting: never stored (the token is an
# opaque cursor and may hold anything).
PAGE_FIELDS = ("page_count", "page_size", "total_records", "next_page_token")

logger = logging.getLogger(__name__)


Text = OptionalText
Time = OptionalUtcDatetime


class Participant(Wire):
    participant_uuid: Text = None
    # The dashboard names them user_name and email, the report name and user_email.
    user_name: Text = Field(None, validation_alias=AliasChoices("user_name", "name"))
    email: Text = Field(None, validation_alias=AliasChoices("email", "user_email"))
    role: Text = None
    ip_address: Text = None
    location: Text = None
    camera: Text = None
    device: Text = None
    os: Text = None
    pc_name: Text = None
    join_time: Time = None
    leave_time: Time = None


class Meeting(Wire):
    # A number in some exports, a string in others; Zoom's own meeting objects call it id.
    meeting_id: IdText | None = Field(
        None, validation_alias=AliasChoices("meeting_id", "id", "uuid")
    )
    topic: Text = None
    start_time: Time = None
    participants: list[dict[str, Any]]  # validated one by one
    page_count: Any = None
    page_size: Any = None
    total_records: Any = None
    next_page_token: Any = None

    def is_page(self) -> bool:
        return any(getattr(self, name) is not None for name in PAGE_FIELDS)


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Zoom")
    named = meeting_of_file(source)
    if named is not None and company_id == source.path.stem:
        raise IngestError(
            f"{source.path.name} names its meeting but not the employer: put it in "
            "zoom/<company_id>/ or give the company (--company)",
            source=source.display,
            field="company_id",
            code="company_required",
        )
    items = iter_json_items(
        source,
        context,
        expect=EXPECT,
    )
    for item in iter_valid(items, Meeting, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, meeting = item
        if problem := _name_meeting(meeting, named, source, location):
            yield problem
            continue
        if meeting.is_page():
            _note_partial_page(meeting, source, location)
        participants = iter_children(location, "participants", meeting.participants)
        for index, found in enumerate(iter_valid(participants, Participant, source)):
            if isinstance(found, Quarantined):
                yield found
                continue
            here, participant = found
            yield to_join(meeting, participant, index, company_id, source, here)


def meeting_of_file(source: SourceFile) -> str | None:
    """The meeting id a file's name gives (``meeting-<id>.json``), if it gives one."""
    found = MEETING_FILE.match(source.path.name)
    return found["id"] if found else None


def _name_meeting(
    meeting: Meeting, named: str | None, source: SourceFile, location: str
) -> Quarantined | None:
    """Give the meeting the id its file is named with; a meeting named nowhere is refused
    (a whole page: the file) or quarantined (one of several meetings)."""
    if meeting.meeting_id is None and named is not None:
        meeting.meeting_id = named
    elif meeting.meeting_id is None:
        if location == "/" and meeting.is_page():
            raise IngestError(
                "this looks like a Zoom API participant page (report/ or metrics/meetings/"
                "{meetingId}/participants) but names no meeting: name the file "
                "meeting-<meetingId>.json (in zoom/<company_id>/, or with --company), or add "
                '"meeting_id" (and "topic", "start_time") beside "participants"',
                source=source.display,
                field="meeting_id",
                code="meeting_unnamed",
            )
        return Quarantined(
            source.display, location, "meeting_id", "required field is missing", "missing"
        )
    elif named is not None and meeting.meeting_id != named:
        return Quarantined(
            source.display,
            location,
            "meeting_id",
            f"the file is named for meeting {named} but holds meeting {meeting.meeting_id}",
            "meeting_mismatch",
        )
    return None


def _note_partial_page(meeting: Meeting, source: SourceFile, location: str) -> None:
    """Say so when a page is one of several: the other pages are other files (or missing)."""
    total = meeting.total_records
    if isinstance(total, int) and not isinstance(total, bool) and total > len(meeting.participants):
        logger.info(
            "%s %s: a page of %d of %d participants; ingest the other pages as files too",
            source.display,
            location,
            len(meeting.participants),
            total,
        )


def to_join(
    meeting: Meeting,
    participant: Participant,
    index: int,
    company_id: str,
    source: SourceFile,
    location: str,
) -> MeetingJoin:
    values = ValueCollector()
    extra = participant.unknown_fields()
    if meeting_extra := meeting.unknown_fields():
        extra["meeting"] = meeting_extra
    assert meeting.meeting_id is not None  # named by _name_meeting
    return MeetingJoin(
        company_id=company_id,
        meeting_id=meeting.meeting_id,
        participant_key=participant.participant_uuid or stand_in_key(participant, index),
        start_time=meeting.start_time,
        topic=meeting.topic,
        user_name=participant.user_name,
        email=values.one_email(participant.email),
        role=participant.role,
        ip_address=values.one_ip(participant.ip_address),
        location=participant.location,
        camera=participant.camera,
        device=participant.device,
        os=participant.os,
        pc_name=participant.pc_name,
        join_time=participant.join_time,
        leave_time=participant.leave_time,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        extra=values.extra(extra),
    )


def stand_in_key(participant: Participant, index: int) -> str:
    """A key for a participant Zoom gave no uuid: the same input always gives the same key."""
    join = participant.join_time.isoformat() if participant.join_time else ""
    parts = (participant.user_name or "", join, participant.ip_address or "", str(index))
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8"), usedforsecurity=False)
    return f"sha1:{digest.hexdigest()}"
