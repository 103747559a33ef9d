"""Google Workspace login audit activities (docs/formats.md section 7, its part 7.3): one
SignIn per activity of the Admin SDK Reports API.

A file is ``gworkspace/<company_id>.json``: the page ``activities.list`` returns for
``applicationName=login`` (``{"kind": "admin#reports#activities", "items": [...],
"nextPageToken"}``), a plain array of activities, or JSON Lines. Google leaves ``items`` out
of a page with no activities: such a page gives nothing, not a quarantined record.

An activity has no id of its own: ``id.uniqueQualifier`` only tells apart activities of one
``id.time``, so the event id is the two together. The new hire is ``actor.email``, or the
``affected_email_address`` parameter where an account warning (``suspicious_login`` and its
kin) names the account it is about.

Mapping choices: ``event_type`` is the activity's event names (usually one); ``outcome`` is
``success``, ``failure`` (``failure:<login_failure_type>`` when given), ``challenge`` for a
verification or challenge, or ``blocked`` for a suspicious login Google blocked. Google gives
no risk level: a ``suspicious_*`` event or ``is_suspicious`` true becomes a risk reason, the
fact the idp-risk detector reads. Country, state and AS number come only from
``networkInfo``, which the API adds to some activities; without it they are unknown, not
guessed from the IP. Every event parameter is kept in ``extra["parameters"]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Final

from pydantic import Field

from fauxhire.domain import Provenance, SignIn
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile, require_company
from fauxhire.ingest.reading import iter_json_items
from fauxhire.ingest.values import ValueCollector
from fauxhire.ingest.wire import IdText, NonEmptyStr, UtcDatetime, Wire, iter_valid, unknown_tree

SOURCE_SYSTEM: Final = "gworkspace"
EXPECT = (
    "Google Workspace login audit activities (Reports API activities.list for the login "
    "application: {items: [...]}, an array or JSON Lines)"
)
PAGE_KIND: Final = "admin#reports#activities"

# Event names whose outcome is plain from the name alone; login_failure says more below.
_OUTCOMES: Final = {
    "login_success": "success",
    "login_failure": "failure",
    "login_verification": "challenge",
    "login_challenge": "challenge",
    "suspicious_login": "blocked",
    "suspicious_login_less_secure_app": "blocked",
    "suspicious_programmatic_login": "blocked",
}


class ActivityId(Wire):
    time: UtcDatetime
    uniqueQualifier: IdText  # an int64, which the API sends as a JSON string


class Actor(Wire):
    email: str | None = None


class Parameter(Wire):
    """One ``{"name", <kind>Value}`` pair: which value field is set depends on the parameter."""

    name: NonEmptyStr
    value: str | None = None
    boolValue: bool | None = None
    intValue: IdText | None = None
    multiValue: list[str] | None = None

    def given(self) -> Any:
        for found in (self.value, self.boolValue, self.intValue, self.multiValue):
            if found is not None:
                return found
        # multiIntValue, messageValue and the like, which login events are not known to use
        return next(iter(self.unknown_fields().values()), None)


class Event(Wire):
    name: NonEmptyStr  # its type ("login", "account_warning") stays in extra
    parameters: list[Parameter] = Field(default_factory=list)

    def parameter(self, name: str) -> Any:
        return next((p.given() for p in self.parameters if p.name == name), None)


class NetworkInfo(Wire):
    ipAsn: list[int] | None = None
    regionCode: str | None = None  # ISO 3166-1 alpha-2
    subdivisionCode: str | None = None  # ISO 3166-2 ("US-TX")


class Activity(Wire):
    id: ActivityId
    events: list[Event] = Field(min_length=1)
    actor: Actor | None = None
    ipAddress: str | None = None
    networkInfo: NetworkInfo | None = None


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    company_id = require_company(source, "Google Workspace")
    items = iter_json_items(source, context, list_keys=("items",), expect=EXPECT)
    activities = iter_valid(
        _without_empty_pages(items), Activity, source, fmt=SOURCE_SYSTEM, expect=EXPECT
    )
    for item in activities:
        if isinstance(item, Quarantined):
            yield item
            continue
        location, activity = item
        yield to_sign_in(activity, company_id, source, location)


def _without_empty_pages(
    items: Iterable[tuple[str, Any] | Quarantined],
) -> Iterator[tuple[str, Any] | Quarantined]:
    """A page with no activities has no ``items``, so the reader takes it for a record."""
    for item in items:
        raw = item[1] if isinstance(item, tuple) else None
        if not (isinstance(raw, dict) and raw.get("kind") == PAGE_KIND):
            yield item


def to_sign_in(activity: Activity, company_id: str, source: SourceFile, location: str) -> SignIn:
    values = ValueCollector()
    actor = activity.actor or Actor()
    network = activity.networkInfo or NetworkInfo()
    events = activity.events
    affected = next((e.parameter("affected_email_address") for e in events), None)
    extra = unknown_tree(activity)
    extra["parameters"] = {p.name: p.given() for e in events for p in e.parameters}
    return SignIn(
        source_system=SOURCE_SYSTEM,
        event_id=f"{activity.id.time.isoformat()}/{activity.id.uniqueQualifier}",
        company_id=company_id,
        observed_at=activity.id.time,
        event_type=",".join(e.name for e in events),
        outcome=_outcome(events),
        user=values.one_email(affected or actor.email),
        user_display_name=None,
        ip_address=values.one_ip(activity.ipAddress),
        city=None,
        state=network.subdivisionCode or None,
        country=network.regionCode.upper() if network.regionCode else None,
        user_agent=None,
        device=None,
        asn=network.ipAsn[0] if network.ipAsn else None,
        as_org=None,
        isp=None,
        is_proxy=None,
        risk_level=None,
        risk_reasons=_risk_reasons(events),
        behaviors={},
        ip_chain=(),
        provenance=Provenance(SOURCE_SYSTEM, source.display, location, company_id),
        extra=values.extra(extra),
    )


def _outcome(events: list[Event]) -> str | None:
    for event in events:
        outcome = _OUTCOMES.get(event.name)
        if outcome == "failure" and (kind := event.parameter("login_failure_type")):
            return f"failure:{kind}"
        if outcome:
            return outcome
    return None


def _risk_reasons(events: list[Event]) -> tuple[str, ...]:
    """What Google itself found suspicious: a suspicious_* warning, or is_suspicious true."""
    reasons = [e.name for e in events if e.name.startswith("suspicious_")]
    if any(e.parameter("is_suspicious") is True for e in events):
        reasons.append("is_suspicious")
    return tuple(dict.fromkeys(reasons))
