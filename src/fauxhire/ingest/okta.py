"""Okta System Log events (docs/formats.md section 7): one SignIn per LogEvent.

A file is ``okta/<company_id>.json``: the LogEvent array ``GET /api/v1/logs`` returns, or
JSON Lines. The new hire is ``actor.alternateId`` (the work email).

Okta packs two useful facts into strings inside ``debugContext.debugData``:
``risk`` ("{level=MEDIUM, reasons=Anomalous Device, Anomalous Location}") and ``behaviors``
("{New Geo-Location=POSITIVE, New Device=NEGATIVE, ...}"). They are parsed tolerantly: a
string we cannot read leaves the fields empty and never fails the event.

Normalised for comparison with Entra: ``outcome`` and ``risk_level`` are lower case, and the
country name becomes ISO 3166-1 alpha-2 where we recognise it (else it is kept as sent).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from fauxhire.domain import Provenance, SignIn
from fauxhire.domain.normalise import location as loc
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import NonEmptyStr, UtcDatetime, Wire, iter_valid, unknown_tree

SOURCE_SYSTEM: Final = "okta"
EXPECT = "Okta System Log events (a LogEvent array or JSON Lines, docs/formats.md section 7)"

# Okta's "{a=b, c=d, e}" strings: split at a comma only when a "key=" follows, because values
# such as the risk reasons contain commas themselves.
_PAIR_SPLIT = re.compile(r",\s*(?=[^,={}]+=)")


class Actor(Wire):
    alternateId: str | None = None
    displayName: str | None = None


class UserAgent(Wire):
    rawUserAgent: str | None = None


class Geo(Wire):
    city: str | None = None
    state: str | None = None
    country: str | None = None


class Client(Wire):
    ipAddress: str | None = None
    device: str | None = None
    userAgent: UserAgent | None = None
    geographicalContext: Geo | None = None


class Outcome(Wire):
    result: str | None = None


class SecurityContext(Wire):
    asNumber: int | None = None
    asOrg: str | None = None
    isp: str | None = None
    isProxy: bool | None = None


class DebugContext(Wire):
    debugData: dict[str, Any] | None = None


class ChainHop(Wire):
    ip: str | None = None


class Request(Wire):
    ipChain: list[ChainHop] | None = None


class LogEvent(Wire):
    uuid: NonEmptyStr
    published: UtcDatetime
    eventType: NonEmptyStr
    actor: Actor | None = None
    client: Client | None = None
    outcome: Outcome | None = None
    securityContext: SecurityContext | None = None
    debugContext: DebugContext | None = None
    request: Request | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Okta")
    items = iter_json_items(
        source,
        context,
        expect=EXPECT,
    )
    for item in iter_valid(items, LogEvent, source, fmt=SOURCE_SYSTEM, expect=EXPECT):
        if isinstance(item, Quarantined):
            yield item
            continue
        location, event = item
        yield to_sign_in(event, company_id, source, location)


def to_sign_in(event: LogEvent, company_id: str, source: SourceFile, location: str) -> SignIn:
    values = ValueCollector()
    actor = event.actor or Actor()
    client = event.client or Client()
    geo = client.geographicalContext or Geo()
    security = event.securityContext or SecurityContext()
    debug = (event.debugContext.debugData if event.debugContext else None) or {}
    risk = parse_pairs(debug.get("risk"))
    hops = event.request.ipChain if event.request else None
    chain = (values.one_ip(hop.ip) for hop in hops or ())
    outcome = event.outcome.result if event.outcome else None
    return SignIn(
        source_system=SOURCE_SYSTEM,
        event_id=event.uuid,
        company_id=company_id,
        observed_at=event.published,
        event_type=event.eventType,
        outcome=outcome.lower() if outcome else None,
        user=values.one_email(actor.alternateId),
        user_display_name=actor.displayName,
        ip_address=values.one_ip(client.ipAddress),
        city=geo.city,
        state=geo.state,
        country=(loc.country_of(geo.country) or geo.country) if geo.country else None,
        user_agent=client.userAgent.rawUserAgent if client.userAgent else None,
        device=client.device,
        asn=security.asNumber,
        as_org=security.asOrg,
        isp=security.isp,
        is_proxy=security.isProxy,
        risk_level=risk["level"].lower() if risk.get("level") else None,
        risk_reasons=_reasons(risk.get("reasons")),
        behaviors=parse_pairs(debug.get("behaviors")),
        ip_chain=tuple(dict.fromkeys(ip for ip in chain if ip)),
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        extra=values.extra(_extra(event)),
    )


def parse_pairs(raw: Any) -> dict[str, str]:
    """Okta's "{key=value, key=value}" string as a dict; anything unreadable gives {}."""
    if isinstance(raw, dict):  # some exports (and SIEM forwarders) already parsed it
        return {str(k).strip(): str(v).strip() for k, v in raw.items() if v is not None}
    if not isinstance(raw, str):
        return {}
    body = raw.strip().removeprefix("{").removesuffix("}")  # one may be lost to truncation
    out: dict[str, str] = {}
    for part in _PAIR_SPLIT.split(body):
        key, sep, value = part.partition("=")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _reasons(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(r.strip() for r in raw.split(",") if r.strip())


def _extra(event: LogEvent) -> dict[str, Any]:
    """Everything we did not map. debugData is kept whole: its risk and behaviors strings are
    parsed leniently, so the original text stays next to what we made of it."""
    out = unknown_tree(event)
    if event.debugContext and event.debugContext.debugData:
        out["debugData"] = event.debugContext.debugData
    return out
