"""Recognising which of our input formats a JSON item is, to refuse a file given as the wrong one.

A user who passes an Okta export as Zoom data would otherwise get every record quarantined
for missing fields, which hides the real mistake. Each adapter calls ``require`` on its first
item; the error says what was expected and what the file looks like instead.

``detect`` looks only at keys, never at values' validity: it must be cheap and must not
depend on the normalisers. It answers ``None`` when it cannot tell.
"""

from __future__ import annotations

from typing import Any

from fauxhire.errors import WrongFormatError
from fauxhire.ingest.base import SourceFile

FORMAT_NAMES = {
    "greenhouse": "Greenhouse Harvest candidates or applications",
    "lever": "Lever opportunities or applications",
    "ashby": "Ashby candidates or applications",
    "zoom": "Zoom meeting participants",
    "teams": "Microsoft Teams call records",
    "okta": "Okta System Log events",
    "entra": "Microsoft Entra sign-in logs",
    "stix": "STIX 2.1 content",
    "canonical": "canonical applications",
}

# Keys under which vendors wrap their items (a list) or one item (an object); detect looks
# inside them.
_WRAPPERS = ("value", "data", "objects", "results", "participants")
# Ashby's candidate and application objects: camelCase keys no other vendor here uses.
_ASHBY_KEYS = frozenset(
    {"primaryEmailAddress", "applicationIds", "socialLinks", "resumeFileHandle"}
)


def detect(item: Any) -> str | None:
    """Guess the format of one JSON item (or of a wrapper holding such items) from its keys."""
    if not isinstance(item, dict):
        return None
    keys = item.keys()
    kind = item.get("type")
    item_id = item.get("id")
    if kind == "bundle" or (
        isinstance(kind, str) and isinstance(item_id, str) and item_id.startswith(f"{kind}--")
    ):
        return "stix"
    if {"company_id", "application_id", "candidate_id"} <= keys:
        return "canonical"
    if "eventType" in keys and ("published" in keys or "actor" in keys):
        return "okta"
    if "createdDateTime" in keys and ({"userPrincipalName", "appDisplayName"} & keys):
        return "entra"
    if "applications" in keys and ({"first_name", "email_addresses"} & keys):
        return "greenhouse"
    if {"current_stage", "jobs", "candidate_id"} <= keys:
        return "greenhouse"  # a bare Harvest application object
    if "contact" in keys and ({"emails", "createdAt", "stage"} & keys):
        return "lever"
    if {"opportunityId", "posting"} <= keys:
        return "lever"  # a Lever application object
    if _ASHBY_KEYS & keys or "currentInterviewStage" in keys:
        return "ashby"
    if "sessions" in keys and ({"organizer", "joinWebUrl", "modalities"} & keys):
        return "teams"  # a callRecord with its sessions expanded
    if "meeting_id" in keys and "participants" in keys:
        return "zoom"
    if "participant_uuid" in keys or {"user_name", "join_time"} <= keys:
        return "zoom"
    if {"user_email", "join_time"} <= keys or {"name", "join_time", "leave_time"} <= keys:
        return "zoom"  # a participant of Zoom's meeting report
    for key in _WRAPPERS:
        inner = item.get(key)
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            return detect(inner[0])
        if isinstance(inner, dict):
            return detect(inner)
    return None


def describe(found: str) -> str:
    """A detected format as the error shows it: "Okta System Log events (okta)"."""
    return f"{FORMAT_NAMES.get(found, found)} ({found})"


def require(first_item: Any, expected: str, source: SourceFile, expect_text: str) -> None:
    """Refuse the file when its first item is plainly another format (or not a JSON object).

    An item we cannot place at all is let through: a first record with a typo in it should be
    quarantined like any other bad record, not sink the whole file.
    """
    found = detect(first_item)
    if found == expected:
        return
    if found is not None:
        looks = describe(found)
    elif not isinstance(first_item, dict):
        looks = f"a JSON {type(first_item).__name__}, not an object"
    else:
        return
    raise WrongFormatError(
        f"expected {expect_text}, but this looks like {looks}", source=source.display
    )
