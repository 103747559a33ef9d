"""An identity a screen added applications to, assessed again in plain Python: what
``score.assess`` gives it, where its stored assessment (and its network members') saw
everything else it holds.

An identity that is more than an applicant (a meeting, a sign-in, a hire, an employer report,
a disposition, a network) keeps all of that when a screen adds an application to it: a
screened application is an application and its contact details alone
(``ApplicantReader.rows_since_assessed`` checks that nothing else came since, and that no
new application brought a record of another kind with it). So what can change is what the
detectors read from applications and contact details:

- the indicators with a twin (``assess/applicant.py``) are graded again, over all its
  applications;
- three detectors read applications or contact details beside other records, and the answer
  is None where the new applications could change what they find:
  - egress-country compares egress with the home claimed most often: that home must stay the
    same;
  - shipping-not-home compares shipping addresses with the addresses given (and judges only
    identities that give one): no address may be new;
  - partner-match grades the strongest match (by the indicator's confidence, and less for an
    expired one or a shared IP): a new application may match only what the others matched
    (the same indicators), and then only the records it names gain the new ones; whether an
    indicator came or expired since is the store's to say (``rows_since_assessed``);
- every other indicator's contribution is carried from the stored assessment as it stands.
  Those read meetings, sign-ins, hires, reports, dispositions, network edges, the store's
  resumes and referrals, and the network's other members' records: none of which a screened
  application brings. Network context names the member of most own evidence among the others
  (``context_stands``: the same one, unchanged since; else ``context_now`` tells it again
  from the members' stored evidence); the borrowed-identity evidence weighs the identity's
  own evidence now against its partners' stored (``borrowed_now``); whom an identity's
  referral names is read only where a name few hold is in it, and then the store declines.
  Both tell a gain to the bit: the detectors sum it from weights to four decimals, as stored.

Its network's assessment is summed from the members' stored ones and its own new one
(``network_verdict``), as ``score._networks`` sums them.

A stored contribution's weight is rounded to four decimals (``score._subjects``), so the
probability carries up to 5e-5 of log-odds of rounding per carried contribution; the evidence
is the same to the digit. Held to ``score.assess`` by tests/integration/test_reassessment.py.

Pure; no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Final, NamedTuple

from fauxhire.assess.applicant import (
    TWINNED,
    ApplicantFacts,
    Carried,
    Contribution,
    PartnerFact,
    Verdict,
    scored,
    twin_contribution,
)
from fauxhire.assess.detectors import DETECTORS
from fauxhire.assess.detectors.context import BorrowedParams, ContextParams
from fauxhire.assess.ruleset import Indicator, LoadedRuleset, Ruleset
from fauxhire.domain.evidence import WEIGHT_DECIMALS, IndicatorEvidence

# Detectors that read applications or contact details beside records of other kinds.
HOME: Final = "egress_country"
ADDRESSES: Final = "shipping_not_home"
PARTNER: Final = "partner_match"
CONTEXT: Final = "network_context"
BORROWED: Final = "borrowed_identity"
# The twins graded again: partner-match is carried (the check above keeps it as it was).
REGRADED: Final = TWINNED - {PARTNER}
NETWORK_SOURCES: Final = 20  # the members a network's evidence names (``score._networks``)


def reassess(
    before: ApplicantFacts,
    after: ApplicantFacts,
    loaded: LoadedRuleset,
    stored: Sequence[Carried],
) -> Verdict | None:
    """The identity's probability, level and evidence now (``after``: every application it
    holds), from its stored assessment's contributions (``stored``, made over ``before``:
    the same less the new applications). None where the new applications could change what
    a carried indicator found (module docstring)."""
    ruleset = loaded.ruleset
    found = {c.indicator: c for c in stored}
    detectors = {i.detector for i in ruleset.active}
    fresh = {a.source for a in after.applications} - {a.source for a in before.applications}
    matched = [p for p in after.partner if p.source in fresh]
    if PARTNER in detectors and matched:
        if _partner_grows(before, after, loaded):
            return None
        found |= _partner_sources(ruleset, found, matched)
    if HOME in detectors and _home(before) != _home(after):
        return None
    if ADDRESSES in detectors and _addresses(before) != _addresses(after):
        return None
    contributions: list[Contribution] = []
    carried: list[Carried] = []
    for indicator in ruleset.active:
        if indicator.detector in REGRADED:
            graded = twin_contribution(indicator, after, ruleset.sources_shown)
            if graded is not None:
                contributions.append(graded)
        elif indicator.id in found:
            carried.append(found[indicator.id])
    return scored(contributions, carried, loaded)


def _partner_grows(before: ApplicantFacts, after: ApplicantFacts, loaded: LoadedRuleset) -> bool:
    """Whether the new applications' contact details match something the others' did not,
    or match harder: the partner match of the contact details alone grades otherwise, or
    names other values. (The stored one holds IP matches too: the strongest of the two, and
    the values of both.)"""
    shown = loaded.ruleset.sources_shown
    for indicator in loaded.ruleset.active:
        if indicator.detector == PARTNER:
            was = twin_contribution(indicator, before, shown)
            now = twin_contribution(indicator, after, shown)
            if was is None or now is None or (was[0], was[2]) != (now[0], now[2]):
                return True
    return False


def _partner_sources(
    ruleset: Ruleset, found: Mapping[str, Carried], matched: Sequence[PartnerFact]
) -> dict[str, Carried]:
    """The stored partner match, where the new applications matched only what the others
    did: the same indicators, so the same grade (the strongest) and the same values; only
    the records it names gain theirs. The first ``sources_shown`` of the sorted records are
    those of the stored ones and the new ones."""
    sources = {p.source for p in matched}
    shown = ruleset.sources_shown
    return {
        c.indicator: replace(c, sources=tuple(sorted({*c.sources, *sources})[:shown]))
        for i in ruleset.active
        if i.detector == PARTNER and (c := found.get(i.id)) is not None
    }


def context_stands(
    identity: str,
    members: Mapping[str, Sequence[Carried]],
    changed: Collection[str],
    loaded: LoadedRuleset,
) -> bool:
    """Whether the identity's stored network context (``network_context``: the own evidence
    of the member with the most of it, among the others) holds now: that member is the same
    one, and its evidence has not changed since (it is not among ``changed``). ``members``:
    each member's stored contributions. Whether it is the same member does not depend on the
    identity's own evidence, which a screen changes: the detector ranks the others."""
    ids = indicator_ids(loaded, CONTEXT)
    peer = _peer(identity, members, loaded)
    if not ids or peer is None:
        return True
    if peer.identity in changed:
        return False
    named = [c for c in members[identity] if c.indicator in ids]
    if named:
        return all(c.sources == (f"identity:{peer.identity}",) for c in named)
    return peer.gain <= 0


def network_verdict(members: Mapping[str, Sequence[Carried]], loaded: LoadedRuleset) -> Verdict:
    """A network's probability, level and evidence from its members' (``members``: each
    member's contributions, every member of the network), as ``score._networks`` gives them:
    for each indicator of evidence for on a member's own records, the strongest member's
    contribution, and on how many of the members it fired."""
    own = _own(loaded)
    strongest: dict[str, float] = {}
    holders: dict[str, list[str]] = {}
    for identity, contributions in members.items():
        for c in contributions:
            if c.indicator in own and c.weight > 0:
                strongest[c.indicator] = max(strongest.get(c.indicator, c.weight), c.weight)
                holders.setdefault(c.indicator, []).append(identity)
    found: list[Contribution] = []
    for indicator, weight in strongest.items():
        held = holders[indicator]
        detail = f"{len(held)} of {len(members)} identities: {own[indicator].title}"
        sources = tuple(sorted(f"identity:{identity}" for identity in held)[:NETWORK_SOURCES])
        found.append((weight, indicator, detail, sources))
    return scored(found, [], loaded, network=True)


def context_now(
    identity: str,
    network: str,
    members: Mapping[str, Sequence[Carried]],
    strongest: float | None,
    loaded: LoadedRuleset,
) -> list[Carried]:
    """The identity's network context now (``network_context``), from its members' stored
    contributions and its strongest network edge's score: [] where it does not fire. The
    detector reads a peer's own log-odds summed from its weights to four decimals, as they
    are stored (``score.assess``), so the stored evidence gives it to the bit, and the one
    decimal the detail shows is rounded as polars rounds it (``shown_tenths``)."""
    peer = _peer(identity, members, loaded)
    if peer is None or strongest is None or peer.gain <= 0:
        return []  # no peer, no tie, or no evidence of its own: it lends none
    value = f"{peer.identity} in {network} (own log-odds +{shown_tenths(peer.gain)})"
    found: list[Carried] = []
    for indicator in loaded.ruleset.active:
        if indicator.detector != CONTEXT:
            continue
        params = ContextParams.model_validate(indicator.params)
        # As the detector computes it, operation for operation: the same floats.
        link = min(max(strongest / params.full_link, 0.0), 1.0)
        strength = link * min(max(peer.gain / params.full_gain, 0.0), 1.0)
        if strength > 0:
            lent = (f"identity:{peer.identity}",)
            found.append(
                Carried(indicator.id, indicator.weight * strength, indicator.filled(value, 1), lent)
            )
    return found


def borrowed_now(
    identity: str,
    evidence: Sequence[IndicatorEvidence],
    partners: Mapping[str, Sequence[Carried]],
    loaded: LoadedRuleset,
) -> list[Carried] | None:
    """The identity's borrowed-identity evidence now (``borrowed_identity``): it fires where
    the identity's own log-odds (from ``evidence``, its assessment without it) is ahead of a
    partner's (from the partner's stored contributions) by the margin. [] where it does not;
    None where it fires for more than one partner: the order in which the detector names
    them is not told here."""
    own = _own(loaded)
    mine = max(0.0, gain(e.weight for e in evidence if e.indicator in own))
    theirs = {
        partner: max(0.0, gain(c.weight for c in contributions if c.indicator in own))
        for partner, contributions in partners.items()
        if partner != identity
    }
    found: list[Carried] = []
    for indicator in loaded.ruleset.active:
        if indicator.detector != BORROWED:
            continue
        margin = BorrowedParams.model_validate(indicator.params).margin
        behind = [partner for partner, its in theirs.items() if mine >= its + margin]
        if len(behind) > 1:
            return None
        for other in behind:
            detail = indicator.filled(f"presents the identity of {other}", 1)
            found.append(Carried(indicator.id, indicator.weight, detail, (f"identity:{other}",)))
    return found


def indicator_ids(loaded: LoadedRuleset, detector: str) -> set[str]:
    """The ids of the active indicators that ``detector`` runs."""
    return {i.id for i in loaded.ruleset.active if i.detector == detector}


class _Peer(NamedTuple):
    identity: str
    gain: float  # its own log-odds (clipped at 0), summed from its stored weights


def _peer(
    identity: str, members: Mapping[str, Sequence[Carried]], loaded: LoadedRuleset
) -> _Peer | None:
    """The member other than ``identity`` with the most own evidence (ties by id), as
    ``network_context`` ranks them; None where there is no other."""
    own = _own(loaded)
    gains = {
        m: max(0.0, gain(c.weight for c in cs if c.indicator in own))
        for m, cs in members.items()
        if m != identity
    }
    if not gains:
        return None
    peer = min(gains, key=lambda member: (-gains[member], member))
    return _Peer(peer, gains[peer])


def shown_tenths(value: float) -> float:
    """``value`` to one decimal as polars' ``round(1)`` gives it: the value times ten, a half
    to even. Python's ``round(value, 1)`` rounds the exact binary value instead, and 0.05 and
    0.15 go the other way (tests/unit/test_reassess.py holds the two to each other)."""
    return round(value * 10.0) / 10.0


def gain(weights: Iterable[float]) -> float:
    """An identity's own log-odds from its weights, as ``score.assess`` sums them: each to
    four decimals, and the sum (so that the order of adding cannot show in the last bit)."""
    return round(sum(round(weight, WEIGHT_DECIMALS) for weight in weights), WEIGHT_DECIMALS)


def _own(loaded: LoadedRuleset) -> dict[str, Indicator]:
    """The active indicators of the identity's own records (first pass), by id."""
    return {i.id: i for i in loaded.ruleset.active if DETECTORS[i.detector].stage == "own"}


def _home(facts: ApplicantFacts) -> str | None:
    """The home claimed most often; of those claimed equally often, the first in
    alphabetical order (``services/facts._claimed_countries``)."""
    counts = Counter(a.claimed_country for a in facts.applications if a.claimed_country is not None)
    return min(counts, key=lambda country: (-counts[country], country)) if counts else None


def _addresses(facts: ApplicantFacts) -> set[str]:
    return {c.key for c in facts.contacts if c.kind == "address"}
