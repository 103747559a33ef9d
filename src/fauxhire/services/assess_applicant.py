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
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from fauxhire.assess.applicant import (
    ApplicantFacts,
    AppliedFact,
    Carried,
    ContactFact,
    PartnerFact,
    assess_applicant,
)
from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.domain import evidence
from fauxhire.enrich.keyed import keyed_hash
from fauxhire.enrich.places import place_of
from fauxhire.enrich.timezones import local_hour_at
from fauxhire.ports import ApplicantReader, ApplicantRows, AssessmentRow, OutcomeReader
from fauxhire.store.schema import KEY_SEP


class ApplicantStore(ApplicantReader, OutcomeReader, Protocol):
    """What the assessment of an applicant reads."""


class PlainAssessed(NamedTuple):
    row: AssessmentRow  # as assess_identities would store it
    carried: int  # store-wide contributions carried, as assess_identities counts them


def assess_applicant_identity(
    store: ApplicantStore,
    identity_id: str,
    *,
    now: datetime,
    ruleset: LoadedRuleset,
    community_key: bytes | None = None,
) -> PlainAssessed | None:
    """The assessment ``assess_identities`` would store for ``identity_id``, or None where it
    is more than an applicant or the ruleset has an indicator the plain path does not know.
    Reads only; the caller stores the row."""
    rows = store.applicant_rows(identity_id)
    if rows is None:
        return None
    facts = applicant_facts(store, rows, now=now, community_key=community_key)
    verdict = assess_applicant(facts, ruleset, _carried(store, identity_id, ruleset))
    if verdict is None:
        return None
    row = AssessmentRow(
        "identity", identity_id, None, verdict.probability, verdict.level,
        evidence.to_json(verdict.evidence), ruleset.label, ruleset.content_hash,
    )  # fmt: skip
    return PlainAssessed(row, verdict.carried)


def applicant_facts(
    store: ApplicantReader, rows: ApplicantRows, *, now: datetime, community_key: bytes | None
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
    community_key: bytes | None,
) -> list[PartnerFact]:
    """As ``facts._partner`` for contacts: a partner indicator giving the e-mail, or the
    keyed hash of an e-mail or phone under the community key."""
    emails = [c for c in contacts if c.kind == "email"]
    keyed = {}
    if community_key is not None:
        keyed = {
            c: keyed_hash(community_key, c.kind, c.key)
            for c in contacts
            if c.kind in ("email", "phone")
        }
    found = store.partner_observables(sorted({c.key for c in emails}), sorted(set(keyed.values())))
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
        for c, digest in keyed.items()
        for confidence, stale in by_digest.get(digest, [])
    ]
    return matches


def _carried(store: OutcomeReader, identity_id: str, ruleset: LoadedRuleset) -> list[Carried]:
    """The items of the identity's stored assessment, where the same ruleset made it: those
    of store-wide indicators are carried (``assess_applicant`` picks them)."""
    return [
        Carried(item.indicator, item.weight, item.detail, tuple(item.sources))
        for found in store.assessments("identity", subject_ids=[identity_id])
        if found.ruleset_hash == ruleset.content_hash
        for item in found.evidence
    ]


def _cited(key: str) -> str:
    """How an assessment cites an application (``facts._reference``)."""
    return "application:" + key.replace(KEY_SEP, "/")


def _utc(text: str | None) -> datetime | None:
    """As ``facts._utc``: the first 19 characters read as a UTC time, None if they do not."""
    if text is None:
        return None
    try:
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
