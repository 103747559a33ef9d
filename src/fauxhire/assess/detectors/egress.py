"""Technical detectors on egress: the networks an identity connects through (their kind, their
provider, the country they egress in) and addresses shared across identities.

Each is a fact about networks, classed by ``fauxhire.enrich.ipintel``; none about the person's
origin.
"""

from __future__ import annotations

import polars as pl
from pydantic import Field

from fauxhire.assess.detectors._base import Entry, Params, in_networks, share_of_records
from fauxhire.assess.facts import Facts, fired
from fauxhire.enrich.ipintel import HIDING, SHARED_BY_DESIGN

_EGRESS = ("egress.source", "egress.kind")


class KindParams(Params):
    kinds: list[str] = Field(default_factory=lambda: list(HIDING), min_length=1)
    min_records: int = Field(1, ge=1)
    min_share: float = Field(0.2, gt=0, le=1)
    full_share: float = Field(0.6, gt=0, le=1)


def egress_kind(facts: Facts, params: KindParams) -> pl.DataFrame:
    """Meetings and sign-ins whose IP is of one of ``kinds`` (vpn, proxy, tor, hosting), by IP
    intelligence (ipintel.csv, then the reference data fauxhire ships). Strength: the share of
    the identity's meetings and sign-ins through them, full at ``full_share``."""
    return share_of_records(
        facts.egress,
        pl.col("kind").is_in(params.kinds),
        pl.coalesce(pl.col("provider"), pl.col("kind")),
        min_records=params.min_records,
        min_share=params.min_share,
        full_share=params.full_share,
    )


class ProviderParams(Params):
    providers: list[str] = Field(min_length=1)
    min_records: int = Field(1, ge=1)
    min_share: float = Field(0.2, gt=0, le=1)
    full_share: float = Field(0.6, gt=0, le=1)


def egress_provider(facts: Facts, params: ProviderParams) -> pl.DataFrame:
    """Meetings and sign-ins through a named anonymiser (``providers``, matched without case).
    Strength: the share of the identity's meetings and sign-ins through it."""
    wanted = [provider.lower() for provider in params.providers]
    return share_of_records(
        facts.egress,
        pl.col("provider").str.to_lowercase().is_in(wanted),
        pl.col("provider"),
        min_records=params.min_records,
        min_share=params.min_share,
        full_share=params.full_share,
    )


class CountryParams(Params):
    ignore_kinds: list[str] = Field(default_factory=lambda: list(HIDING))
    min_records: int = Field(2, ge=1)
    min_share: float = Field(0.3, gt=0, le=1)
    full_share: float = Field(0.8, gt=0, le=1)


def egress_country(facts: Facts, params: CountryParams) -> pl.DataFrame:
    """Meetings and sign-ins egressing in another country than the one the applications claim
    as home. Only records where both countries are known count, and not those through an
    anonymiser (``ignore_kinds``): a VPN's exit country is the VPN's choice, and that egress
    is weighed by anonymiser-egress already."""
    known = facts.egress.drop_nulls(["country", "claimed_country"]).filter(
        pl.col("kind").is_null() | ~pl.col("kind").is_in(params.ignore_kinds)
    )
    return share_of_records(
        known,
        pl.col("country") != pl.col("claimed_country"),
        pl.col("country") + " (claims " + pl.col("claimed_country") + ")",
        min_records=params.min_records,
        min_share=params.min_share,
        full_share=params.full_share,
    )


class SharedIpParams(Params):
    exclude_kinds: list[str] = Field(default_factory=lambda: list(SHARED_BY_DESIGN))
    window_days: int = Field(60, ge=1, description="identities on the IP within this time")
    min_identities: int = Field(2, ge=2)
    full_identities: int = Field(3, ge=2, description="identities for full strength")
    min_companies: int = Field(2, ge=2)


def shared_egress_ip(facts: Facts, params: SharedIpParams) -> pl.DataFrame:
    """One egress IP used by several identities of one network at different companies within
    ``window_days`` (a laptop farm's connection; a household's is shared too, by people the
    network stage finds nothing else in common with). Residential addresses are reassigned over
    the years, so only use close in time counts; strength grows with the identities on it,
    full at ``full_identities``. IPs of kinds many people share by design (VPN exits, mobile
    carriers, campus and office NAT: ``exclude_kinds``) are left out."""
    own = (
        facts.egress.drop_nulls(["ip", "at"])
        .filter(pl.col("kind").is_null() | ~pl.col("kind").is_in(params.exclude_kinds))
        .join(in_networks(facts.applications), on="identity_id")
    )
    days = pl.col("at").dt.epoch("d")
    # Two bucketings half a window apart: any two uses within half a window share a bucket.
    buckets = pl.concat(
        [
            own.with_columns(
                (days // params.window_days).alias("_bucket"), pl.lit(0).alias("_shift")
            ),
            own.with_columns(
                ((days + params.window_days // 2) // params.window_days).alias("_bucket"),
                pl.lit(1).alias("_shift"),
            ),
        ]
    )
    spread = (
        buckets.group_by("ip", "network_id", "_shift", "_bucket")
        .agg(
            pl.col("identity_id").n_unique().alias("_identities"),
            pl.col("company_id").n_unique().alias("_companies"),
        )
        .filter(
            (pl.col("_identities") >= params.min_identities)
            & (pl.col("_companies") >= params.min_companies)
        )
        .group_by("ip", "network_id")
        .agg(pl.col("_identities").max())
    )
    span = max(1, params.full_identities - 1)
    per_identity = (
        own.join(spread, on=["ip", "network_id"])
        .group_by("identity_id")
        .agg(
            ((pl.col("_identities").max() - 1) / span).alias("strength"),
            (pl.col("ip") + " (" + pl.col("_identities").cast(pl.String) + " identities)").alias(
                "values"
            ),
            pl.col("source").alias("sources"),
        )
    )
    return fired(per_identity)


DETECTORS = {
    "egress_kind": Entry(KindParams, egress_kind, (*_EGRESS, "egress.provider")),
    "egress_provider": Entry(ProviderParams, egress_provider, ("egress.source", "egress.provider")),
    "egress_country": Entry(
        CountryParams, egress_country, (*_EGRESS, "egress.country", "egress.claimed_country")
    ),
    "shared_egress_ip": Entry(
        SharedIpParams,
        shared_egress_ip,
        (*_EGRESS, "egress.ip", "egress.at", "egress.company_id", "applications.network_id"),
    ),
}  # fmt: skip
