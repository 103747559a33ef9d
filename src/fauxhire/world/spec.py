"""What a demo world is made of: its size and every rate it is calibrated to.

The operation's figures at full scale follow Okta's 2025 report (see the seed article): about
130 identities, 6,500 initial interviews and 5,000 companies over 2021 to mid-2025, 73% of the
interviews at US companies, about half of the companies outside tech, AI-company interviews
rising from mid-2023. Rates of the legitimate population and its hard cases are our own
estimates of ordinary hiring data, stated here so that tests can hold the world to them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

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
}


class WorldSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seed: int = 1
    legitimate: int = Field(gt=0, description="legitimate applicants (people)")
    scale: float = Field(gt=0, le=1, description="the operation's size, 1 = full scale")
    start: datetime = datetime(2021, 1, 1, tzinfo=UTC)
    end: datetime = datetime(2025, 7, 1, tzinfo=UTC)

    # The operation at full scale.
    dprk_identities: int = 130
    dprk_interviews: int = 6_500
    dprk_companies: int = 5_000
    dprk_us_share: float = 0.73  # of interviews
    dprk_non_tech_share: float = 0.5  # of companies
    dprk_interview_rate: float = 0.6  # applications that reach an interview
    dprk_hire_rate: float = 0.05  # interviews that end in a hire
    personas_per_worker: tuple[int, int] = (3, 7)
    workers_per_network: tuple[int, int] = (2, 4)
    ai_share_by_year: dict[int, float] = {2021: 0.04, 2022: 0.05, 2023: 0.12, 2024: 0.25,
                                          2025: 0.3}  # fmt: skip

    # Legitimate hiring.
    companies_per_applicant: tuple[int, int] = (1, 4)
    legit_interview_rate: float = 0.15
    legit_hire_rate: float = 0.12  # of interviews
    us_applicant_share: float = 0.75
    us_company_share: float = 0.62
    hard_case_rates: dict[str, float] = dict(HARD_CASE_RATES)
    wrong_reports: float = 0.01  # of legitimate hires reported wrongly
    cleared_reports: float = 0.3  # of wrong reports later cleared

    # Inputs: how companies hold their data.
    ats_weights: dict[str, float] = {"greenhouse": 0.2, "lever": 0.15, "canonical": 0.65}
    idp_weights: dict[str, float] = {"okta": 0.6, "entra": 0.4}
    zoom_share: float = 0.8  # companies whose meeting logs are in the folder

    @property
    def companies(self) -> int:
        """Enough companies that the operation's interviews land on about 5,000 of them."""
        return max(200, round(7_800 * self.scale), self.legitimate // 150)

    @property
    def identities(self) -> int:
        return max(4, round(self.dprk_identities * self.scale))


def spec_for(size: str | int, seed: int = 1) -> WorldSpec:
    """The spec of a named size or of SIZE legitimate applicants (the operation at full scale
    from 100,000 applicants, smaller below)."""
    if isinstance(size, str) and size.isdigit():
        size = int(size)
    if isinstance(size, int):
        if size < 100:
            raise ConfigError(f"--size {size}: a world needs at least 100 applicants")
        return WorldSpec(seed=seed, legitimate=size, scale=min(1.0, max(0.15, size / 100_000)))
    if size not in PRESETS:
        names = ", ".join(PRESETS)
        raise ConfigError(f"--size {size!r}: use one of {names} or a number of applicants")
    legitimate, scale = PRESETS[size]
    return WorldSpec(seed=seed, legitimate=legitimate, scale=scale)
