"""The audit trail's hash chain: each event's hash covers its content and the previous event's
hash, so an event edited, deleted or inserted afterwards breaks the chain where it was.

The stores compute ``event_hash`` when they append (and migration 0009 for the events written
before it); ``check_chain`` recomputes it for ``fauxhire audit verify``. Pure: no database.
What a chain cannot show is the loss of its newest events, since nothing comes after them to
disagree; ``ChainReport.last_hash``, kept somewhere else, is what shows that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final, NamedTuple

import orjson

from fauxhire.domain.outcomes import AuditEntry, AuditEvent

GENESIS: Final = "0" * 64  # the previous hash of the first event

# Named, not taken from AuditEvent._fields: a field added to the event later must not change
# the hashes of the events already written.
HASHED_FIELDS: Final = (
    "actor",
    "action",
    "subject",
    "purpose",
    "at",
    "role",
    "member",
    "records",
    "request_id",
)


class ChainProblem(NamedTuple):
    event_id: int
    kind: str  # edited | gap | start
    message: str


class ChainReport(NamedTuple):
    events: int
    last_hash: str  # GENESIS for an empty trail
    problems: list[ChainProblem]


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    """Hex sha256 of the event's fields and ``prev_hash`` as JSON with sorted keys, its time
    as ISO 8601 in UTC to the microsecond (as both stores give it back)."""
    content = {name: getattr(event, name) for name in HASHED_FIELDS}
    content |= {"at": _utc_iso(event.at), "records": list(event.records), "prev_hash": prev_hash}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def check_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Every break in ``entries`` (the trail oldest first): an event whose content no longer
    gives its hash (edited), one whose previous hash is not its predecessor's (an event
    between them deleted, or either rewritten), and a first event that does not start from
    ``GENESIS`` (the events before it deleted)."""
    problems: list[ChainProblem] = []
    count, last_id, last_hash = 0, None, GENESIS
    for entry in entries:
        count += 1
        if entry.prev_hash != last_hash:
            problems.append(_broken_link(entry.event_id, last_id))
        if event_hash(entry.event, entry.prev_hash) != entry.hash:
            problems.append(
                ChainProblem(
                    entry.event_id,
                    "edited",
                    f"event {entry.event_id} does not match its hash: it was changed after it "
                    "was written",
                )
            )
        last_id, last_hash = entry.event_id, entry.hash
    return ChainReport(count, last_hash, problems)


def _broken_link(event_id: int, previous_id: int | None) -> ChainProblem:
    if previous_id is None:
        return ChainProblem(
            event_id,
            "start",
            f"the trail starts at event {event_id}, whose previous hash is not the start's: "
            "the events before it were deleted, or its previous hash was changed",
        )
    return ChainProblem(
        event_id,
        "gap",
        f"event {event_id}'s previous hash is not the hash of event {previous_id}: an event "
        "between them was deleted, or one of the two was rewritten with a new hash",
    )


def _utc_iso(at: datetime) -> str:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # naive is UTC, as stored
    return aware.astimezone(UTC).isoformat(timespec="microseconds")
