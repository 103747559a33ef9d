"""A screened identity that is only an applicant, assessed in plain Python (issue 17).

``assess_few.assess_identities`` runs the polars detectors over the identity's scope: some
hundred milliseconds of fixed cost a screen. An identity with nothing but applications and
their contact details (``ApplicantReader.applicant_rows``) needs none of that: its rows are
read by index, shaped as ``services/facts.py`` shapes them (the claimed home's country and
zone, the local hour, partner indicators matched by e-mail or keyed hash), and graded by
``assess/applicant.py``, with the store-wide indicators' contributions carried from its stored
assessment exactly as ``assess_identities`` carries them. The result is the row
``assess_identities`` would store; tests/integration/test_applicant_assessment.py holds the two
to each other.

An identity that is more than an applicant, to which a screen added applications, is assessed
the same way where its stored assessment saw everything else it holds
(``ApplicantReader.rows_since_assessed``): the twins grade its applications again, and what
its other records gave is carried (``assess/reassess.py``); held to ``assess_identities`` by
tests/integration/test_reassessment.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from fauxhire.assess.applicant import (
    ApplicantFacts,
    AppliedFact,
    Carried,
    ContactFact,
    PartnerFact,
    Verdict,
    assess_applicant,
)
from fauxhire.assess.reassess import (
    BORROWED,
    CONTEXT,
    borrowed_now,
    context_now,
    context_stands,
    indicator_ids,
    network_verdict,
    reassess,
)
from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.domain import evidence
from fauxhire.domain.evidence import IndicatorEvidence
from fauxhire.enrich.keyed import MatchKeys, keyed_hash, match_keys
from fauxhire.enrich.places import place_of
from fauxhire.enrich.timezones import local_hour_at
from fauxhire.ports import ApplicantReader, ApplicantRows, AssessmentRow, OutcomeReader
from fauxhire.services.assess_few import referral_namesakes
from fauxhire.store.schema import KEY_SEP


class ApplicantStore(ApplicantReader, OutcomeReader, Protocol):
    """What the assessment of an applicant reads."""


class PlainAssessed(NamedTuple):
    row: AssessmentRow  # as assess_identities would store it
    carried: int  # contributions carried from the stored assessment
    network: AssessmentRow | None = None  # its network's, where it is in one


def assess_applicant_identity(
    store: ApplicantStore,
    identity_id: str,
    *,
    now: datetime,
    ruleset: LoadedRuleset,
    community_key: MatchKeys = None,
) -> PlainAssessed | None:
    """The assessment ``assess_identities`` would store for ``identity_id``, or None where it
    is more than an applicant or the ruleset has an indicator the plain path does not know.
    Reads only; the caller stores the row."""
    rows = store.applicant_rows(identity_id)
    if rows is None:
        return None
    facts = applicant_facts(store, rows, now=now, community_key=community_key)
    stored = _stored(store, [identity_id], ruleset).get(identity_id, [])
    verdict = assess_applicant(facts, ruleset, stored)
    return None if verdict is None else _row("identity", identity_id, None, verdict, ruleset)


def reassess_identity(
    store: ApplicantStore,
    identity_id: str,
    new: Sequence[str],
    *,
    now: datetime,
    ruleset: LoadedRuleset,
    community_key: MatchKeys = None,
) -> PlainAssessed | None:
    """The assessments ``assess_identities`` would store for ``identity_id`` and its network
    after a screen added the applications ``new`` (keys) to it, from the stored assessments
    of it and its network's members (``assess/reassess.py``); None where those did not see
    all else they hold (``ApplicantReader.rows_since_assessed``), another ruleset made one,
    or the new applications could change what is carried. Reads only; the caller stores."""
    since = store.rows_since_assessed(identity_id, new, referral_namesakes(ruleset), now)
    if since is None:
        return None
    stored = _stored(store, since.members, ruleset)
    mine = stored.get(identity_id)
    if mine is None or len(stored) < len(since.members):
        return None
    partners = _stored(store, since.borrowed, ruleset)
    if len(partners) < len(since.borrowed):
        return None
    borrowed = indicator_ids(ruleset, BORROWED)
    mine = [c for c in mine if c.indicator not in borrowed]  # told again below, as it is now
    if since.network_id is not None and not context_stands(
        identity_id, stored, since.changed, ruleset
    ):
        edges = store.edges("network", since.network_id, touching=identity_id)
        strongest = max((edge.score for edge in edges), default=None)
        lent = context_now(identity_id, since.network_id, stored, strongest, ruleset)
        contexts = indicator_ids(ruleset, CONTEXT)
        mine = [c for c in mine if c.indicator not in contexts] + lent
    after = applicant_facts(store, since.rows, now=now, community_key=community_key)
    fresh = {_cited(key) for key in new}
    before = ApplicantFacts(
        [a for a in after.applications if a.source not in fresh],
        [c for c in after.contacts if c.source not in fresh],
        [p for p in after.partner if p.source not in fresh],
    )
    verdict = reassess(before, after, ruleset, mine)
    if verdict is not None and partners:
        verdict = _with_borrowed(identity_id, verdict, partners, (before, after), mine, ruleset)
    if verdict is None:
        return None
    network = None
    if since.network_id is not None:
        stored[identity_id] = [_carried(item) for item in verdict.evidence]
        grouped = network_verdict(stored, ruleset)
        network = _row("network", since.network_id, since.network_id, grouped, ruleset).row
    done = _row("identity", identity_id, since.network_id, verdict, ruleset)
    return done._replace(network=network)


def _with_borrowed(
    identity_id: str,
    verdict: Verdict,
    partners: Mapping[str, Sequence[Carried]],
    facts: tuple[ApplicantFacts, ApplicantFacts],
    carried: Sequence[Carried],
    ruleset: LoadedRuleset,
) -> Verdict | None:
    """The verdict with the borrowed-identity evidence the identity's own, as now, gives it
    against its partners' stored evidence (``borrowed_now``); None where that is not told."""
    told = borrowed_now(identity_id, verdict.evidence, partners, ruleset)
    if told is None:
        return None
    return reassess(*facts, ruleset, [*carried, *told]) if told else verdict


def _row(
    kind: str, subject: str, network: str | None, verdict: Verdict, ruleset: LoadedRuleset
) -> PlainAssessed:
    row = AssessmentRow(
        kind, subject, network, verdict.probability, verdict.level,
        evidence.to_json(verdict.evidence), ruleset.label, ruleset.content_hash,
    )  # fmt: skip
    return PlainAssessed(row, verdict.carried)


def applicant_facts(
    store: ApplicantReader, rows: ApplicantRows, *, now: datetime, community_key: MatchKeys
) -> ApplicantFacts:
    """The rows as the facts hold them: times in UTC, the claimed home's country and the
    local hour, each contact with its application's time, and the partner matches."""
    applications = []
    at_of: dict[str, datetime | None] = {}
    for key, company, applied_at, location in rows.applications:
        at = _utc(applied_at)
        country, zone = place_of(location) if location is not None else (None, None)
        local = local_hour_at(at, zone) if at is not None else None
        applications.append(AppliedFact(_cited(key), company, at, country, local))
        at_of[key] = at
    contacts = [
        ContactFact(_cited(key), kind, value, at_of[key]) for key, kind, value in rows.contacts
    ]
    return ApplicantFacts(applications, contacts, _partner(store, contacts, now, community_key))


def _partner(
    store: ApplicantReader,
    contacts: Sequence[ContactFact],
    now: datetime,
    community_key: MatchKeys,
) -> list[PartnerFact]:
    """As ``facts._partner`` for contacts: a partner indicator giving the e-mail, or the
    keyed hash of an e-mail or phone under the community key."""
    emails = [c for c in contacts if c.kind == "email"]
    keyed: dict[ContactFact, list[str]] = {}
    if keys := match_keys(community_key):
        # A persona gives the same e-mail on a hundred applications: each value hashed once,
        # under each key that matches (a rotation's overlap holds two).
        values = {(c.kind, c.key) for c in contacts if c.kind in ("email", "phone")}
        digests = {value: [keyed_hash(key, *value) for key in keys] for value in values}
        keyed = {c: digests[(c.kind, c.key)] for c in contacts if (c.kind, c.key) in digests}
    hashes = sorted({digest for listed in keyed.values() for digest in listed})
    found = store.partner_observables(sorted({c.key for c in emails}), hashes)
    by_email: dict[str, list[tuple[float | None, bool]]] = {}
    by_digest: dict[str, list[tuple[float | None, bool]]] = {}
    for _, valid_until, confidence, path, value in found:
        graded = (_number(confidence), _stale(valid_until, now))
        if path == "email-addr:value":
            by_email.setdefault(value.lower(), []).append(graded)
        else:
            by_digest.setdefault(value, []).append(graded)
    matches = [
        PartnerFact(c.source, f"email {c.key}", confidence, stale, False)
        for c in emails
        for confidence, stale in by_email.get(c.key, [])
    ]
    matches += [
        PartnerFact(c.source, f"{c.kind} (keyed hash)", confidence, stale, False)
        for c, listed in keyed.items()
        for digest in listed
        for confidence, stale in by_digest.get(digest, [])
    ]
    return matches


def _stored(
    store: OutcomeReader, identities: Sequence[str], ruleset: LoadedRuleset
) -> dict[str, list[Carried]]:
    """The items of each identity's stored assessment, where the same ruleset made it (an
    identity is absent where none did): those the assessment at hand carries, it picks."""
    return {
        found.subject_id: [_carried(item) for item in found.evidence]
        for found in store.assessments("identity", subject_ids=list(identities))
        if found.ruleset_hash == ruleset.content_hash
    }


def _carried(item: IndicatorEvidence) -> Carried:
    return Carried(item.indicator, item.weight, item.detail, tuple(item.sources))


def _cited(key: str) -> str:
    """How an assessment cites an application (``facts._reference``)."""
    return "application:" + key.replace(KEY_SEP, "/")


def _utc(text: str | None) -> datetime | None:
    """As ``facts._utc``: the first 19 characters read as a UTC time, None if they do not."""
    if text is None:
        return None
    try:
        if len(text) >= 19 and text[10] == " ":  # as stored: read at C speed (strptime: 17 us)
            return datetime.fromisoformat(text[:19]).replace(tzinfo=UTC)
        return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _stale(valid_until: str | None, now: datetime) -> bool:
    until = _utc(valid_until)
    return until is not None and until < now


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None
