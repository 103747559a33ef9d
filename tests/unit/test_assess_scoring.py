"""The assessment's guarantees, table-driven on hand-built facts under the shipped ruleset:
no single technical or behavioural observation makes a clean identity `likely`; a confirmed,
high-confidence employer report does; a firing indicator never lowers a probability."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fauxhire.assess.detectors import DETECTORS, run_detector
from fauxhire.assess.facts import SCHEMAS, Facts
from fauxhire.assess.ruleset import LoadedRuleset, parse_ruleset
from fauxhire.assess.score import LIKELY, assess
from support.rulesets import shipped_ruleset

T0 = datetime(2024, 3, 4, tzinfo=UTC)


RULESET = shipped_ruleset()


def _app(identity: str, n: int, **extra: Any) -> dict[str, Any]:
    row = {
        "identity_id": identity,
        "network_id": None,
        "app_key": f"c-{n}\x1fa-{identity}-{n}",
        "source": f"application:c-{n}/a-{identity}-{n}",
        "company_id": f"c-{n}",
        "applied_at": T0 + timedelta(days=n),
        "claimed_country": "US",
        "referred_by": None,
        "name_key": f"example {identity}",
        "resume_text": None,
    }
    return {**row, **extra}


def _egress(identity: str, n: int, **extra: Any) -> dict[str, Any]:
    row = {
        "identity_id": identity,
        "source": f"meeting:{identity}-{n}",
        "channel": "meeting",
        "company_id": f"c-{n}",
        "ip": f"23.112.0.{n}",
        "at": T0 + timedelta(days=n),
        "kind": "residential",
        "provider": None,
        "country": "US",
        "claimed_country": "US",
    }
    return {**row, **extra}


def _hire(identity: str, n: int, **extra: Any) -> dict[str, Any]:
    row = {
        "identity_id": identity,
        "source": f"hire:{identity}-{n}",
        "company_id": f"c-{n}",
        "shipping_key": f"1 home st {identity}",
        "payout_account": f"acct-{identity}",
        "legal_name_key": f"example {identity}",
        "name_key": f"example {identity}",
    }
    return {**row, **extra}


def _home(identity: str) -> dict[str, Any]:
    return {
        "identity_id": identity,
        "app_key": "k",
        "applied_at": T0,
        "kind": "address",
        "key": f"1 home st {identity}",
    }


_IN_ONE_NETWORK = ("shared_ip", "shared_shipping", "shared_payout")


def _facts(identity: str, case: str) -> Facts:
    """One identity, clean but for ``case``; a bystander identity where a case needs two."""
    apps = [_app(identity, 1), _app(identity, 2)]
    frames: dict[str, list[dict[str, Any]]] = {
        "applications": apps,
        "egress": [_egress(identity, n) for n in range(1, 5)],
        "hires": [_hire(identity, 1)],
        "contacts": [_home(identity)],
    }
    if case in _IN_ONE_NETWORK:  # a value counts as shared only within a network
        frames["applications"] = [
            _app(identity, 1, network_id="net-1"),
            _app(identity, 2, network_id="net-1"),
            _app("bystander", 9, network_id="net-1", name_key="other bystander"),
        ]
    if case == "vpn":
        frames["egress"] = [_egress(identity, n, kind="vpn", provider="NordVPN") for n in (1, 2)]
    elif case == "astrill":
        frames["egress"] = [
            _egress(identity, n, kind="vpn", provider="Astrill VPN") for n in (1, 2)
        ]
    elif case == "abroad":
        frames["egress"] = [_egress(identity, n, country="JP") for n in range(1, 5)]
    elif case == "shared_ip":
        frames["egress"].append(_egress("bystander", 9, ip="23.112.0.1"))
    elif case == "shared_shipping":
        frames["hires"].append(_hire("bystander", 9, shipping_key=f"1 home st {identity}"))
    elif case == "shipping_away":
        frames["hires"] = [_hire(identity, 1, shipping_key="9 other rd")]
    elif case == "shared_payout":
        frames["hires"].append(_hire("bystander", 9, payout_account=f"acct-{identity}"))
    elif case == "other_name":
        frames["hires"] = [_hire(identity, 1, legal_name_key="someone else")]
    elif case == "camera":
        frames["meetings"] = [
            {"identity_id": identity, "source": "meeting:m", "camera": "OBS Virtual Camera"}
        ]
    elif case == "idp":
        frames["signins"] = [_signin(identity, n, risk_level="high") for n in range(4)]
    elif case == "hours":
        frames["signins"] = [_signin(identity, n, hour=2, local_hour=21.0) for n in range(6)]
    elif case == "app_hours":  # 08:00 UTC: 03:00 where it claims to live, 16:00 in UTC+8
        frames["applications"] = [
            _app(identity, n, applied_at=datetime(2024, 3, n, 8, tzinfo=UTC), local_hour=3.0)
            for n in range(1, 6)
        ]
    elif case == "partner":
        frames["partner"] = [_partner(identity)]
    elif case == "volume":
        frames["applications"] = [_app(identity, n) for n in range(40)]
    elif case == "resume":
        # A whole template of rare lines, shared with one identity under another name, in a
        # store of a thousand others: as strong as resume reuse gets.
        frames["applications"] = [
            _app(identity, 1, resume_text=TEMPLATE),
            _app("bystander", 9, resume_text=TEMPLATE, name_key="other bystander"),
            *_strangers(1000),
        ]
    elif case == "switch":
        frames["contacts"] = [
            _contact(identity, n, "old@example.com" if n < 3 else "new@example.com")
            for n in range(6)
        ]
    elif case == "home_varies":
        frames["applications"] = [_app(identity, 1), _app(identity, 2, claimed_country="GB")]
    elif case == "report_confirmed_high":
        frames["reports"] = [_report(identity, "confirmed_fraud", "high")]
    elif case == "reports_of_two_companies":
        frames["reports"] = [
            _report(identity, "confirmed_fraud", "high"),
            _report(identity, "confirmed_fraud", "medium", company="c-2"),
        ]
    elif case == "report_suspected_high":
        frames["reports"] = [_report(identity, "suspected", "high")]
    elif case != "clean":
        raise AssertionError(case)
    return Facts.make(**{name: pl.DataFrame(rows) for name, rows in frames.items()})


def _signin(identity: str, n: int, **extra: Any) -> dict[str, Any]:
    hour = extra.pop("hour", 15)
    row = {
        "identity_id": identity,
        "source": f"signin:{identity}-{n}",
        "observed_at": T0 + timedelta(days=n, hours=hour),
        "zone": "America/New_York",
        "local_hour": float((hour - 5) % 24),
        "risk_level": "low",
        "risk_reasons": "[]",
        "behaviors": "{}",
        "is_proxy": False,
    }
    return {**row, **extra}


def _contact(identity: str, n: int, email: str) -> dict[str, Any]:
    return {
        "identity_id": identity,
        "app_key": f"a-{n}",
        "source": f"application:a-{n}",
        "applied_at": T0 + timedelta(days=10 * n),
        "kind": "email",
        "key": email,
    }


def _partner(identity: str) -> dict[str, Any]:
    return {
        "identity_id": identity,
        "source": "indicator:indicator--1",
        "matched": "email (keyed hash)",
        "confidence": 80.0,
        "stale": False,
        "shared_egress": False,
    }


def _report(
    identity: str, disposition: str, confidence: str, company: str = "c-1"
) -> dict[str, Any]:
    return {
        "identity_id": identity,
        "source": f"report:{company}/r-1",
        "company_id": company,
        "disposition": disposition,
        "confidence": confidence,
    }


def _assessed(case: str) -> tuple[float, set[str]]:
    result = assess(_facts("i-1", case), RULESET)
    row = result.identities.filter(pl.col("identity_id") == "i-1").row(0, named=True)
    fired = result.contributions.filter(pl.col("identity_id") == "i-1")
    return row["probability"], set(fired.get_column("indicator").to_list())


SINGLE_OBSERVATIONS = {
    # case: the indicators it may fire (one observation can be two: Astrill is a VPN)
    "vpn": {"anonymiser-egress"},
    "astrill": {"anonymiser-egress", "astrill-egress"},
    "abroad": {"egress-country-mismatch"},
    "shared_ip": {"shared-egress-ip"},
    "shared_shipping": {"shared-shipping-address"},
    "shipping_away": {"shipping-not-home"},
    "shared_payout": {"shared-payout-account"},
    "other_name": {"legal-name-differs"},
    "camera": {"virtual-camera"},
    "idp": {"idp-risk"},
    "hours": {"offset-activity-hours"},
    "app_hours": {"offset-application-hours"},
    "partner": {"partner-intel-match"},
    "volume": {"application-volume"},
    "resume": {"resume-reuse"},
    "switch": {"contact-switch"},
    "home_varies": {"claimed-home-varies"},
}


def test_a_clean_identity_is_almost_no_chance() -> None:
    probability, fired = _assessed("clean")
    assert fired == set()
    assert probability < 0.05


@pytest.mark.parametrize("case", sorted(SINGLE_OBSERVATIONS))
def test_no_single_observation_lifts_a_clean_identity_to_likely(case: str) -> None:
    probability, fired = _assessed(case)
    assert fired, f"{case}: nothing fired; the case does not test what it says"
    assert fired <= SINGLE_OBSERVATIONS[case]
    assert probability < LIKELY


def test_every_technical_and_behavioural_indicator_has_a_case() -> None:
    covered = set().union(*SINGLE_OBSERVATIONS.values())
    wanted = {i.id for i in RULESET.ruleset.active if i.family in ("technical", "behavioural")}
    assert wanted <= covered


def test_one_companys_confirmed_report_alone_does_not_decide() -> None:
    # An employer can be wrong: a VPN user reported as a fraud is not made likely by it.
    probability, fired = _assessed("report_confirmed_high")
    assert fired == {"employer-report"}
    assert probability < LIKELY
    facts = _facts("i-1", "vpn")
    reported = replace(facts, reports=_facts("i-1", "report_confirmed_high").reports)
    assert _chance(reported) < LIKELY


def test_confirmed_reports_of_two_companies_lift_to_likely() -> None:
    probability, fired = _assessed("reports_of_two_companies")
    assert fired == {"employer-report"}
    assert probability >= LIKELY


def test_one_report_with_the_schemes_infrastructure_behind_it_decides() -> None:
    facts = _facts("i-1", "astrill")
    reported = replace(facts, reports=_facts("i-1", "report_confirmed_high").reports)
    assert _chance(reported) >= LIKELY


def test_a_suspicion_alone_does_not() -> None:
    probability, fired = _assessed("report_suspected_high")
    assert fired == {"employer-report"}
    assert probability < LIKELY


def _without(indicator_id: str) -> LoadedRuleset:
    ruleset = RULESET.ruleset
    indicators = [
        i.model_copy(update={"enabled": False}) if i.id == indicator_id else i
        for i in ruleset.indicators
    ]
    return LoadedRuleset(
        ruleset.model_copy(update={"indicators": indicators}), "test", "sha256:test"
    )


def _merged(cases: list[str]) -> Facts:
    frames: dict[str, pl.DataFrame] = {}
    for case in cases:
        facts = _facts("i-1", case)
        for name in ("applications", "egress", "hires", "contacts", "meetings", "signins",
                     "partner", "reports"):  # fmt: skip
            frame = getattr(facts, name)
            frames[name] = pl.concat([frames[name], frame]) if name in frames else frame
    return Facts.make(**{name: frame.unique() for name, frame in frames.items()})


EVIDENCE_FOR = sorted(i.id for i in RULESET.ruleset.active if i.weight > 0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from([*sorted(SINGLE_OBSERVATIONS), "report_suspected_high"]),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(EVIDENCE_FOR),
)
def test_a_firing_indicator_never_lowers_the_probability(cases: list[str], dropped: str) -> None:
    """Any mix of observations, assessed with and without one indicator of evidence for: with
    it, the probability is never lower (context indicators included: a peer's gain only grows
    it)."""
    facts = _merged(cases)
    with_it = assess(facts, RULESET).identities
    without = assess(facts, _without(dropped)).identities
    both = with_it.join(without, on="identity_id", suffix="_without")
    assert both.height == with_it.height
    assert (both["probability"] >= both["probability_without"] - 1e-12).all()


def test_levels_are_the_domains_estimative_terms() -> None:
    from fauxhire.assess.score import level
    from fauxhire.domain.levels import estimative_level

    edges = [0.0, 0.049, 0.05, 0.19, 0.2, 0.449, 0.45, 0.549, 0.55, 0.79, 0.8, 0.949, 0.95, 1.0]
    got = pl.DataFrame({"p": edges}).select(level(pl.col("p"))).to_series().to_list()
    assert got == [estimative_level(p) for p in edges]


def _chance(facts: Facts) -> float:
    identities = assess(facts, RULESET).identities
    return float(identities.filter(pl.col("identity_id") == "i-1")["probability"][0])


def _disposed(facts: Facts, disposition: str) -> Facts:
    frames = {name: getattr(facts, name) for name in SCHEMAS}
    frames["dispositions"] = pl.DataFrame(
        [{"identity_id": "i-1", "disposition": disposition, "analyst": "ana", "created_at": T0}]
    )
    return Facts.make(**frames)


def test_an_analysts_clearance_decides_whatever_else_fires() -> None:
    everything = _merged([*sorted(SINGLE_OBSERVATIONS), "report_confirmed_high"])
    assert _chance(everything) >= 0.95  # every observation and a confirmed report
    assert _chance(_disposed(everything, "cleared")) < LIKELY


def test_an_analysts_confirmation_decides_against_evidence_against() -> None:
    clean = _merged(["clean"])
    frames = {name: getattr(clean, name) for name in SCHEMAS}
    frames["reports"] = pl.DataFrame([_report("i-1", "cleared", "high")])
    confirmed = _disposed(Facts.make(**frames), "confirmed")
    assert _chance(confirmed) >= LIKELY


def test_rules_check_refuses_a_clearance_that_strong_evidence_outweighs() -> None:
    text = resources.files("fauxhire.assess").joinpath("rules/default.yaml").read_text()
    weak = text.replace("    weight: -45.0\n", "    weight: -9.0\n")
    assert weak != text
    loaded, problems = parse_ruleset(weak, "weak.yaml", DETECTORS)
    assert loaded is None
    assert any("must outweigh every other indicator" in p.message for p in problems)


TEMPLATE = "\n".join(
    [
        "results-driven engineer who shipped payment platforms used by millions daily",
        "cut checkout latency by forty percent with a rewrite of the pricing service",
        "mentored six engineers through the migration from a monolith to services",
        "owned the on-call rotation and halved pages with better alert thresholds",
    ]
)
COMMON = "collaborative team player with strong communication and delivery skills always"


def _strangers(count: int, **extra: Any) -> list[dict[str, Any]]:
    """Identities with resumes of their own: the store a line's rarity is measured in."""
    return [
        _app(
            f"stranger-{n}",
            100 + n,
            resume_text=f"built the reporting pipeline number {n} for a regional retailer",
            name_key=f"stranger number{n}",
            **extra,
        )
        for n in range(count)
    ]


def test_a_resume_template_of_a_flagged_identity_ties_a_quiet_persona_to_it() -> None:
    """`resume-flagged` fires on a template of rare lines shared with an identity flagged on its
    own records (the operator's template), not on a phrase unflagged identities share too."""
    apps = [
        _app("flagged", 1, resume_text=f"{TEMPLATE}\n{COMMON}", name_key="ada lovelace"),
        _app("quiet", 2, resume_text=TEMPLATE, name_key="grace hopper"),
        _app("bystander", 3, resume_text=COMMON, name_key="plain person"),
        _app("other", 4, resume_text=COMMON, name_key="another person"),
        *_strangers(1000),
    ]
    facts = Facts.make(
        applications=pl.DataFrame(apps),
        reports=pl.DataFrame(
            [
                _report("flagged", "confirmed_fraud", "high"),
                _report("flagged", "confirmed_fraud", "high", company="c-2"),
            ]
        ),
    )
    result = assess(facts, RULESET)
    fired = result.contributions.filter(pl.col("indicator") == "resume-flagged")
    assert set(fired.get_column("identity_id")) == {"quiet"}
    quiet = result.identities.filter(pl.col("identity_id") == "quiet").row(0, named=True)
    assert quiet["probability"] < LIKELY  # a template alone does not decide
    without = assess(facts, _without("resume-flagged")).identities
    before = without.filter(pl.col("identity_id") == "quiet").row(0, named=True)
    assert quiet["probability"] > before["probability"]


def _reuse_fired(apps: list[dict[str, Any]]) -> set[str]:
    result = assess(Facts.make(applications=pl.DataFrame(apps)), RULESET)
    fired = result.contributions.filter(pl.col("indicator") == "resume-reuse")
    return set(fired.get_column("identity_id"))


def test_common_phrasing_strangers_share_is_not_resume_reuse() -> None:
    # Three phrases, each in the resumes of sixty people: common, however many are shared.
    phrases = [
        COMMON,
        "detail-oriented professional with a passion for clean maintainable code",
        "proven track record of delivering projects on time and within budget",
    ]
    apps = [
        _app(f"p-{n}", n, resume_text="\n".join(phrases), name_key=f"person number{n}")
        for n in range(60)
    ]
    assert _reuse_fired([*apps, *_strangers(1000)]) == set()


def test_one_person_under_a_nickname_is_not_resume_reuse() -> None:
    apps = [
        _app("i-1", 1, resume_text=TEMPLATE, name_key="anthony king"),
        _app("i-2", 2, resume_text=TEMPLATE, name_key="king tony"),
        *_strangers(1000),
    ]
    assert _reuse_fired(apps) == set()
    apps[1] = _app("i-2", 2, resume_text=TEMPLATE, name_key="maria gonzalez")
    assert _reuse_fired(apps) == {"i-1", "i-2"}


def test_a_line_tailored_to_one_job_of_many_is_not_the_template() -> None:
    # Two job-board applicants, each tailoring a title line to every job: they share titles
    # now and then, never a resume.
    titles = [f"senior data platform engineer for team {n} of the company" for n in range(8)]
    apps = [
        _app(who, 10 * k + n, resume_text=f"own career line of {who} written by {who}\n{title}",
             name_key=f"{who} applicant")
        for k, who in enumerate(("alice", "bruno"))
        for n, title in enumerate(titles)
    ]  # fmt: skip
    assert _reuse_fired([*apps, *_strangers(1000)]) == set()


@pytest.mark.parametrize("case", _IN_ONE_NETWORK)
def test_a_value_shared_outside_a_network_is_no_evidence(case: str) -> None:
    # A mail-forwarding building, an employer-of-record's account, a household's connection:
    # shared with people the network stage found nothing else in common with.
    facts = _facts("i-1", case)
    alone = replace(
        facts,
        applications=facts.applications.with_columns(pl.lit(None, pl.String).alias("network_id")),
    )
    result = assess(alone, RULESET)
    assert result.contributions.filter(pl.col("identity_id") == "i-1").height == 0


def test_applications_in_the_evening_are_no_evidence() -> None:
    # 01:00 UTC: 20:00 in New York, 09:00 in UTC+8: an applicant after dinner, not at night.
    apps = [
        _app("i-1", n, applied_at=datetime(2024, 3, n, 1, tzinfo=UTC), local_hour=20.0)
        for n in range(1, 6)
    ]
    result = assess(Facts.make(applications=pl.DataFrame(apps)), RULESET)
    assert result.contributions.height == 0


def test_a_borrowed_identity_weighs_on_the_borrower_never_on_the_person() -> None:
    """Of two identities split as a borrowed identity, the one whose own records weigh more
    carries it; the other (perhaps the real person) does not, whatever it holds."""
    apps = [_app("persona", n) for n in range(1, 3)] + [_app("person", n) for n in (5, 6)]
    egress = [_egress("persona", n, kind="vpn", provider="NordVPN") for n in (1, 2)]
    facts = Facts.make(
        applications=pl.DataFrame(apps),
        egress=pl.DataFrame(egress),
        reports=pl.DataFrame([_report("persona", "confirmed_fraud", "high")]),
        borrowed=pl.DataFrame({"a": ["person"], "b": ["persona"]}),
    )
    result = assess(facts, RULESET)
    fired = result.contributions.filter(pl.col("indicator") == "borrowed-identity")
    assert fired.get_column("identity_id").to_list() == ["persona"]
    person = result.identities.filter(pl.col("identity_id") == "person").row(0, named=True)
    assert person["probability"] < 0.05
    # Sides that weigh alike: neither is said to borrow the other.
    even = replace(facts, reports=Facts.make().reports, egress=Facts.make().egress)
    assert (
        assess(even, RULESET)
        .contributions.filter(pl.col("indicator") == "borrowed-identity")
        .is_empty()
    )


def test_homes_claimed_equally_often_name_the_first_alphabetically_as_usual() -> None:
    # Evidence is the same on every run: of equals, the pick is fixed, not polars' order.
    for order in (["US", "IN"], ["IN", "US"]):
        apps = [_app("i-1", n, claimed_country=country) for n, country in enumerate(order)]
        facts = Facts.make(applications=pl.DataFrame(apps))
        for _ in range(20):
            fired = run_detector(DETECTORS["claimed_country_varies"], facts, {})
            assert fired.get_column("values").to_list() == [["IN and US"]]


def test_resume_evidence_names_the_same_lines_and_application_on_every_run() -> None:
    # Six lines each held by the two identities alone: all equally rare. The evidence shows
    # three, the first alphabetically, and the earliest application presenting them, in
    # whatever order the store gave the applications.
    lines = [f"line {c} of a template no stranger writes, with words of its own" for c in "fedcba"]
    template = "\n".join(lines)
    apps = [
        _app("a", 2, resume_text=template, name_key="ada lovelace"),
        _app("a", 1, resume_text=template, name_key="ada lovelace"),
        _app("b", 3, resume_text=template, name_key="grace hopper"),
        *_strangers(1000),
    ]
    shown = [line[:60] for line in sorted(lines)[:3]]
    for order in (apps, apps[::-1], apps[1:] + apps[:1]):
        facts = Facts.make(applications=pl.DataFrame(order))
        fired = run_detector(DETECTORS["resume_reuse"], facts, {}).sort("identity_id")
        assert fired.get_column("identity_id").to_list() == ["a", "b"]
        values = fired.get_column("values").to_list()[0]
        assert [value for value in values if not value.startswith("with ")] == shown
        assert fired.get_column("sources").to_list()[0] == ["application:c-1/a-a-1"]


def test_facts_with_other_applications_are_assessed_anew() -> None:
    # The shared resume lines are made once for a Facts (resume-reuse and resume-flagged both
    # read them); a Facts made from it with other applications must not see the old ones.
    apps = [
        _app("i-1", 1, resume_text=TEMPLATE, name_key="ada lovelace"),
        _app("i-2", 2, resume_text=TEMPLATE, name_key="grace hopper"),
        *_strangers(1000),
    ]
    facts = Facts.make(applications=pl.DataFrame(apps))
    assert _fired(facts, "resume-reuse") == {"i-1", "i-2"}
    apps[1] = _app("i-2", 2, resume_text="a resume of its own, nothing like the other one at all")
    other = replace(facts, applications=Facts.make(applications=pl.DataFrame(apps)).applications)
    assert _fired(other, "resume-reuse") == set()
    assert _fired(facts, "resume-reuse") == {"i-1", "i-2"}


def _fired(facts: Facts, indicator: str) -> set[str]:
    fired = assess(facts, RULESET).contributions.filter(pl.col("indicator") == indicator)
    return set(fired.get_column("identity_id"))
