"""Technical detectors: the devices an identity works on, the accounts it is paid by, where its
equipment goes, and when it works; egress.py has the networks it connects through.

Each is a fact about networks, devices, addresses and accounts; none about the person's origin.
"""

from __future__ import annotations

import re

import polars as pl
from pydantic import Field

from fauxhire.assess.detectors._base import (
    Entry,
    NoParams,
    Params,
    share_of_records,
    shared_across_identities,
)
from fauxhire.assess.facts import Facts, fired
from fauxhire.enrich.ipintel import HIDING


class SharedParams(Params):
    min_identities: int = Field(2, ge=2)
    min_companies: int = Field(2, ge=1)


def shared_shipping(facts: Facts, params: SharedParams) -> pl.DataFrame:
    """A shipping address for company equipment shared by hires of different identities of
    one network at different companies (a mail forwarder's building is shared too, by people
    the network stage finds nothing else in common with)."""
    return shared_across_identities(
        facts.hires,
        "shipping_key",
        facts.applications,
        min_identities=params.min_identities,
        min_companies=params.min_companies,
    )


def shared_payout(facts: Facts, params: SharedParams) -> pl.DataFrame:
    """A payout account (the employer's keyed fingerprint) shared by hires of different
    identities of one network (an employer-of-record pays many unrelated contractors from one
    account)."""
    return shared_across_identities(
        facts.hires,
        "payout_account",
        facts.applications,
        min_identities=params.min_identities,
        min_companies=params.min_companies,
    )


class ShippingParams(Params):
    household: int = Field(
        6, ge=1, description="identities outside a hire's network that may ship to one building"
    )
    receiving_share: float = Field(
        0.5, gt=0, le=1, description="what a hire shipped to a mail-receiving building counts for"
    )


def shipping_not_home(facts: Facts, params: ShippingParams) -> pl.DataFrame:
    """Equipment shipped to an address that none of the identity's applications gives as home.
    Identities with no home address on record are not judged. A hire shipped to a building
    that more identities than a household ship to, none of them of its network, counts for
    ``receiving_share``: a mail-receiving service, whose customers (travellers, the relocated,
    people between homes) ship there by design. A farm's address is one network's."""
    homes = facts.contacts.filter(pl.col("kind") == "address").select(
        "identity_id", pl.col("key").alias("shipping_key"), pl.lit(True).alias("_home")
    )
    with_home = facts.hires.drop_nulls("shipping_key").join(
        homes.select("identity_id").unique(), on="identity_id", how="semi"
    )
    checked = with_home.join(homes.unique(), on=["identity_id", "shipping_key"], how="left").join(
        _building_others(facts), on=["identity_id", "shipping_building"], how="left"
    )
    receiving = pl.col("_others").fill_null(0) > params.household
    value = (
        pl.when(receiving)
        .then(pl.format("{} (a building {} other identities ship to)", "shipping_key", "_others"))
        .otherwise(pl.col("shipping_key"))
    )
    return share_of_records(
        checked,
        pl.col("_home").is_null(),
        value,
        min_records=1,
        min_share=0.01,
        full_share=1.0,
        counted=pl.when(receiving).then(params.receiving_share).otherwise(1.0),
    )


def _building_others(facts: Facts) -> pl.DataFrame:
    """identity_id, shipping_building, _others: how many identities outside the identity's
    network (and other than it) ship to each building its hires ship to. Counted, not
    paired: a building of thousands costs its holders, not their square."""
    held = facts.buildings.drop_nulls("building").unique(["building", "identity_id"])
    total = held.group_by("building").agg(pl.len().alias("_total"))
    mates = (
        held.drop_nulls("network_id")
        .group_by("building", "network_id")
        .agg(pl.len().alias("_mates"))
    )
    own = (
        facts.hires.select("identity_id", pl.col("shipping_building").alias("building"))
        .drop_nulls()
        .unique()
        .join(held.select("identity_id", "network_id").unique("identity_id"), on="identity_id")
    )
    return (
        own.join(total, on="building")
        .join(mates, on=["building", "network_id"], how="left")
        .select(
            "identity_id",
            pl.col("building").alias("shipping_building"),
            (pl.col("_total") - pl.col("_mates").fill_null(1)).alias("_others"),
        )
    )


def legal_name_differs(facts: Facts, params: NoParams) -> pl.DataFrame:
    """A hire's legal name on the payroll shares no word with the name the applications gave:
    paid in another name. Compared for equality of words only."""
    hires = facts.hires.drop_nulls(["legal_name_key", "name_key"])
    words = hires.with_columns(
        pl.col("legal_name_key").str.split(" ").alias("_legal"),
        pl.col("name_key").str.split(" ").alias("_applied"),
    ).with_columns(
        (pl.col("_legal").list.set_intersection("_applied").list.len() == 0).alias("_other")
    )
    return share_of_records(
        words,
        pl.col("_other"),
        pl.col("legal_name_key"),
        min_records=1,
        min_share=0.01,
        full_share=1.0,
    )


class CameraParams(Params):
    patterns: list[str] = Field(min_length=1)
    min_share: float = Field(0.01, gt=0, le=1)
    full_share: float = Field(0.5, gt=0, le=1)


def virtual_camera(facts: Facts, params: CameraParams) -> pl.DataFrame:
    """Interview meetings joined with a virtual camera (software that feeds any video as the
    camera: ``patterns``, matched without case)."""
    pattern = "(?i)" + "|".join(re.escape(p) for p in params.patterns)
    return share_of_records(
        facts.meetings,
        pl.col("camera").str.contains(pattern),
        pl.col("camera"),
        min_records=1,
        min_share=params.min_share,
        full_share=params.full_share,
    )


class RiskParams(Params):
    levels: list[str] = Field(default_factory=lambda: ["medium", "high"])
    ignore_kinds: list[str] = Field(default_factory=lambda: list(HIDING))
    min_share: float = Field(0.2, gt=0, le=1)
    full_share: float = Field(0.6, gt=0, le=1)


def idp_risk(facts: Facts, params: RiskParams) -> pl.DataFrame:
    """Sign-ins the identity provider itself rated risky (risk level in ``levels``), flagged as
    through a proxy, or gave risk reasons for (anonymised IP, anomalous location). Sign-ins
    whose egress IP intelligence already knows as an anonymiser (``ignore_kinds``) are left
    out: their risk is that same egress, weighed by anonymiser-egress."""
    reasons = pl.col("risk_reasons").fill_null("[]")
    risky = (
        pl.col("risk_level").str.to_lowercase().is_in(params.levels)
        | pl.col("is_proxy").fill_null(False)
        | ~reasons.is_in(["[]", ""])
    )
    value = (
        pl.when(reasons.is_in(["[]", ""]))
        .then("risk " + pl.col("risk_level").fill_null("?"))
        .otherwise(reasons.str.replace_all(r'[\[\]"]', ""))
    )
    anonymised = facts.egress.filter(pl.col("kind").is_in(params.ignore_kinds)).select("source")
    return share_of_records(
        facts.signins.join(anonymised, on="source", how="anti"),
        risky,
        value,
        min_records=1,
        min_share=params.min_share,
        full_share=params.full_share,
    )


class HoursParams(Params):
    offsets: list[float] = Field(default_factory=lambda: [8.0, 9.0])
    day_start: float = Field(8.0, ge=0, lt=24)
    day_end: float = Field(19.0, gt=0, le=24)
    min_records: int = Field(4, ge=1)
    min_share: float = Field(0.5, gt=0, le=1)
    full_share: float = Field(0.8, gt=0, le=1)


def _daytime(hour: pl.Expr, params: HoursParams) -> pl.Expr:
    return (hour >= params.day_start) & (hour < params.day_end)


def _hours_abroad(
    frame: pl.DataFrame, time: str, local_night: pl.Expr, params: HoursParams
) -> pl.DataFrame:
    """``share_of_records`` of the records at ``local_night`` in the claimed zone that fall in
    the working day of one of ``offsets``; records with no claimed zone are not judged."""
    utc = pl.col(time).dt.hour() + pl.col(time).dt.minute() / 60
    abroad = pl.any_horizontal([_daytime((utc + o) % 24, params) for o in params.offsets])
    return share_of_records(
        frame.drop_nulls(["local_hour", time]),
        local_night & abroad,
        pl.col("local_hour").floor().cast(pl.Int32).cast(pl.String) + ":00 local",
        min_records=params.min_records,
        min_share=params.min_share,
        full_share=params.full_share,
    )


def activity_hours(facts: Facts, params: HoursParams) -> pl.DataFrame:
    """Sign-ins at night in the claimed home's time zone that fall in the working day of
    UTC+8/+9 (``offsets``). Sign-ins whose claimed zone is unknown are not judged."""
    night = ~_daytime(pl.col("local_hour"), params)
    return _hours_abroad(facts.signins, "observed_at", night, params)


class ApplicationHoursParams(HoursParams):
    night_end: float = Field(6.0, gt=0, le=12, description="local night: midnight to this hour")
    min_records: int = Field(3, ge=1)
    min_share: float = Field(0.4, gt=0, le=1)


def application_hours(facts: Facts, params: ApplicationHoursParams) -> pl.DataFrame:
    """Applications made in the small hours where the identity claims to live (midnight to
    ``night_end``) that fall in the working day of UTC+8/+9 (``offsets``). People apply in the
    evening and at weekends; at four in the morning, day after day, rarely. Applications whose
    claimed zone is unknown are not judged."""
    night = pl.col("local_hour") < params.night_end
    return _hours_abroad(facts.applications, "applied_at", night, params)


class PartnerParams(Params):
    stale_factor: float = Field(0.25, ge=0, le=1)
    shared_egress_factor: float = Field(0.25, ge=0, le=1)


def partner_match(facts: Facts, params: PartnerParams) -> pl.DataFrame:
    """A match against partner intelligence (a STIX indicator's keyed-hash e-mail, phone or
    IP). Strength: the indicator's confidence, reduced for an expired indicator and for an IP
    that many people share by design (campus, office, VPN)."""
    partner = facts.partner.with_columns(
        (
            pl.col("confidence").fill_null(50.0)
            / 100
            * pl.when(pl.col("stale")).then(params.stale_factor).otherwise(1.0)
            * pl.when(pl.col("shared_egress")).then(params.shared_egress_factor).otherwise(1.0)
        ).alias("_strength")
    )
    per_identity = partner.group_by("identity_id").agg(
        pl.col("_strength").max().alias("strength"),
        pl.col("matched").alias("values"),
        pl.col("source").alias("sources"),
    )
    return fired(per_identity)


_EGRESS = ("egress.source", "egress.kind")
DETECTORS = {
    "shared_shipping": Entry(
        SharedParams,
        shared_shipping,
        ("hires.source", "hires.company_id", "hires.shipping_key", "applications.network_id"),
    ),
    "shared_payout": Entry(
        SharedParams,
        shared_payout,
        ("hires.source", "hires.company_id", "hires.payout_account", "applications.network_id"),
    ),
    "shipping_not_home": Entry(
        ShippingParams,
        shipping_not_home,
        (
            "hires.source", "hires.shipping_key", "hires.shipping_building", "contacts.kind",
            "contacts.key", "buildings.building", "buildings.identity_id", "buildings.network_id",
        ),
    ),
    "legal_name_differs": Entry(
        NoParams, legal_name_differs, ("hires.source", "hires.legal_name_key", "hires.name_key")
    ),
    "virtual_camera": Entry(CameraParams, virtual_camera, ("meetings.source", "meetings.camera")),
    "idp_risk": Entry(
        RiskParams,
        idp_risk,
        ("signins.source", "signins.risk_level", "signins.risk_reasons", "signins.is_proxy",
         *_EGRESS),
    ),
    "activity_hours": Entry(
        HoursParams,
        activity_hours,
        ("signins.source", "signins.observed_at", "signins.local_hour"),
    ),
    "application_hours": Entry(
        ApplicationHoursParams,
        application_hours,
        ("applications.source", "applications.applied_at", "applications.local_hour"),
    ),
    "partner_match": Entry(
        PartnerParams,
        partner_match,
        ("partner.source", "partner.matched", "partner.confidence", "partner.stale",
         "partner.shared_egress"),
    ),
}  # fmt: skip
