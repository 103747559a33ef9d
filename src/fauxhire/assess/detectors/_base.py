"""What every detector module shares: its table entry and the share-of-records pattern."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict

from fauxhire.assess.facts import fired


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


@dataclass(frozen=True, slots=True)
class Entry:
    """A detector, as its module's ``DETECTORS`` table names it."""

    params: type[BaseModel]
    run: Callable[..., pl.DataFrame]  # (facts, params) or, for context, (facts, params, own)
    reads: tuple[str, ...]  # the facts columns it reads: the fairness test checks them
    against: bool = False  # evidence against (a clearance): its weight is <= 0
    stage: Literal["own", "context"] = "own"  # context: also given the others' evidence
    decisive: bool = False  # a person's finding: rules check makes it outweigh all the rest
    # It compares an identity with every other of the store (resume lines against every
    # resume), so a few identities' facts cannot run it: a screen carries its last result.
    store_wide: bool = False
    # Part of what it reads is the whole store's (whom an identity referred: free text no
    # index holds): a screen runs it, and carries its last result where the run finds none.
    store_wide_part: bool = False

    @property
    def describe(self) -> str:
        return (self.run.__doc__ or "").strip()


def share_of_records(
    frame: pl.DataFrame,
    hit: pl.Expr,
    value: pl.Expr,
    *,
    min_records: int,
    min_share: float,
    full_share: float,
    counted: pl.Expr | None = None,
) -> pl.DataFrame:
    """Fire on identities where ``hit`` holds for at least ``min_records`` of their records and
    at least ``min_share`` of them; full strength at ``full_share`` of them. ``counted``: what
    each hit counts for in the strength (1 unless given)."""
    weight = pl.lit(1.0) if counted is None else counted.cast(pl.Float64)
    per_identity = (
        frame.with_columns(hit.fill_null(False).alias("_hit"), weight.alias("_counted"))
        .group_by("identity_id")
        .agg(
            pl.len().alias("_total"),
            pl.col("_hit").sum().alias("_hits"),
            pl.col("_counted").filter(pl.col("_hit")).sum().alias("_weighed"),
            value.filter(pl.col("_hit")).drop_nulls().alias("values"),
            pl.col("source").filter(pl.col("_hit")).alias("sources"),
        )
        .with_columns((pl.col("_hits") / pl.col("_total")).alias("_share"))
        .filter((pl.col("_hits") >= min_records) & (pl.col("_share") >= min_share))
        .with_columns((pl.col("_weighed") / pl.col("_total") / full_share).alias("strength"))
    )
    return fired(per_identity)


def shared_across_identities(
    frame: pl.DataFrame,
    column: str,
    networks: pl.DataFrame,
    *,
    min_identities: int,
    min_companies: int,
) -> pl.DataFrame:
    """Fire on identities holding a ``column`` value that at least ``min_identities``
    identities of their own network, at ``min_companies`` companies, hold: the value and how
    many share it. ``networks``: identity_id, network_id. Holders in no network, or in another,
    do not count: a value shared by design (a mail-forwarding building, an employer-of-record's
    pooled account, a household's connection) ties people who share nothing else, and only the
    network stage's corroboration tells a farm's from it."""
    held = (
        frame.drop_nulls(column)
        .filter(pl.col(column) != "")
        .join(in_networks(networks), on="identity_id")
    )
    spread = held.group_by(column, "network_id").agg(
        pl.col("identity_id").n_unique().alias("_identities"),
        pl.col("company_id").n_unique().alias("_companies"),
    )
    shared = spread.filter(
        (pl.col("_identities") >= min_identities) & (pl.col("_companies") >= min_companies)
    )
    hits = held.join(shared, on=[column, "network_id"])
    per_identity = hits.group_by("identity_id").agg(
        (pl.col(column) + " (" + pl.col("_identities").cast(pl.String) + " identities)").alias(
            "values"
        ),
        pl.col("source").alias("sources"),
        pl.lit(1.0).alias("strength"),
    )
    return fired(per_identity)


def in_networks(applications: pl.DataFrame) -> pl.DataFrame:
    """identity_id, network_id of the identities in a network."""
    return applications.select("identity_id", "network_id").drop_nulls("network_id").unique()
