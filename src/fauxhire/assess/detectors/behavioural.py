"""Behavioural detectors: how an identity applies, across companies and over time."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from fauxhire.assess.detectors._base import Entry, Params, share_of_records
from fauxhire.assess.facts import Facts, fired
from fauxhire.domain.resumes import DATED_LINE, resume_lines

# Lines shorter than this are headings and fragments every resume has.
_MIN_LINE = 25


class VolumeParams(Params):
    low: int = Field(8, ge=2, description="companies at which it starts to fire")
    high: int = Field(30, ge=3, description="companies at which it is at full strength")


def application_volume(facts: Facts, params: VolumeParams) -> pl.DataFrame:
    """Applications to many companies: fires from ``low`` distinct companies, full at
    ``high``. Staffing agencies submit many people, not one person many times: their
    submissions are separate identities."""
    span = max(1, params.high - params.low + 1)
    per_identity = (
        facts.applications.group_by("identity_id")
        .agg(
            pl.col("company_id").n_unique().alias("_companies"),
            pl.col("source").alias("sources"),
        )
        .filter(pl.col("_companies") >= params.low)
        .with_columns(
            ((pl.col("_companies") - params.low + 1) / span).alias("strength"),
            pl.concat_list(pl.col("_companies").cast(pl.String) + " companies").alias("values"),
        )
    )
    return fired(per_identity)


class ResumeParams(Params):
    max_identities: int = Field(25, ge=2, description="a line more share is boilerplate")
    full_lines: int = Field(2, ge=1, description="shared lines for full strength")


def distinctive_lines(facts: Facts, params: ResumeParams) -> pl.DataFrame:
    """identity_id, source, line: each resume line an identity presented that identities of
    other names present too. Lines shared by more than ``max_identities`` identities are
    boilerplate; dated history lines and the name line are left out."""
    apps = facts.applications.drop_nulls("resume_text").select(
        "identity_id", "name_key", "source", "resume_text"
    )
    lines = (
        apps.with_columns(resume_lines(pl.col("resume_text"), _MIN_LINE).alias("line"))
        .drop("resume_text")
        .explode("line")
        .drop_nulls("line")
        .filter(~pl.col("line").str.contains(DATED_LINE))
        .unique(["identity_id", "line"])
    )
    spread = lines.group_by("line").agg(
        pl.col("identity_id").n_unique().alias("_identities"),
        pl.col("name_key").n_unique().alias("_names"),
    )
    shared = spread.filter(
        (pl.col("_identities") >= 2)
        & (pl.col("_identities") <= params.max_identities)
        & (pl.col("_names") >= 2)
    )
    return lines.join(shared.select("line"), on="line").select("identity_id", "source", "line")


def resume_reuse(facts: Facts, params: ResumeParams) -> pl.DataFrame:
    """The same distinctive resume lines presented by identities under other names: a template
    with the name swapped (``distinctive_lines``)."""
    per_identity = (
        distinctive_lines(facts, params)
        .group_by("identity_id")
        .agg(
            pl.len().alias("_lines"),
            pl.col("line").str.slice(0, 60).alias("values"),
            pl.col("source").alias("sources"),
        )
        .with_columns((pl.col("_lines") / params.full_lines).alias("strength"))
    )
    return fired(per_identity)


class SwitchParams(Params):
    kinds: list[str] = Field(default_factory=lambda: ["email", "phone"])
    min_each: int = Field(2, ge=1, description="applications under the old and the new detail")


def contact_switch(facts: Facts, params: SwitchParams) -> pl.DataFrame:
    """Contact details replaced part-way: an e-mail or phone used for a run of applications and
    then never again, a new one used only after it (each at least ``min_each`` times)."""
    per_value = (
        facts.contacts.filter(pl.col("kind").is_in(params.kinds))
        .group_by("identity_id", "kind", "key")
        .agg(
            pl.col("applied_at").min().alias("_first"),
            pl.col("applied_at").max().alias("_last"),
            pl.len().alias("_uses"),
            pl.col("source").alias("_apps"),
        )
        .filter(pl.col("_uses") >= params.min_each)
    )
    switched = (
        per_value.group_by("identity_id", "kind")
        .agg(
            pl.col("_last").min().alias("_earliest_end"),
            pl.col("_first").max().alias("_latest_start"),
            pl.col("key").sort_by("_first").alias("_keys"),
            pl.col("_apps").list.explode(keep_nulls=False, empty_as_null=False).alias("_sources"),
        )
        .filter(pl.col("_earliest_end") < pl.col("_latest_start"))
    )
    per_identity = switched.group_by("identity_id").agg(
        pl.concat_str(pl.col("kind"), pl.lit(": "), pl.col("_keys").list.join(" -> ")).alias(
            "values"
        ),
        pl.col("_sources").list.explode(keep_nulls=False, empty_as_null=False).alias("sources"),
        pl.lit(1.0).alias("strength"),
    )
    return fired(per_identity)


class LocationParams(Params):
    min_share: float = Field(0.2, gt=0, le=1)


def claimed_country_varies(facts: Facts, params: LocationParams) -> pl.DataFrame:
    """Applications of one identity claiming homes in different countries (the minority
    country in at least ``min_share`` of them)."""
    known = facts.applications.drop_nulls("claimed_country")
    majority = (
        known.group_by("identity_id", "claimed_country")
        .agg(pl.len().alias("_n"))
        .sort("_n", descending=True)
        .group_by("identity_id")
        .agg(pl.col("claimed_country").first().alias("_usual"))
    )
    return share_of_records(
        known.join(majority, on="identity_id"),
        pl.col("claimed_country") != pl.col("_usual"),
        pl.col("_usual") + " and " + pl.col("claimed_country"),
        min_records=1,
        min_share=params.min_share,
        full_share=0.5,
    )


DETECTORS = {
    "application_volume": Entry(
        VolumeParams, application_volume, ("applications.source", "applications.company_id")
    ),
    "resume_reuse": Entry(
        ResumeParams,
        resume_reuse,
        ("applications.source", "applications.resume_text", "applications.name_key"),
    ),
    "contact_switch": Entry(
        SwitchParams,
        contact_switch,
        ("contacts.source", "contacts.kind", "contacts.key", "contacts.applied_at"),
    ),
    "claimed_country_varies": Entry(
        LocationParams,
        claimed_country_varies,
        ("applications.source", "applications.claimed_country"),
    ),
}
