"""The plain reassessment's rules (``assess/reassess.py``) on hand-built facts under the
shipped ruleset: what a screened application can change is graded again, the rest carried,
and where the new application could change a carried indicator the answer is None.
tests/integration/test_reassessment.py holds its answers to the detectors'."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from fauxhire.assess.applicant import (
    ApplicantFacts,
    AppliedFact,
    Carried,
    ContactFact,
    PartnerFact,
)
from fauxhire.assess.reassess import (
    borrowed_now,
    context_now,
    context_stands,
    network_verdict,
    reassess,
    shown_tenths,
)
from fauxhire.domain.evidence import IndicatorEvidence
from support.rulesets import shipped_ruleset

T0 = datetime(2025, 3, 3, 15, tzinfo=UTC)


RULESET = shipped_ruleset()
CAMERA = Carried("virtual-camera", 2.0, "Interviews joined with XSplit VCam.", ("meeting:m-1",))
PARTNER = Carried("partner-intel-match", 2.4, "Matches partner indicators on ip 1.2.3.4.", ())


def _app(n: int, country: str | None = "US") -> AppliedFact:
    return AppliedFact(f"application:c-{n}/a-{n}", f"c-{n}", T0 + timedelta(days=n), country, 10.0)


def _facts(apps: list[AppliedFact], addresses: dict[int, str] | None = None) -> ApplicantFacts:
    contacts = [
        ContactFact(f"application:c-{n}/a-{n}", "address", key, T0)
        for n, key in (addresses or {}).items()
    ]
    return ApplicantFacts(apps, contacts, [])


def _before_after(new: AppliedFact) -> tuple[ApplicantFacts, ApplicantFacts]:
    old = [_app(1), _app(2)]
    return _facts(old), _facts([*old, new])


def test_carried_evidence_stands_and_what_applications_show_is_graded_again() -> None:
    before, after = _before_after(_app(3))
    verdict = reassess(before, after, RULESET, [CAMERA])
    assert verdict is not None
    assert [e.indicator for e in verdict.evidence] == ["virtual-camera"]  # 3 companies: quiet
    assert verdict.carried == 1
    many = [_app(n) for n in range(1, 40)]
    grown = reassess(_facts(many[:-1]), _facts(many), RULESET, [CAMERA])
    assert grown is not None
    assert {e.indicator for e in grown.evidence} == {"virtual-camera", "application-volume"}
    assert grown.probability > verdict.probability


@pytest.mark.parametrize(
    ("old", "new", "addresses"),
    [
        # US and GB claimed once each: GB (ties go alphabetically); a second US makes it US.
        ([_app(1), _app(2, "GB")], _app(3), None),
        ([_app(1), _app(2)], _app(3), {1: "1 main st", 3: "9 other rd"}),  # a new address
        ([_app(1), _app(2)], _app(3), {3: "1 main st"}),  # the first: now it is judged
    ],
)
def test_a_change_to_what_a_carried_indicator_compares_declines(
    old: list[AppliedFact], new: AppliedFact, addresses: dict[int, str] | None
) -> None:
    given = addresses or {}
    before = _facts(old, {n: key for n, key in given.items() if n != 3})
    after = _facts([*old, new], given)
    assert reassess(before, after, RULESET, [CAMERA]) is None
    if addresses is None:  # the new one claiming no home: the home stands, and so does it
        calm = [*old, replace(new, claimed_country=None)]
        assert reassess(_facts(old), _facts(calm), RULESET, [CAMERA]) is not None


def test_a_new_application_matching_what_others_matched_only_names_itself() -> None:
    before, after = _before_after(_app(3))
    old = PartnerFact("application:c-1/a-1", "email x@example.net", 80.0, False, False)
    new = replace(old, source="application:c-3/a-3")
    stored = replace(PARTNER, sources=("application:c-1/a-1", "meeting:m-1"))
    verdict = reassess(
        replace(before, partner=[old]), replace(after, partner=[old, new]), RULESET, [stored]
    )
    assert verdict is not None
    (item,) = [e for e in verdict.evidence if e.indicator == "partner-intel-match"]
    assert item.weight == stored.weight and item.detail == stored.detail
    assert item.sources == ("application:c-1/a-1", "application:c-3/a-3", "meeting:m-1")
    stronger = replace(new, matched="email y@example.net")
    assert reassess(before, replace(after, partner=[old, stronger]), RULESET, [stored]) is None
    surer = replace(new, confidence=95.0)  # the same value, by an indicator trusted more
    assert reassess(before, replace(after, partner=[old, surer]), RULESET, [stored]) is None


def test_network_context_stands_while_the_strongest_other_member_is_the_one_it_names() -> None:
    def context(peer: str) -> Carried:
        return Carried("network-context", 3.0, f"Its network holds {peer}.", (f"identity:{peer}",))

    strong = Carried("employer-report", 6.5, "Reported.", ("report:r-1",))
    weak = Carried("virtual-camera", 2.0, "Camera.", ("meeting:m-1",))
    members = {"i-1": [context("i-2")], "i-2": [strong], "i-3": [weak]}
    assert context_stands("i-1", members, [], RULESET)
    assert not context_stands("i-1", members, ["i-2"], RULESET)  # its evidence changed since
    assert context_stands("i-1", members, ["i-3"], RULESET)  # a weaker one's did
    assert not context_stands("i-1", {**members, "i-3": [strong, weak]}, [], RULESET)
    quiet = {"i-1": [], "i-2": [], "i-3": []}
    assert context_stands("i-1", quiet, [], RULESET)  # no one's own evidence: nothing named
    assert not context_stands("i-1", {**quiet, "i-2": [weak]}, [], RULESET)


def test_a_network_is_as_suspect_as_its_best_evidenced_members() -> None:
    camera = replace(CAMERA, weight=2.0)
    half = replace(CAMERA, weight=1.0)
    context = Carried("network-context", 3.0, "Its network holds i-2.", ("identity:i-2",))
    verdict = network_verdict({"i-1": [camera, context], "i-2": [half], "i-3": []}, RULESET)
    (item,) = verdict.evidence  # context is not a member's own evidence
    assert item.indicator == "virtual-camera" and item.weight == 2.0
    assert item.detail.startswith("2 of 3 identities: ")
    assert item.sources == ("identity:i-1", "identity:i-2")
    alone = network_verdict({"i-1": [], "i-2": []}, RULESET)
    assert alone.evidence == () and alone.probability < verdict.probability


def test_network_context_is_recomputed_from_the_peer_s_stored_evidence() -> None:
    report = Carried("employer-report", 6.5, "Reported.", ("report:r-1",))
    camera = replace(CAMERA, weight=2.0)
    members = {"i-1": [], "i-2": [report], "i-3": [camera]}
    (lent,) = context_now("i-1", "net-1", members, 1.0, RULESET)
    # The edge's score over full_link (2.0) is the strength: the peer's 6.5 is past full_gain.
    assert lent.weight == 3.0 * 0.5 and lent.sources == ("identity:i-2",)
    assert lent.detail == "Its network holds i-2 in net-1 (own log-odds +6.5)."
    assert context_now("i-1", "net-1", members, None, RULESET) == []  # no edge: no context
    quiet = {"i-1": [], "i-2": [], "i-3": []}
    assert context_now("i-1", "net-1", quiet, 1.0, RULESET) == []  # no one's own evidence
    # Below full_gain the strength reads the peer's log-odds, summed from its stored weights
    # as the detector sums them: 2.0 of full_gain's 5.0, on a tie of half strength.
    (below,) = context_now("i-1", "net-1", {**members, "i-2": [camera]}, 1.0, RULESET)
    assert below.weight == 3.0 * (0.5 * (2.0 / 5.0))
    assert below.detail == "Its network holds i-2 in net-1 (own log-odds +2.0)."
    # Weights off four decimals (a twin's, unstored) count as they would be stored.
    fine = [replace(CAMERA, weight=1.00004), replace(CAMERA, weight=1.00004)]
    (summed,) = context_now("i-1", "net-1", {**members, "i-2": fine}, 1.0, RULESET)
    assert summed.weight == 3.0 * (0.5 * (2.0 / 5.0))
    # 6.25 to one decimal is shown as polars shows it: a half to even.
    tie = {**members, "i-2": [replace(report, weight=6.25)]}
    (shown,) = context_now("i-1", "net-1", tie, 1.0, RULESET)
    assert shown.detail == "Its network holds i-2 in net-1 (own log-odds +6.2)."


def test_a_gain_is_shown_to_one_decimal_as_polars_shows_it() -> None:
    halves = [k / 20 for k in range(400)]  # every half-tenth to 20, where rounding rules differ
    grid = [k / 10_000 for k in range(200_000)]
    values = halves + grid + [0.15, 0.05, 2.25, 2.35, 1e-9]
    shown = pl.Series(values).round(1)
    assert [shown_tenths(v) for v in values] == shown.to_list()
    spelled = shown.head(len(halves)).cast(pl.String).to_list()
    assert [str(shown_tenths(v)) for v in halves] == spelled
    assert round(0.05, 1) != shown_tenths(0.05)  # why Python's own round would not do


def test_borrowed_identity_evidence_weighs_own_evidence_now_against_the_partner_s() -> None:
    report = IndicatorEvidence("employer-report", 4.0, "Reported.", ("report:r-1",))
    context = IndicatorEvidence("network-context", 3.0, "Its network holds i-9.", ())
    camera = replace(CAMERA, weight=1.99996)  # stored as 2.0: the detector reads it so
    (told,) = borrowed_now("i-1", [report], {"i-2": [camera]}, RULESET)
    # The shipped margin is 2.0: own 4.0 reaches the partner's 2.0 plus the margin exactly.
    assert told.indicator == "borrowed-identity" and told.weight == 1.5
    assert told.detail == (
        "Split from an identity presenting the same person: presents the identity of i-2."
    )
    assert told.sources == ("identity:i-2",)
    # Evidence lent by the network is no evidence of its own: 1.0 of own is not ahead.
    lesser = replace(report, weight=1.0)
    assert borrowed_now("i-1", [lesser, context], {"i-2": [camera]}, RULESET) == []
    # The partner, perhaps the person whose identity was borrowed, with less: never named.
    assert borrowed_now("i-1", [replace(report, weight=3.9999)], {"i-2": [camera]}, RULESET) == []
    # Ahead of two partners at once: which the detector names first is not told here.
    assert borrowed_now("i-1", [report], {"i-2": [camera], "i-3": []}, RULESET) is None
