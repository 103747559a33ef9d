"""What a demo world is made of: its size and every rate it is calibrated to.

The operation's figures at full scale follow Okta's 2025 report (see the seed article): about
130 identities, 6,500 initial interviews and 5,000 companies over 2021 to mid-2025, 73% of the
interviews at US companies, about half of the companies outside tech, AI-company interviews
rising from mid-2023. Rates of the legitimate population and its hard cases are our own
estimates of ordinary hiring data, stated here so that tests can hold the world to them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fauxhire.errors import ConfigError

PRESETS: dict[str, tuple[int, float]] = {
    # name: (legitimate applicants, scale of the operation)
    "small": (3_000, 0.15),
    "medium": (20_000, 0.5),
    "large": (200_000, 1.0),
}

HARD_CASE_RATES: dict[str, float] = {
    "agency": 0.03,
    "shared_address": 0.03,
    "shared_nat": 0.03,
    "common_name": 0.03,
    "vpn": 0.02,
    "night_owl": 0.03,
    "overseas_contractor": 0.03,
    "resume_template": 0.04,
    # Look-alikes of the scheme's tells (world/lookalikes.py). high_volume is lower than the
    # rest because each sends 20 to 150 applications: at 1% they send a fifth of them all.
    "high_volume": 0.01,
    "over_employed": 0.02,
    "mail_forwarder": 0.02,
    "eor_payroll": 0.02,
    "family": 0.02,
    "relocated": 0.02,
}
# How the operation works. ``stealth`` from 0 (as public reporting describes it) to 1: less
# Astrill and hosting, more residential proxies, fewer shared phones and resume templates,
# fewer applications a persona. ``borrowed_identities``: the share of personas presenting the
# name, home and LinkedIn of a real legitimate applicant (an identity_theft_victim).
OPERATION: dict[str, float] = {"stealth": 0.0, "borrowed_identities": 0.1}


Rate = Annotated[float, Field(ge=0, le=1)]


def _ordered(bounds: tuple[int, int]) -> tuple[int, int]:
    if bounds[0] > bounds[1]:
        raise ValueError("the low end is above the high end")
    return bounds


Range = Annotated[tuple[PositiveInt, PositiveInt], AfterValidator(_ordered)]


class WorldSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 1
    legitimate: int = Field(gt=0, description="legitimate applicants (people)")
    scale: float = Field(gt=0, le=1, description="the operation's size, 1 = full scale")
    start: AwareDatetime = datetime(2021, 1, 1, tzinfo=UTC)
    end: AwareDatetime = datetime(2025, 7, 1, tzinfo=UTC)

    # The operation at full scale.
    dprk_identities: PositiveInt = 130
    dprk_interviews: PositiveInt = 6_500
    dprk_companies: PositiveInt = 5_000
    dprk_us_share: Rate = 0.73  # of interviews
    dprk_non_tech_share: Rate = 0.5  # of companies
    dprk_interview_rate: Rate = 0.6  # applications that reach an interview
    dprk_hire_rate: Rate = 0.05  # interviews that end in a hire
    personas_per_worker: Range = (3, 7)
    workers_per_network: Range = (2, 4)
    ai_share_by_year: dict[int, Rate] = {2021: 0.04, 2022: 0.05, 2023: 0.12, 2024: 0.25,
                                          2025: 0.3}  # fmt: skip
    operation: dict[str, Rate] = dict(OPERATION)

    # Legitimate hiring.
    companies_per_applicant: Range = (1, 4)
    legit_interview_rate: Rate = 0.15
    legit_hire_rate: Rate = 0.12  # of interviews
    us_applicant_share: Rate = 0.75
    us_company_share: Rate = 0.62
    hard_case_rates: dict[str, Rate] = dict(HARD_CASE_RATES)
    wrong_reports: Rate = 0.01  # of legitimate hires reported wrongly
    cleared_reports: Rate = 0.3  # of wrong reports later cleared

    # Inputs: how companies hold their data.
    ats_weights: dict[str, NonNegativeFloat] = {"greenhouse": 0.2, "lever": 0.15, "canonical": 0.65}
    idp_weights: dict[str, NonNegativeFloat] = {"okta": 0.6, "entra": 0.4}
    zoom_share: Rate = 0.8  # companies whose meeting logs are in the folder

    @field_validator("hard_case_rates", "operation")
    @classmethod
    def _complete(cls, given: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        """Every entry there is, the unnamed ones at their defaults; no unknown entry."""
        defaults = HARD_CASE_RATES if info.field_name == "hard_case_rates" else OPERATION
        unknown = sorted(set(given) - set(defaults))
        if unknown:
            raise ValueError(f"unknown entries {unknown}; use {', '.join(defaults)}")
        return {**defaults, **given}

    @model_validator(mode="after")
    def _period(self) -> WorldSpec:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self

    @property
    def companies(self) -> int:
        """Enough companies that the operation's interviews land on about 5,000 of them."""
        return max(200, round(7_800 * self.scale), self.legitimate // 150)

    @property
    def identities(self) -> int:
        return max(4, round(self.dprk_identities * self.scale))


def spec_for(size: str | int, seed: int = 1, overrides: Sequence[str] = ()) -> WorldSpec:
    """The spec of a named size or of SIZE legitimate applicants (the operation at full scale
    from 100,000 applicants, smaller below), with ``overrides`` applied (see ``with_overrides``)."""
    if isinstance(size, str) and size.isdigit():
        size = int(size)
    if isinstance(size, int):
        if size < 100:
            raise ConfigError(f"--size {size}: a world needs at least 100 applicants")
        spec = WorldSpec(seed=seed, legitimate=size, scale=min(1.0, max(0.15, size / 100_000)))
    elif size in PRESETS:
        legitimate, scale = PRESETS[size]
        spec = WorldSpec(seed=seed, legitimate=legitimate, scale=scale)
    else:
        names = ", ".join(PRESETS)
        raise ConfigError(f"--size {size!r}: use one of {names} or a number of applicants")
    return with_overrides(spec, overrides)


# Dict settings whose entries --set may add, not only change: a year of the AI share.
_OPEN_DICTS = frozenset({"ai_share_by_year"})


def with_overrides(spec: WorldSpec, pairs: Sequence[str]) -> WorldSpec:
    """``spec`` with each ``KEY=VALUE`` of ``--set`` applied, validated as the spec's own fields.

    KEY is a field (``dprk_hire_rate``) or one entry of a dict field (``hard_case_rates.vpn``);
    a tuple's VALUE is comma-separated (``personas_per_worker=2,5``). A later pair for the same
    KEY wins. An unknown KEY or a bad VALUE is a ``ConfigError`` naming the option and why.
    """
    if not pairs:
        return spec
    merged = spec.model_dump()
    given: dict[str, str] = {}  # KEY: the option that set it, for error messages
    for pair in pairs:
        given[_apply(merged, pair)] = pair
    try:
        return WorldSpec(**merged)
    except ValidationError as exc:
        raise _invalid(exc, given) from None


def _apply(merged: dict[str, Any], pair: str) -> str:
    """Put one ``KEY=VALUE`` into ``merged`` (the spec's fields, unvalidated); return KEY."""
    key, eq, value = pair.partition("=")
    field, dot, entry = key.strip().partition(".")
    if not eq or not field:
        raise ConfigError(f"--set {pair}: expected KEY=VALUE", option=pair)
    if field not in merged:
        raise ConfigError(f"--set {pair}: {_unknown(field, merged)}", option=pair)
    current = merged[field]
    if isinstance(current, dict):
        if not dot:
            raise ConfigError(
                f"--set {pair}: {field} is a table; set one entry as {field}.KEY=VALUE",
                option=pair,
            )
        known = {str(k): k for k in current}
        if entry not in known and field not in _OPEN_DICTS:
            raise ConfigError(f"--set {pair}: {_unknown(entry, known, field)}", option=pair)
        merged[field] = {**current, known.get(entry, entry): value}
        return f"{field}.{entry}"
    if dot:
        raise ConfigError(f"--set {pair}: {field} has no entries", option=pair)
    merged[field] = (
        tuple(v.strip() for v in value.split(",")) if isinstance(current, tuple) else value
    )
    return field


def _invalid(exc: ValidationError, given: dict[str, str]) -> ConfigError:
    """Every problem pydantic found, each with the options that caused it (all of them for a
    problem between fields, such as start after end)."""
    reasons, blamed = [], set()
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        hits = {p for k, p in given.items() if where == k or where.startswith(f"{k}.")}
        blamed |= hits or set(given.values())
        reasons.append(f"{where}: {error['msg']}" if where else error["msg"])
    options = [p for p in given.values() if p in blamed]  # in the order given
    named = " ".join(f"--set {p}" for p in options)
    return ConfigError(f"{named}: {'; '.join(reasons)}", option=options, reason=reasons)


def _unknown(name: str, known: Any, within: str = "") -> str:
    what = f"no {within} entry {name!r}" if within else f"no setting {name!r}"
    close = difflib.get_close_matches(name, list(known), n=1)
    if close:
        return f"{what}; did you mean {close[0]!r}?"
    return f"{what}; use one of {', '.join(known)}"


def overrides_of(spec: WorldSpec) -> dict[str, Any]:
    """The settings of ``spec`` that depart from the calibrated defaults, named as ``--set``
    names them. Seed and size (``legitimate``, ``scale``) choose the world, not its calibration,
    and are left out."""
    chosen = {"seed": spec.seed, "legitimate": spec.legitimate, "scale": spec.scale}
    default = WorldSpec(**chosen).model_dump(mode="json")
    departed: dict[str, Any] = {}
    for name, value in spec.model_dump(mode="json").items():
        if isinstance(value, dict):
            departed.update(
                (f"{name}.{k}", v) for k, v in value.items() if default[name].get(k) != v
            )
        elif value != default[name]:
            departed[name] = value
    return departed
