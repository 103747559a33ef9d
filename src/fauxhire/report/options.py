"""What a user may ask of a campaign report: the window, the level, the filters, anonymity."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Self

import pycountry
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.domain.sectors import TECH_DEFAULT
from fauxhire.errors import ConfigError

DEFAULT_TITLE = "Fraudulent remote job applicants: campaign report"
_SECTOR = re.compile(r"^(\d{2,6}|31-33|44-45|48-49)$")
_NAICS_PREFIX = re.compile(r"^\d{2,6}$")


class ReportOptions(BaseModel):
    """A report's scope. Every figure describes the identities assessed ``min_level`` or
    higher, counting their applications inside the window at companies the filters admit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date | None = None  # first day of the window (applied_at, UTC), inclusive
    end: date | None = None  # last day, inclusive
    min_level: str = "likely"
    sectors: tuple[str, ...] = ()  # NAICS sector keys or code prefixes; empty: every sector
    countries: tuple[str, ...] = ()  # company headquarters, ISO 3166-1 alpha-2; empty: all
    tech: tuple[str, ...] = TECH_DEFAULT  # NAICS prefixes that count as tech
    anonymise: bool = False  # no company or person names: a report that leaves the building
    title: str = DEFAULT_TITLE

    @field_validator("min_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value not in ESTIMATIVE_TERMS:
            raise ValueError(f"{value!r} is not one of {', '.join(ESTIMATIVE_TERMS)}")
        return value

    @field_validator("sectors")
    @classmethod
    def _sector_keys(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not _SECTOR.match(value):
                raise ValueError(
                    f"{value!r} is not a NAICS sector or code prefix (2 to 6 digits, or 31-33, "
                    "44-45, 48-49)"
                )
        return tuple(dict.fromkeys(values))

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        codes = tuple(dict.fromkeys(value.strip().upper() for value in values))
        for code in codes:
            if pycountry.countries.get(alpha_2=code) is None:
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        return codes

    @field_validator("tech")
    @classmethod
    def _tech_prefixes(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if not values:
            raise ValueError("name at least one NAICS prefix that counts as tech")
        for value in values:
            if not _NAICS_PREFIX.match(value):
                raise ValueError(f"{value!r} is not a NAICS code prefix (2 to 6 digits)")
        return tuple(dict.fromkeys(values))

    @model_validator(mode="after")
    def _window_in_order(self) -> Self:
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"the window starts ({self.start}) after it ends ({self.end})")
        return self

    def levels(self) -> tuple[str, ...]:
        """The estimative terms the report covers: ``min_level`` and every higher one."""
        return ESTIMATIVE_TERMS[ESTIMATIVE_TERMS.index(self.min_level) :]

    def admits_sector(self, sector: str, naics: str) -> bool:
        """Whether a company of this sector and code is inside the sector filter."""
        return not self.sectors or any(s == sector or naics.startswith(s) for s in self.sectors)


def report_options(**given: Any) -> ReportOptions:
    """The options, or one ConfigError naming every bad one and why."""
    try:
        return ReportOptions(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'options'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise ConfigError(f"bad report options: {problems}") from None
