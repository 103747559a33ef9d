"""Behavioural detectors: how an identity applies, across companies and over time."""

from __future__ import annotations

import math

import polars as pl
from pydantic import Field

from fauxhire.assess.detectors._base import Entry, Params, share_of_records
from fauxhire.assess.facts import Facts, fired
from fauxhire.domain.resumes import distinct_template_lines

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
    margin_nats: float = Field(
        0.0, ge=0, description="rarity above chance among the store's pairs at which it fires"
    )
    full_margin_nats: float = Field(
        6.9, gt=0, description="rarity above chance for full strength (ln 1000)"
    )
    max_holders: int = Field(100, ge=2, description="a line more identities hold is phrasing")


def shared_templates(facts: Facts, params: ResumeParams) -> pl.DataFrame:
    """identity_id, peer, nats, lines, sources, chance: for each pair of identities under names
    that share no word, the resume lines both present and how rare they are together, where
    they are rarer together than chance (``chance``; ``template_strength`` reads no other pair,
    as ``margin_nats`` is never negative). A line held by ``n`` of the ``N`` identities with a
    resume carries ln(N/n) nats: two strangers share a common phrase or two (a few nats each),
    a template with the name swapped many rare lines. Lines giving contact details or dated
    history are no template (``template_lines``), nor lines in fewer than half of an identity's
    resumes; names sharing a word are one person's nickname, typo or word order, not another's.
    ``lines`` are the rarest first (then in alphabetical order), each with the earliest
    application of the identity's that presents it in ``sources``. Made once for the facts
    (``Facts.derived``): it depends on nothing else of ``params`` than ``max_holders``."""
    return facts.derived(
        ("shared_templates", params.max_holders),
        lambda: _shared_templates(facts, params.max_holders),
    )


def _shared_templates(facts: Facts, max_holders: int) -> pl.DataFrame:
    apps = (
        facts.applications.drop_nulls("resume_text")
        .select("identity_id", "source", "applied_at", "resume_text")
        # Numbered by time: a line names its earliest application, whatever the read order.
        .sort("applied_at", "source", nulls_last=True)
        .with_row_index("row")
        .with_columns(pl.len().over("identity_id").alias("_resumes"))
    )
    # The lines an identity presents: those in at least half of its resumes. A line tailored to
    # one job of fifty (the title applied for) is drift, not the template.
    lines = (
        distinct_template_lines(apps.get_column("resume_text"), _MIN_LINE)
        .join(apps.select("row", "identity_id", "_resumes"), on="row")
        .group_by("identity_id", "line")
        .agg(pl.len().alias("_n"), pl.col("row").min(), pl.col("_resumes").first())
        .filter(2 * pl.col("_n") >= pl.col("_resumes"))
    )
    population = lines.get_column("identity_id").n_unique()
    rare = lines.with_columns(pl.len().over("line").alias("_holders")).filter(
        pl.col("_holders").is_between(2, max_holders)
    )
    rare = rare.with_columns((population / pl.col("_holders")).log().alias("_nats"))
    pairs = (
        rare.select("identity_id", "line", "row", "_nats")
        .join(rare.select("line", pl.col("identity_id").alias("peer")), on="line")
        .filter(pl.col("identity_id") != pl.col("peer"))
    )
    # Chance: of the N(N-1)/2 pairs of identities with a resume, the rarest sharing one of
    # them would show by luck alone.
    chance = math.log(max(1.0, population * (population - 1) / 2))
    # A pair's rarity first, as numbers: the strangers' pairs sharing a phrase or two are
    # millions, the pairs above chance a few hundred, and only theirs need lines and names. Summed
    # rarest first: a sum of floats depends on its order, and this is the order it always had.
    totals = (
        pairs.select("identity_id", "peer", "_nats")
        .sort("_nats", descending=True)
        .group_by("identity_id", "peer")
        .agg(pl.col("_nats").sum().alias("nats"))
        .filter(pl.col("nats") >= chance)
    )
    words = name_words(facts.applications)
    namesakes = (
        totals.select("identity_id", "peer")
        .join(words, on="identity_id")
        .join(words.rename({"identity_id": "peer"}), on=["peer", "word"])
        .select("identity_id", "peer")
        .unique()
    )
    found = totals.join(namesakes, on=["identity_id", "peer"], how="anti")
    shared = (
        pairs.join(found.select("identity_id", "peer"), on=["identity_id", "peer"], how="semi")
        .join(apps.select("row", "source"), on="row")
        .sort(["_nats", "line"], descending=[True, False])
        .group_by("identity_id", "peer")
        .agg(pl.col("line").alias("lines"), pl.col("source").alias("sources"))
    )
    return found.join(shared, on=["identity_id", "peer"]).with_columns(
        pl.lit(chance).alias("chance")
    )


def name_words(applications: pl.DataFrame) -> pl.DataFrame:
    """identity_id, word: the words (two letters or more) of the names an identity presented.
    Compared for equality only."""
    return (
        applications.drop_nulls("name_key")
        .select("identity_id", pl.col("name_key").str.split(" ").alias("word"))
        .explode("word")
        .filter(pl.col("word").str.len_chars() >= 2)
        .unique()
    )


def template_strength(pairs: pl.DataFrame, params: ResumeParams) -> pl.DataFrame:
    """Per identity, its strongest pair of ``shared_templates``, where the lines are rarer
    together than chance would give any one pair of the store (``margin_nats`` above it), at
    full strength ``full_margin_nats`` above it: strength, the lines shared (with whom) and
    their sources."""
    best = (
        pairs.filter(pl.col("nats") >= pl.col("chance") + params.margin_nats)
        .sort(["nats", "peer"], descending=[True, False])
        .group_by("identity_id", maintain_order=True)
        .first()
    )
    return fired(
        best.select(
            "identity_id",
            (pl.col("nats") / (pl.col("chance") + params.full_margin_nats)).alias("strength"),
            pl.col("lines")
            .list.head(3)
            .list.eval(pl.element().str.slice(0, 60))
            .list.concat(
                pl.concat_list(
                    "with "
                    + pl.col("peer")
                    + " ("
                    + pl.col("nats").round(0).cast(pl.Int64).cast(pl.String)
                    + " nats, chance "
                    + pl.col("chance").round(0).cast(pl.Int64).cast(pl.String)
                    + ")"
                )
            )
            .alias("values"),
            "sources",
        )
    )


def resume_reuse(facts: Facts, params: ResumeParams) -> pl.DataFrame:
    """Rare resume lines presented by an identity under a name that shares no word with its
    own: a template with the name swapped (``shared_templates``). Fires when the lines it
    shares with one other identity are rarer together than chance would give any pair of the
    store: a line held by n of N carries ln(N/n) nats, and N identities make N(N-1)/2 pairs."""
    return template_strength(shared_templates(facts, params), params)


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
        # Ties by name: the sort keeps no order among equals, so the country named usual, and
        # the evidence's values and sources, differed from run to run.
        .sort(["_n", "claimed_country"], descending=[True, False])
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
        (
            "applications.source",
            "applications.applied_at",
            "applications.resume_text",
            "applications.name_key",
        ),
        store_wide=True,
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
