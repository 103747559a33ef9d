"""Microsoft Teams call records: one MeetingJoin per participant's session.

A file is ``teams/<company_id>.json`` (or ``teams/<company_id>/<anything>.json``): a call
record as Graph returns it with its sessions and segments expanded (``GET
/communications/callRecords/{id}?$expand=sessions($expand=segments)``), a Graph page of them
(``{"@odata.context", "value": [...]}``), an array, or JSON Lines.

Each session joins a caller and a callee. In a meeting one of them is the conferencing
service (a ``serviceEndpoint``, no identity): only the participant side is a join. In a
peer-to-peer call both sides are. A join is mapped as a Zoom participant is:

- ``meeting_id``: the call record's ``id``; ``participant_key``: ``<session id>/caller`` or
  ``/callee``; ``start_time``: the record's ``startDateTime``; ``topic``: none (Teams call
  records have no subject), so a Teams meeting joins its candidate by email or name only;
- ``user_name``, ``email``: the endpoint's identity (``associatedIdentity``, or the older
  ``identity`` set: user, guest, phone, ...) ``displayName`` (a guest's without the
  " (Guest)" Teams adds) and ``userPrincipalName``;
  ``role``: ``host`` for the organizer, else ``attendee``;
- ``ip_address``: the side's public address, ``reflexiveIPAddress`` of its network in the
  segments' media (``ipAddress`` is the address on the participant's own network, kept in
  ``extra["internal_ip_addresses"]``, and used only when it is a public one);
- ``camera``: the side's ``captureDeviceName`` on video media (``main-video``), which names a
  virtual camera when one is used; the microphone and speaker go to ``extra``;
- ``device``: ``userAgent.platform`` (windows, macOS, iOS, android, web...); ``pc_name``:
  the endpoint's ``name`` (the machine's name); ``userAgent.headerValue`` and
  ``productFamily`` go to ``extra``;
- ``join_time``/``leave_time``: the session's ``startDateTime``/``endDateTime``.

A participant of the record's ``participants`` list who has no session here (a trimmed
record, or sessions on a later page, ``sessions@odata.nextLink``, which is not fetched) is a
join too, without network facts. A bad session is quarantined alone.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import Field

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

SOURCE_SYSTEM = "teams"
EXPECT = (
    "Microsoft Teams call records (Graph callRecord objects with sessions expanded: one, "
    "{value: [...]}, an array or JSON Lines)"
)
# The identity set's members, most telling first: a signed-in user before a guest's name.
IDENTITY_KINDS = (
    "user",
    "guest",
    "acsUser",
    "spoolUser",
    "onPremises",
    "phone",
    "applicationInstance",
    "application",
    "device",
    "encrypted",
    "azureCommunicationServicesUser",
)

IDENTITY_FIELDS = frozenset({"id", "displayName", "userPrincipalName"})
GUEST_SUFFIX = re.compile(r"\s*\(Guest\)\s*$", re.IGNORECASE)

logger = logging.getLogger(__name__)

Text = OptionalText
Time = OptionalUtcDatetime
Side = Literal["caller", "callee"]


class Identity(Wire):
    id: Text = None
    displayName: Text = None
    userPrincipalName: Text = None


class UserAgent(Wire):
    headerValue: Text = None
    platform: Text = None
    productFamily: Text = None


class Endpoint(Wire):
    name: Text = None  # the device's name, on a participant endpoint
    userAgent: UserAgent | None = None
    associatedIdentity: Identity | None = None
    identity: dict[str, Any] | None = None  # an identitySet, read by ``_identity``


class NetworkInfo(Wire):
    ipAddress: Text = None
    reflexiveIPAddress: Text = None
    relayIPAddress: Text = None
    connectionType: Text = None


class DeviceInfo(Wire):
    captureDeviceName: Text = None
    renderDeviceName: Text = None


class Media(Wire):
    label: Text = None
    callerNetwork: NetworkInfo | None = None
    calleeNetwork: NetworkInfo | None = None
    callerDevice: DeviceInfo | None = None
    calleeDevice: DeviceInfo | None = None


class Segment(Wire):
    media: list[Media] | None = None


class Session(Wire):
    id: IdText
    startDateTime: Time = None
    endDateTime: Time = None
    caller: Endpoint | None = None
    callee: Endpoint | None = None
    segments: list[Segment] | None = None


class CallRecord(Wire):
    id: IdText
    startDateTime: Time = None
    organizer: dict[str, Any] | None = None
    participants: list[dict[str, Any]] | None = None
    sessions: list[dict[str, Any]] = Field(default_factory=list)  # validated one by one


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Teams")
    items = iter_json_items(
        source,
        context,
        list_keys=("value",),
        expect=EXPECT,
    )
    for item in iter_valid(items, CallRecord, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, record = item
        yield from _joins(record, company_id, source, location)


def _joins(
    record: CallRecord, company_id: str, source: SourceFile, location: str
) -> Iterator[Item]:
    organizer = _identity(None, record.organizer)
    seen: set[str] = set()
    sessions = iter_children(location, "sessions", record.sessions)
    for found in iter_valid(sessions, Session, source):
        if isinstance(found, Quarantined):
            yield found
            continue
        here, session = found
        sides: tuple[Side, ...] = ("caller", "callee")
        for side in sides:
            endpoint = session.caller if side == "caller" else session.callee
            who = _identity(endpoint.associatedIdentity, endpoint.identity) if endpoint else None
            if endpoint is None or who is None:
                continue  # the conferencing service, or a side the record does not name
            seen.add(_who_key(who))
            where = (session, side, here)
            yield _session_join(record, where, endpoint, who, organizer, company_id, source)
    if "sessions@odata.nextLink" in record.unknown_fields():
        logger.info("%s %s: sessions continue on a page not read", source.display, location)
    for here, raw in iter_children(location, "participants", record.participants or ()):
        who = _identity(None, raw)
        if who is None or _who_key(who) in seen:
            continue
        seen.add(_who_key(who))
        yield _bare_join(record, who, organizer, company_id, source, here)


def _who_key(who: Identity) -> str:
    return who.id or who.displayName or ""


def _identity(associated: Identity | None, identity_set: dict[str, Any] | None) -> Identity | None:
    """Who an endpoint is: the associated identity, else the first member of the set. A
    guest's name loses the " (Guest)" Teams adds to it, so it matches the candidate's."""
    if associated is not None and (associated.id or associated.displayName):
        return associated
    for kind in IDENTITY_KINDS:
        member = (identity_set or {}).get(kind)
        if not isinstance(member, dict):
            continue
        texts = {k: v for k, v in member.items() if k in IDENTITY_FIELDS and isinstance(v, str)}
        found = Identity.model_validate(texts)
        if kind == "guest" and found.displayName:
            found.displayName = GUEST_SUFFIX.sub("", found.displayName) or found.displayName
        if found.id or found.displayName:
            return found
    return None


def _session_join(
    record: CallRecord,
    where: tuple[Session, Side, str],
    endpoint: Endpoint,
    who: Identity,
    organizer: Identity | None,
    company_id: str,
    source: SourceFile,
) -> MeetingJoin:
    session, side, location = where
    values = ValueCollector()
    media = [m for segment in session.segments or () for m in segment.media or ()]
    networks = [n for m in media if (n := m.callerNetwork if side == "caller" else m.calleeNetwork)]
    public, internal = _addresses(networks)
    agent = endpoint.userAgent or UserAgent()
    extra: dict[str, Any] = {"side": side}
    if internal:
        extra["internal_ip_addresses"] = internal
    extra.update(_devices(media, side))
    if agent.headerValue:
        extra["user_agent"] = agent.headerValue
    if agent.productFamily:
        extra["product_family"] = agent.productFamily
    if relays := _distinct(n.relayIPAddress for n in networks):
        extra["relay_ip_addresses"] = relays
    return MeetingJoin(
        company_id=company_id,
        meeting_id=record.id,
        participant_key=f"{session.id}/{side}",
        start_time=record.startDateTime,
        topic=None,
        user_name=who.displayName,
        email=values.one_email(who.userPrincipalName),
        role=_role(who, organizer),
        ip_address=values.one_ip(public) if public else None,
        location=None,
        camera=_camera(media, side),
        device=agent.platform,
        os=None,
        pc_name=endpoint.name,
        join_time=session.startDateTime,
        leave_time=session.endDateTime,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        extra=values.extra(extra),
    )


def _bare_join(
    record: CallRecord,
    who: Identity,
    organizer: Identity | None,
    company_id: str,
    source: SourceFile,
    location: str,
) -> MeetingJoin:
    """A listed participant with no session in the file: who was there, without network facts."""
    values = ValueCollector()
    return MeetingJoin(
        company_id=company_id,
        meeting_id=record.id,
        participant_key=f"participant/{who.id or who.displayName}",
        start_time=record.startDateTime,
        topic=None,
        user_name=who.displayName,
        email=values.one_email(who.userPrincipalName),
        role=_role(who, organizer),
        ip_address=None,
        location=None,
        camera=None,
        device=None,
        os=None,
        pc_name=None,
        join_time=None,
        leave_time=None,
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        extra=values.extra({"without_session": True}),
    )


def _role(who: Identity, organizer: Identity | None) -> str:
    if organizer is not None and organizer.id and who.id == organizer.id:
        return "host"
    return "attendee"


def _addresses(networks: list[NetworkInfo]) -> tuple[str | None, list[str]]:
    """The side's public address, and the addresses on its own network."""
    reflexive = _distinct(n.reflexiveIPAddress for n in networks)
    local = _distinct(n.ipAddress for n in networks)
    if reflexive:
        return reflexive[0], local
    public = [a for a in local if _is_public(a)]
    return (public[0] if public else None), [a for a in local if a not in public]


def _is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


def _camera(media: list[Media], side: Side) -> str | None:
    """The capture device of the side's video: a camera, real or virtual."""
    for m in media:
        label = (m.label or "").casefold()
        device = m.callerDevice if side == "caller" else m.calleeDevice
        if "video" in label and "sharing" not in label and device and device.captureDeviceName:
            return device.captureDeviceName
    return None


def _devices(media: list[Media], side: Side) -> dict[str, str]:
    """The side's microphone (what the audio captures) and speaker (what any media plays on)."""
    out: dict[str, str] = {}
    for m in media:
        device = m.callerDevice if side == "caller" else m.calleeDevice
        if device is None:
            continue
        if device.captureDeviceName and "audio" in (m.label or "").casefold():
            out.setdefault("microphone", device.captureDeviceName)
        if device.renderDeviceName:
            out.setdefault("speaker", device.renderDeviceName)
    return out


def _distinct(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
