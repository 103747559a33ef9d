"""Microsoft Entra sign-in logs: one SignIn per Graph ``signIn`` object.

A file is ``entra/<company_id>.json``: the Graph page (``{"@odata.context", "value": [...]}``),
a plain array, or JSON Lines. Graph v1.0 fields are read; where the beta endpoint or the Log
Analytics export adds the autonomous system number or the user agent, they are used too.

Mapping choices: ``outcome`` is ``success`` when ``status.errorCode`` is 0, else
``failure:<code>``; ``device`` is ``"<operatingSystem> / <browser>"`` from ``deviceDetail``;
``risk_level`` is ``riskLevelDuringSignIn`` (lower case, as Graph sends it); ``is_proxy`` is
unknown (Entra has no such flag), so ``None``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from fauxhire.domain import Provenance, SignIn
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import NonEmptyStr, UtcDatetime, Wire, iter_valid, unknown_tree

SOURCE_SYSTEM: Final = "entra"
EXPECT = (
    "Microsoft Entra sign-in logs (Graph signIn objects: {value: [...]}, an array or JSON Lines)"
)


class Status(Wire):
    errorCode: int | None = None
    failureReason: str | None = None


class DeviceDetail(Wire):
    operatingSystem: str | None = None
    browser: str | None = None


class Location(Wire):
    city: str | None = None
    state: str | None = None
    countryOrRegion: str | None = None


class GraphSignIn(Wire):
    id: NonEmptyStr
    createdDateTime: UtcDatetime
    userPrincipalName: str | None = None
    userDisplayName: str | None = None
    ipAddress: str | None = None
    status: Status | None = None
    deviceDetail: DeviceDetail | None = None
    location: Location | None = None
    riskLevelDuringSignIn: str | None = None
    riskEventTypes: list[str] | None = None
    riskEventTypes_v2: list[str] | None = None
    autonomousSystemNumber: int | None = None  # beta and Log Analytics only
    userAgent: str | None = None  # beta and Log Analytics only


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Entra")
    items = iter_json_items(
        source,
        context,
        list_keys=("value",),
        expect=EXPECT,
    )
    for item in iter_valid(items, GraphSignIn, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, event = item
        yield to_sign_in(event, company_id, source, location)


def to_sign_in(event: GraphSignIn, company_id: str, source: SourceFile, location: str) -> SignIn:
    values = ValueCollector()
    place = event.location or Location()
    device = event.deviceDetail or DeviceDetail()
    extra = unknown_tree(event)
    if event.status and event.status.failureReason:
        extra["failureReason"] = event.status.failureReason
    return SignIn(
        source_system=SOURCE_SYSTEM,
        event_id=event.id,
        company_id=company_id,
        observed_at=event.createdDateTime,
        event_type="signIn",
        outcome=_outcome(event.status),
        user=values.one_email(event.userPrincipalName),
        user_display_name=event.userDisplayName,
        ip_address=values.one_ip(event.ipAddress),
        city=place.city or None,
        state=place.state or None,
        country=place.countryOrRegion.upper() if place.countryOrRegion else None,
        user_agent=event.userAgent or None,
        device=" / ".join(p for p in (device.operatingSystem, device.browser) if p) or None,
        asn=event.autonomousSystemNumber,
        as_org=None,
        isp=None,
        is_proxy=None,
        risk_level=event.riskLevelDuringSignIn.lower() if event.riskLevelDuringSignIn else None,
        risk_reasons=tuple(event.riskEventTypes_v2 or event.riskEventTypes or ()),
        behaviors={},
        ip_chain=(),
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        extra=values.extra(extra),
    )


def _outcome(status: Status | None) -> str | None:
    if status is None or status.errorCode is None:
        return None
    return "success" if status.errorCode == 0 else f"failure:{status.errorCode}"
