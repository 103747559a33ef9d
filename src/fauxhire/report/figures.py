"""The campaign report's figures (docs/formats.md sections 11 and 12), computed from columns.

Pure: frames and options in, the ``report.json`` dict out; the store is read elsewhere. The
frames hold only the reported identities' applications (thousands, even in a store of
millions), so every figure is a group-by over them.

Definitions, as docs/formats.md section 12 states them:
- an application is *in scope* when its ``applied_at`` falls in the window and its company
  passes the sector and country filters; ``identities`` counts the reported identities with an
  application in scope, with or without an interview;
- an *interview* is an application that reached an interview (the ATS stage or date, or a
  meeting joined to it), dated by its ``applied_at``; half-years follow that date;
- *companies* are those where a reported identity had an interview in scope;
- the *country* of an interview is its company's headquarters; its *sector* the company's
  NAICS sector; shares are fractions between 0 and 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

import polars as pl

from fauxhire.domain.roles import role_category
from fauxhire.domain.sectors import naics_sector
from fauxhire.report.options import ReportOptions

UNKNOWN: Final = "unknown"  # a company missing from the directory, or one with no NAICS code
TOP_COUNTRIES: Final = 10
TOP_COMPANIES: Final = 20
NAMES_SHOWN: Final = 3  # names an identity used, most used first

APPLICATIONS: Final = {
    "identity_id": pl.String,
    "company_id": pl.String,
    "applied_on": pl.Date,  # the UTC date of applied_at
    "interview": pl.Boolean,
    "job_title": pl.String,
    "name": pl.String,  # as applied; personal data, shown only in a report that is not anonymised
}
COMPANIES: Final = {
    "company_id": pl.String,
    "company_name": pl.String,
    "country": pl.String,
    "naics": pl.String,
    "ai": pl.Boolean,
}
IDENTITIES: Final = {
    "identity_id": pl.String,
    "network_id": pl.String,
    "probability": pl.Float64,
    "level": pl.String,
    "indicators": pl.List(pl.String),  # the strongest evidence for, strongest first
}
NETWORKS: Final = {"network_id": pl.String, "probability": pl.Float64, "level": pl.String}


@dataclass(frozen=True, slots=True)
class ReportData:
    """What the report is computed from: the applications of the identities assessed at the
    options' level or higher (all of them, before the window and filters), every company of
    the directory, those identities' assessments, and the networks' assessments."""

    applications: pl.DataFrame
    companies: pl.DataFrame
    identities: pl.DataFrame
    networks: pl.DataFrame
    ruleset: dict[str, str | None]  # version, hash
    # Each indicator's title in the ruleset ("Egress IP shared across companies"), so the
    # strongest evidence reads in words; an id without one is shown as the id.
    indicator_titles: Mapping[str, str] = field(default_factory=dict)


def campaign_figures(
    data: ReportData, options: ReportOptions, *, generated_at: datetime
) -> dict[str, Any]:
    """Every figure of the report, as ``report.json`` holds it."""
    apps = _in_scope(_with_companies(data.applications, data.companies, options), options)
    interviews = apps.filter(pl.col("interview"))
    reported = data.identities.join(apps.select("identity_id").unique(), on="identity_id")
    period = _period(apps, options)
    companies = interviews.unique("company_id")
    counts = {
        "identities": reported.height,
        "interviews": interviews.height,
        "companies": companies.height,
        "applications": apps.height,
        "networks": reported.get_column("network_id").drop_nulls().n_unique(),
        "networked_identities": reported.get_column("network_id").is_not_null().sum(),
        # The number of legitimate people among the reported, if the probabilities hold.
        # Summed in one order: a float sum in the rows' order moved in its last bit between runs.
        "expected_legitimate": float((1 - reported.get_column("probability")).sort().sum()),
    }
    halves = _half_years(period)
    identity_list = _identity_list(apps, reported, options)
    return {
        "about": _about(data, options, generated_at),
        "period": {"start": _iso(period[0]), "end": _iso(period[1])},
        **counts,
        "interviews_by_country": _counts(interviews, "country"),
        "companies_by_country": _counts(companies, "country"),
        "top_non_us_countries": _top_non_us(interviews),
        "us_share": {
            "interviews": _share(interviews, pl.col("country") == "US"),
            "companies": _share(companies, pl.col("country") == "US"),
        },
        "non_tech_share": {
            "companies": _share(companies.filter(_known_sector()), ~pl.col("tech")),
            "interviews": _share(interviews.filter(_known_sector()), ~pl.col("tech")),
        },
        "interviews_by_sector": _counts(interviews, "sector", by_key=True),
        "companies_by_sector": _counts(companies, "sector", by_key=True),
        "tech_interviews_by_sector": _counts(
            interviews.filter(pl.col("tech")), "sector", by_key=True
        ),
        "interviews_by_half_year": _by_half_year(interviews, halves),
        "ai_interviews_by_half_year": _by_half_year(interviews.filter(pl.col("ai")), halves),
        "roles_by_sector": _roles_by_sector(interviews),
        "identities_by_level": _by_level(reported, options),
        "identity_list": identity_list,
        "indicator_titles": _titles(identity_list, data.indicator_titles),
        "network_list": _network_list(apps, reported, data.networks),
        "top_companies": _top_companies(interviews, options),
        "coverage": {
            "interviews_without_company": interviews.filter(pl.col("in_directory").not_()).height,
            "interviews_without_sector": interviews.filter(~_known_sector()).height,
        },
    }


def _with_companies(
    apps: pl.DataFrame, companies: pl.DataFrame, options: ReportOptions
) -> pl.DataFrame:
    """Each application with its company's country, sector, tech and AI flags, and role."""
    naics = companies.get_column("naics").to_list()
    sectors = [naics_sector(code) if code else UNKNOWN for code in naics]
    admitted = [
        options.admits_sector(sector, code or "")
        for sector, code in zip(sectors, naics, strict=True)
    ]
    directory = companies.with_columns(
        pl.Series("sector", sectors, dtype=pl.String),
        pl.Series("sector_admitted", admitted, dtype=pl.Boolean),
        pl.any_horizontal(
            pl.col("naics").fill_null("").str.starts_with(prefix) for prefix in options.tech
        ).alias("tech"),
        pl.lit(True).alias("in_directory"),
    )
    titles = apps.get_column("job_title").unique().drop_nulls()
    roles = pl.DataFrame(
        {"job_title": titles, "role": [role_category(t) for t in titles.to_list()]},
        schema={"job_title": pl.String, "role": pl.String},
    )
    return (
        apps.join(directory, on="company_id", how="left")
        .join(roles, on="job_title", how="left")
        .with_columns(
            pl.col("country").fill_null(UNKNOWN),
            pl.col("sector").fill_null(UNKNOWN),
            pl.col("tech").fill_null(False),
            pl.col("ai").fill_null(False),
            pl.col("in_directory").fill_null(False),
            pl.col("sector_admitted").fill_null(not options.sectors),
            pl.col("role").fill_null("other"),
            _half_year(pl.col("applied_on")).alias("half_year"),
        )
    )


def _in_scope(apps: pl.DataFrame, options: ReportOptions) -> pl.DataFrame:
    keep = pl.col("sector_admitted")
    if options.start is not None:
        keep &= pl.col("applied_on") >= options.start
    if options.end is not None:
        keep &= pl.col("applied_on") <= options.end
    if options.countries:
        keep &= pl.col("country").is_in(list(options.countries))
    return apps.filter(keep)


def _known_sector() -> pl.Expr:
    return pl.col("sector") != UNKNOWN


def _half_year(day: pl.Expr) -> pl.Expr:
    half = pl.when(day.dt.month() <= 6).then(pl.lit("-H1")).otherwise(pl.lit("-H2"))
    return day.dt.year().cast(pl.String) + half


def _period(apps: pl.DataFrame, options: ReportOptions) -> tuple[date | None, date | None]:
    """The window asked for; where a bound is not given, the span of the data in scope."""
    days = apps.get_column("applied_on")
    start = options.start or (days.min() if apps.height else None)
    end = options.end or (days.max() if apps.height else None)
    return start, end  # type: ignore[return-value]


def _half_years(period: tuple[date | None, date | None]) -> list[str]:
    """Every half-year the period touches, so a half-year with no interviews shows as 0."""
    start, end = period
    if start is None or end is None:
        return []
    first, last = (start.year, (start.month - 1) // 6), (end.year, (end.month - 1) // 6)
    halves, at = [], first
    while at <= last:
        halves.append(f"{at[0]}-H{at[1] + 1}")
        at = (at[0] + at[1], 1 - at[1])
    return halves


def _by_half_year(interviews: pl.DataFrame, halves: list[str]) -> dict[str, int]:
    counted = dict(interviews.group_by("half_year").len().iter_rows())
    # An interview outside the period's half-years cannot happen (the window bounds both),
    # but a half-year the counts hold is never dropped.
    return {half: counted.get(half, 0) for half in sorted({*halves, *counted})}


def _counts(frame: pl.DataFrame, column: str, *, by_key: bool = False) -> dict[str, int]:
    """How many rows hold each value: the largest first (ties by value), or by value."""
    counted = frame.group_by(column).len().sort(["len", column], descending=[True, False])
    if by_key:
        counted = counted.sort(column)
    return dict(counted.iter_rows())


def _share(frame: pl.DataFrame, condition: pl.Expr) -> float:
    """The fraction of rows meeting ``condition``; 0 of none."""
    if not frame.height:
        return 0.0
    return float(frame.select(condition.mean()).item())


def _top_non_us(interviews: pl.DataFrame) -> list[dict[str, Any]]:
    non_us = interviews.filter(pl.col("country").is_in(["US", UNKNOWN]).not_())
    top = (
        non_us.group_by("country")
        .agg(pl.len().alias("interviews"), pl.col("company_id").n_unique().alias("companies"))
        .sort(["interviews", "country"], descending=[True, False])
        .head(TOP_COUNTRIES)
    )
    total = interviews.height
    return [
        {**row, "share_of_interviews": row["interviews"] / total if total else 0.0}
        for row in top.iter_rows(named=True)
    ]


def _roles_by_sector(interviews: pl.DataFrame) -> dict[str, dict[str, int]]:
    counted = interviews.group_by("sector", "role").len().sort("sector", "role")
    roles: dict[str, dict[str, int]] = {}
    for sector, role, count in counted.iter_rows():
        roles.setdefault(sector, {})[role] = count
    return roles


def _by_level(reported: pl.DataFrame, options: ReportOptions) -> dict[str, int]:
    counted = dict(reported.group_by("level").len().iter_rows())
    return {level: counted.get(level, 0) for level in options.levels()}


def _identity_list(
    apps: pl.DataFrame, reported: pl.DataFrame, options: ReportOptions
) -> list[dict[str, Any]]:
    """Every reported identity with what it did in scope, the strongest first."""
    per_identity = apps.group_by("identity_id").agg(
        pl.len().alias("applications"),
        pl.col("interview").sum().alias("interviews"),
        pl.col("company_id").filter(pl.col("interview")).n_unique().alias("companies"),
        pl.col("applied_on").min().dt.to_string("%Y-%m-%d").alias("first_seen"),
        pl.col("applied_on").max().dt.to_string("%Y-%m-%d").alias("last_seen"),
    )
    # The names each used most, the most used first; ties by name, the same on every backend.
    names = (
        apps.drop_nulls("name")
        .group_by("identity_id", "name")
        .len()
        .sort(["identity_id", "len", "name"], descending=[False, True, False])
        .group_by("identity_id", maintain_order=True)
        .agg(pl.col("name").head(NAMES_SHOWN).alias("names"))
    )
    empty = pl.lit([], pl.List(pl.String))
    return (
        reported.join(per_identity, on="identity_id")
        .join(names, on="identity_id", how="left")
        .sort(["probability", "interviews", "identity_id"], descending=[True, True, False])
        .select(
            "identity_id", "network_id", "probability", "level", "applications", "interviews",
            "companies", "first_seen", "last_seen", pl.col("indicators").fill_null(empty),
            *(() if options.anonymise else (pl.col("names").fill_null(empty),)),
        )
        .to_dicts()
    )  # fmt: skip


def _titles(identity_list: list[dict[str, Any]], titles: Mapping[str, str]) -> dict[str, str]:
    """The title of every indicator the identity list names, by id."""
    named = {indicator for row in identity_list for indicator in row["indicators"]}
    return {indicator: titles.get(indicator, indicator) for indicator in sorted(named)}


def _network_list(
    apps: pl.DataFrame, reported: pl.DataFrame, networks: pl.DataFrame
) -> list[dict[str, Any]]:
    """The networks the reported identities belong to, the largest first."""
    members = reported.filter(pl.col("network_id").is_not_null()).select(
        "identity_id", "network_id"
    )
    rows = (
        apps.join(members, on="identity_id")
        .group_by("network_id")
        .agg(
            pl.col("identity_id").n_unique().alias("identities"),
            pl.col("interview").sum().alias("interviews"),
            pl.col("company_id").filter(pl.col("interview")).n_unique().alias("companies"),
        )
        .join(networks, on="network_id", how="left")
        .sort(["identities", "interviews", "network_id"], descending=[True, True, False])
    )
    return list(rows.iter_rows(named=True))


def _top_companies(interviews: pl.DataFrame, options: ReportOptions) -> list[dict[str, Any]]:
    """The companies with the most interviews of reported identities."""
    top = (
        interviews.group_by("company_id", "company_name", "country", "sector", "ai")
        .agg(
            pl.len().alias("interviews"),
            pl.col("identity_id").n_unique().alias("identities"),
        )
        .sort(["interviews", "company_id"], descending=[True, False])
        .head(TOP_COMPANIES)
    )
    hidden = ("company_id", "company_name") if options.anonymise else ()
    return [
        {key: value for key, value in row.items() if key not in hidden}
        for row in top.iter_rows(named=True)
    ]


def _about(data: ReportData, options: ReportOptions, generated_at: datetime) -> dict[str, Any]:
    """What the report is and how it was made: enough to reproduce it."""
    return {
        "title": options.title,
        "generated_at": generated_at.isoformat(),
        "ruleset": data.ruleset,
        "min_level": options.min_level,
        "levels": list(options.levels()),
        "window": {"start": _iso(options.start), "end": _iso(options.end)},
        "sectors": list(options.sectors),
        "countries": list(options.countries),
        "tech": list(options.tech),
        "anonymised": options.anonymise,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
