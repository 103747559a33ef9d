"""Zoom meeting participants (FORMATS.md section 6): one MeetingJoin per participant.

A file is ``zoom/<company_id>.json``: an array of meetings ``{meeting_id, topic, start_time,
participants}``, each participant a Zoom dashboard participant object. Every participant is
stored, hosts and interviewers included (``role`` says which); matching a join to the
candidate is the services' job, not ours.

Zoom blanks many fields for external participants (which is usually the candidate): empty
strings are read as absent. When ``participant_uuid`` is blank too, the join gets a stable
stand-in key, a SHA-1 of its name, join time, IP and place in the meeting, so re-ingesting the
same file replaces the join instead of adding it twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from fauxhire.domain import MeetingJoin, Provenance
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
EXPECT = "Zoom meetings ([{meeting_id, topic, start_time, participants}], FORMATS.md section 6)"


Text = OptionalText
Time = OptionalUtcDatetime


class Participant(Wire):
    participant_uuid: Text = None
    user_name: Text = None
    email: Text = None
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
    meeting_id: IdText  # a number in some exports, a string in others
    topic: Text = None
    start_time: Time = None
    participants: list[dict[str, Any]]  # validated one by one


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Zoom")
    items = iter_json_items(source, max_field_bytes=context.max_field_bytes, expect=EXPECT)
    for item in iter_valid(items, Meeting, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, meeting = item
        participants = iter_children(location, "participants", meeting.participants)
        for index, found in enumerate(iter_valid(participants, Participant, source)):
            if isinstance(found, Quarantined):
                yield found
                continue
            here, participant = found
            yield to_join(meeting, participant, index, company_id, source, here)


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
