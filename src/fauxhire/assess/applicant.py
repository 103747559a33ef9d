"""The assessment of an identity that is only an applicant, in plain Python: what
``score.assess`` gives it, in a fraction of a millisecond.

A screen (issue 17) assesses the identity a candidate joined while the candidate waits. Run
through ``score.assess``, that is several hundred polars operations at about 0.1 ms each,
whatever the rows. Most screened identities are applicants and nothing more: applications and
their contact details, no meeting, sign-in, hire, employer report or disposition, in no network
and tied to no borrowed identity, referring no one. For them every detector that reads another
record fires on no one, and the rest read a handful of rows: this module grades those rows one
by one, as the detectors grade them in columns, and adds the contributions the store-wide
indicators carried from the last whole-store assessment, as ``assess`` with ``carried`` does.

``assess_applicant`` answers None when the ruleset has an active indicator it does not know
(a detector with no twin here, that could fire on an applicant); the caller then runs
``assess``. Held to ``assess`` by tests/integration/test_applicant_assessment.py.

Pure; no I/O.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from fauxhire.assess.detectors import DETECTORS
from fauxhire.assess.detectors.behavioural import LocationParams, SwitchParams, VolumeParams
from fauxhire.assess.detectors.technical import ApplicationHoursParams, PartnerParams
from fauxhire.assess.ruleset import Indicator, LoadedRuleset, logit
from fauxhire.domain.evidence import WEIGHT_DECIMALS, IndicatorEvidence
from fauxhire.domain.levels import estimative_level


@dataclass(frozen=True, slots=True)
class AppliedFact:
    """One application, as the facts hold it (``services/facts.py``)."""

    source: str  # "application:company/application"
    company_id: str | None
    applied_at: datetime | None  # UTC
    claimed_country: str | None
    local_hour: float | None  # the hour it was made where the applicant claims to live


@dataclass(frozen=True, slots=True)
class ContactFact:
    """An e-mail, phone or address given on an application."""

    source: str  # the application's
    kind: str
    key: str
    applied_at: datetime | None


@dataclass(frozen=True, slots=True)
class PartnerFact:
    """A partner indicator one of the identity's contact details matched."""

    source: str  # the application's
    matched: str  # "email x@y", "phone (keyed hash)"
    confidence: float | None
    stale: bool
    shared_egress: bool


@dataclass(frozen=True, slots=True)
class ApplicantFacts:
    applications: Sequence[AppliedFact]
    contacts: Sequence[ContactFact]
    partner: Sequence[PartnerFact]


@dataclass(frozen=True, slots=True)
class Carried:
    """A store-wide indicator's contribution, as the last whole-store assessment stored it."""

    indicator: str
    weight: float
    detail: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    probability: float
    level: str
    evidence: tuple[IndicatorEvidence, ...]  # strongest first
    carried: int  # the store-wide contributions carried into it


@dataclass(frozen=True, slots=True)
class _Fired:
    strength: float
    values: list[str]
    sources: list[str]


Contribution = tuple[float, str, str, tuple[str, ...]]  # weight, indicator, detail, sources


def assess_applicant(
    facts: ApplicantFacts, loaded: LoadedRuleset, carried: Sequence[Carried]
) -> Verdict | None:
    """The identity's probability, level and evidence, as ``score.assess`` gives them; None
    where an active indicator's detector has no twin here."""
    ruleset = loaded.ruleset
    wide = store_wide_indicators(loaded)
    contributions: list[Contribution] = []
    for indicator in ruleset.active:
        if indicator.id in wide or indicator.detector in QUIET:
            continue
        if indicator.detector not in TWINNED:
            return None
        found = twin_contribution(indicator, facts, ruleset.sources_shown)
        if found is not None:
            contributions.append(found)
    kept_carried = [c for c in carried if c.indicator in wide]
    return scored(contributions, kept_carried, loaded)


def twin_contribution(
    indicator: Indicator, facts: ApplicantFacts, shown: int
) -> Contribution | None:
    """What ``indicator`` contributes, graded by its detector's twin; None where it does not
    fire. KeyError where its detector has no twin."""
    params = DETECTORS[indicator.detector].params.model_validate(indicator.params)
    found = _TWINS[indicator.detector](facts, params)
    return None if found is None else _contribution(indicator, found, shown)


def scored(
    contributions: Sequence[Contribution],
    carried: Sequence[Carried],
    loaded: LoadedRuleset,
    *,
    network: bool = False,
) -> Verdict:
    """As ``score._subjects``: the contributions and the carried ones, strongest first,
    summed onto the ruleset's prior (for an identity, or for a network)."""
    every = [*contributions, *((c.weight, c.indicator, c.detail, c.sources) for c in carried)]
    kept = sorted((c for c in every if c[0] != 0), key=lambda c: (-c[0], c[1]))
    total = 0.0
    for weight, *_ in kept:
        total += weight
    prior = loaded.ruleset.network_prior if network else loaded.ruleset.prior
    probability = 1.0 / (1.0 + math.exp(-(logit(prior) + total)))
    evidence = tuple(
        IndicatorEvidence(indicator, round(weight, WEIGHT_DECIMALS), detail, sources)
        for weight, indicator, detail, sources in kept
    )
    return Verdict(probability, estimative_level(probability), evidence, len(carried))


def store_wide_indicators(loaded: LoadedRuleset) -> dict[str, str]:
    """The active indicators whose contribution a few identities' assessment carries from the
    last whole-store one (their detectors read the whole store, or part of it): id to family."""
    return {
        i.id: i.family
        for i in loaded.ruleset.active
        if DETECTORS[i.detector].store_wide or DETECTORS[i.detector].store_wide_part
    }


def _contribution(indicator: Indicator, found: _Fired, shown: int) -> Contribution:
    """As ``score._contributions``: the weight at the strength it fired with, the sentence
    filled in with the first values and the count of its records, the first records."""
    detail = indicator.filled("; ".join(found.values[:shown]), len(found.sources))
    return (indicator.weight * found.strength, indicator.id, detail, tuple(found.sources[:shown]))


def _fired(strength: float, values: Sequence[str | None], sources: Sequence[str]) -> _Fired | None:
    """As ``facts.fired``: the strength clipped to [0, 1], values and sources distinct and
    sorted; None where it does not fire."""
    clipped = min(max(strength, 0.0), 1.0)
    if not clipped > 0:
        return None
    return _Fired(clipped, sorted({v for v in values if v is not None}), sorted(set(sources)))


def _share_of_records(
    rows: Sequence[Any],
    hit: Callable[[Any], bool],
    value: Callable[[Any], str | None],
    *,
    min_records: int,
    min_share: float,
    full_share: float,
) -> _Fired | None:
    """As ``_base.share_of_records``, over one identity's rows (each with a ``source``)."""
    hits = [row for row in rows if hit(row)]
    if not rows or len(hits) < min_records:
        return None
    share = len(hits) / len(rows)
    if share < min_share:
        return None
    return _fired(share / full_share, [value(r) for r in hits], [r.source for r in hits])


def _application_volume(facts: ApplicantFacts, params: VolumeParams) -> _Fired | None:
    companies = len({a.company_id for a in facts.applications})
    if companies < params.low:
        return None
    span = max(1, params.high - params.low + 1)
    return _fired(
        (companies - params.low + 1) / span,
        [f"{companies} companies"],
        [a.source for a in facts.applications],
    )


def _application_hours(facts: ApplicantFacts, params: ApplicationHoursParams) -> _Fired | None:
    def daytime(hour: float) -> bool:
        return params.day_start <= hour < params.day_end

    def hit(a: AppliedFact) -> bool:
        assert a.applied_at is not None and a.local_hour is not None
        utc = a.applied_at.hour + a.applied_at.minute / 60
        abroad = any(daytime((utc + offset) % 24) for offset in params.offsets)
        return a.local_hour < params.night_end and abroad

    judged = [a for a in facts.applications if a.local_hour is not None and a.applied_at]
    return _share_of_records(
        judged,
        hit,
        lambda a: f"{math.floor(a.local_hour)}:00 local",
        min_records=params.min_records,
        min_share=params.min_share,
        full_share=params.full_share,
    )


def _claimed_country_varies(facts: ApplicantFacts, params: LocationParams) -> _Fired | None:
    known = [a for a in facts.applications if a.claimed_country is not None]
    if not known:
        return None
    counts = Counter(a.claimed_country for a in known)
    usual = min(counts, key=lambda country: (-counts[country], country))
    return _share_of_records(
        known,
        lambda a: a.claimed_country != usual,
        lambda a: f"{usual} and {a.claimed_country}",
        min_records=1,
        min_share=params.min_share,
        full_share=0.5,
    )


def _contact_switch(facts: ApplicantFacts, params: SwitchParams) -> _Fired | None:
    """A value used at least ``min_each`` times that stopped before another such began, per
    kind of contact detail."""
    uses: dict[tuple[str, str], list[ContactFact]] = {}
    for contact in facts.contacts:
        if contact.kind in params.kinds:
            uses.setdefault((contact.kind, contact.key), []).append(contact)
    spans: dict[str, list[tuple[datetime | None, datetime | None, str, list[str]]]] = {}
    for (kind, key), rows in uses.items():
        if len(rows) < params.min_each:
            continue
        times = [r.applied_at for r in rows if r.applied_at is not None]
        first, last = (min(times), max(times)) if times else (None, None)
        spans.setdefault(kind, []).append((first, last, key, [r.source for r in rows]))
    values: list[str] = []
    sources: list[str] = []
    for kind, found in spans.items():
        ends = [last for _, last, _, _ in found if last is not None]
        starts = [first for first, _, _, _ in found if first is not None]
        if not (ends and starts and min(ends) < max(starts)):
            continue
        keys = [key for _, _, key, _ in sorted(found, key=lambda f: _nulls_first(f[0]))]
        values.append(f"{kind}: {' -> '.join(keys)}")
        sources += [source for *_, apps in found for source in apps]
    return _fired(1.0, values, sources) if values else None


def _nulls_first(at: datetime | None) -> tuple[bool, float]:
    """A sort key that puts a missing time first, as polars sorts."""
    return (at is not None, at.timestamp() if at is not None else 0.0)


def _partner_match(facts: ApplicantFacts, params: PartnerParams) -> _Fired | None:
    if not facts.partner:
        return None
    strength = max(
        (50.0 if p.confidence is None else p.confidence) / 100
        * (params.stale_factor if p.stale else 1.0)
        * (params.shared_egress_factor if p.shared_egress else 1.0)
        for p in facts.partner
    )  # fmt: skip
    return _fired(strength, [p.matched for p in facts.partner], [p.source for p in facts.partner])


_TWINS: Final[dict[str, Callable[[ApplicantFacts, Any], _Fired | None]]] = {
    "application_volume": _application_volume,
    "application_hours": _application_hours,
    "claimed_country_varies": _claimed_country_varies,
    "contact_switch": _contact_switch,
    "partner_match": _partner_match,
}
TWINNED: Final = frozenset(_TWINS)  # the detectors graded here
# Detectors that fire on no identity that is only an applicant: each needs a record of a kind
# an applicant has none of (a meeting, sign-in, hire, report, disposition, network or
# borrowed-identity edge, an egress IP, a referral to or from it).
QUIET: Final = frozenset(
    {
        "egress_kind", "egress_provider", "egress_country", "shared_egress_ip",
        "shared_shipping", "shared_payout", "shipping_not_home", "legal_name_differs",
        "virtual_camera", "idp_risk", "activity_hours", "employer_report", "employer_cleared",
        "analyst_confirmed", "analyst_cleared", "network_links", "network_context",
        "borrowed_identity",
    }
)  # fmt: skip
