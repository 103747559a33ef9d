"""`fauxhire demo --set KEY=VALUE`: a world with settings the assessment was not tuned on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fauxhire.errors import ConfigError
from fauxhire_lab.world.spec import (
    HARD_CASE_RATES,
    OPERATION,
    WorldSpec,
    overrides_of,
    spec_for,
    with_overrides,
)

BASE = WorldSpec(legitimate=1_000, scale=0.2)


def test_overrides_apply_and_leave_the_rest_alone() -> None:
    spec = with_overrides(BASE, ["dprk_hire_rate=0.1", "legit_interview_rate=0.3"])
    assert (spec.dprk_hire_rate, spec.legit_interview_rate) == (0.1, 0.3)
    assert spec.model_copy(update={"dprk_hire_rate": 0.05, "legit_interview_rate": 0.15}) == BASE


def test_a_dict_entry_changes_only_that_entry() -> None:
    spec = with_overrides(BASE, ["hard_case_rates.vpn=0.05", "ai_share_by_year.2024=0.5"])
    assert spec.hard_case_rates == {**HARD_CASE_RATES, "vpn": 0.05}
    assert spec.ai_share_by_year[2024] == 0.5
    assert len(spec.ai_share_by_year) == len(BASE.ai_share_by_year)


def test_a_year_of_the_ai_share_may_be_added() -> None:
    spec = with_overrides(BASE, ["end=2026-07-01T00:00:00Z", "ai_share_by_year.2026=0.4"])
    assert spec.ai_share_by_year[2026] == 0.4
    assert spec.end.year == 2026


def test_a_tuple_is_comma_separated_and_the_later_pair_wins() -> None:
    spec = with_overrides(BASE, ["personas_per_worker=1,2", "personas_per_worker=2, 5"])
    assert spec.personas_per_worker == (2, 5)


def test_spec_for_applies_overrides_to_the_size() -> None:
    spec = spec_for("small", 3, ["dprk_hire_rate=0.2"])
    assert (spec.legitimate, spec.seed, spec.dprk_hire_rate) == (3_000, 3, 0.2)
    assert spec_for("small") == spec_for("small", 1, [])


@pytest.mark.parametrize(
    ("pair", "reason"),
    [
        ("dprk_hire=0.1", "no setting 'dprk_hire'; did you mean 'dprk_hire_rate'?"),
        ("hard_case_rates.vpm=0.1", "no hard_case_rates entry 'vpm'; did you mean 'vpn'?"),
        ("hard_case_rates.astrill=0.1", "no hard_case_rates entry 'astrill'; use one of agency"),
        ("hard_case_rates=0.1", "hard_case_rates is a table; set one entry as"),
        ("seed.x=1", "seed has no entries"),
        ("dprk_hire_rate", "expected KEY=VALUE"),
        ("dprk_hire_rate=often", "dprk_hire_rate: Input should be a valid number"),
        ("dprk_hire_rate=1.5", "dprk_hire_rate: Input should be less than or equal to 1"),
        ("hard_case_rates.vpn=-0.1", "hard_case_rates.vpn: Input should be greater than"),
        ("personas_per_worker=5,2", "the low end is above the high end"),
        ("personas_per_worker=0,2", "personas_per_worker.0: Input should be greater than 0"),
        ("start=2021-01-01", "start: Input should have timezone info"),
        ("operation.stelth=1", "no operation entry 'stelth'; did you mean 'stealth'?"),
        ("operation.borowed_identities=1", "did you mean 'borrowed_identities'?"),
        ("operation.stealth=2", "operation.stealth: Input should be less than or equal to 1"),
        ("operation=1", "operation is a table; set one entry as"),
    ],
)
def test_a_bad_override_names_the_option_and_why(pair: str, reason: str) -> None:
    with pytest.raises(ConfigError) as caught:
        with_overrides(BASE, ["legit_hire_rate=0.2", pair])
    assert caught.value.message.startswith(f"--set {pair}: ")
    assert reason in caught.value.message
    assert "legit_hire_rate" not in caught.value.message  # the good option is not blamed


def test_a_problem_between_settings_names_every_option() -> None:
    with pytest.raises(ConfigError) as caught:
        with_overrides(BASE, ["legit_hire_rate=0.2", "start=2030-01-01T00:00:00Z"])
    assert caught.value.message == (
        "--set legit_hire_rate=0.2 --set start=2030-01-01T00:00:00Z: "
        "Value error, start must be before end"
    )


def test_every_bad_value_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        with_overrides(BASE, ["zoom_share=x", "legit_hire_rate=y"])
    message = caught.value.message
    assert message.startswith("--set zoom_share=x --set legit_hire_rate=y: ")
    assert "zoom_share: Input should be a valid number" in message
    assert "legit_hire_rate: Input should be a valid number" in message


def test_the_overrides_of_a_spec_are_its_departures_from_the_calibration() -> None:
    assert overrides_of(BASE) == {}
    assert overrides_of(spec_for("medium", 9)) == {}  # size and seed are not calibration
    spec = with_overrides(
        BASE, ["dprk_hire_rate=0.2", "hard_case_rates.vpn=0.1", "personas_per_worker=2,5"]
    )
    assert overrides_of(spec) == {
        "dprk_hire_rate": 0.2,
        "personas_per_worker": [2, 5],
        "hard_case_rates.vpn": 0.1,
    }
    # Setting a value to its default departs from nothing.
    assert overrides_of(with_overrides(BASE, ["dprk_hire_rate=0.05"])) == {}


def test_every_lookalike_and_the_operation_have_a_knob() -> None:
    kinds = ("high_volume", "over_employed", "mail_forwarder", "eor_payroll", "family",
             "relocated")  # fmt: skip
    assert all(0 < BASE.hard_case_rates[kind] <= 0.05 for kind in kinds)  # a few per cent
    assert BASE.operation == {"stealth": 0.0, "borrowed_identities": 0.1}
    spec = with_overrides(
        BASE, [*(f"hard_case_rates.{kind}=0" for kind in kinds), "operation.stealth=1"]
    )
    assert all(spec.hard_case_rates[kind] == 0 for kind in kinds)
    assert spec.operation == {"stealth": 1.0, "borrowed_identities": 0.1}
    assert overrides_of(spec) == {
        **{f"hard_case_rates.{kind}": 0.0 for kind in kinds},
        "operation.stealth": 1.0,
    }


def test_a_spec_given_some_entries_has_the_rest_at_their_defaults() -> None:
    spec = WorldSpec(legitimate=100, scale=0.2, hard_case_rates={"vpn": 0.5},
                     operation={"stealth": 1})  # fmt: skip
    assert spec.hard_case_rates == {**HARD_CASE_RATES, "vpn": 0.5}
    assert spec.operation == {**OPERATION, "stealth": 1.0}
    with pytest.raises(ValidationError, match="unknown entries"):
        WorldSpec(legitimate=100, scale=0.2, operation={"careful": 1})
