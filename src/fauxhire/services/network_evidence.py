"""What the network stage is given: the infrastructure each identity was seen with.

In two steps, so that the first runs while identities resolve (``link_store``):
``sightings`` reads and classes what each application (``rec``) was seen with, which needs no
identity: the contact details it gave, the payout accounts and drop addresses of its hires, the
egress addresses and machine names of its meetings and sign-ins, its resume's template lines.
``network_evidence`` then gathers them by identity (``identity`` is an identity's cluster
number), with the referrals that name it, the names it presented and the homes it declares.
The engine groups identities from these (``Engine.group_networks``).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fauxhire.domain.normalise import name as name_normaliser
from fauxhire.domain.resumes import distinct_template_lines
from fauxhire.enrich import ipintel
from fauxhire.link.engine import NetworkEvidence
from fauxhire.ports import Judgement, LinkingInputs


@dataclass(frozen=True)
class Sightings:
    """What each application was seen with, before anyone knows whose it is."""

    seen: pl.DataFrame  # rec, kind, value: contact details, payouts, egress, machine names
    hires: pl.DataFrame  # rec, shipping_address_key: where each hire's equipment went
    resumes: pl.DataFrame  # rec: the applications that came with a resume
    resume_lines: pl.DataFrame  # rec, value: each resume's template lines, dated history out


def sightings(store: LinkingInputs, apps: pl.DataFrame, values: pl.DataFrame) -> Sightings:
    """What the store shows each application (``apps``, ``values``: as read for linking) was
    seen with. Reads only what linking has not read: hires, meetings, sign-ins, ranges."""
    by_app = apps.select("rec", "key", "company_id", "candidate_id")
    contact = values.filter(pl.col("kind").is_in(["phone", "email"])).select(
        "rec", "kind", pl.col("key").alias("value")
    )
    hires = store.linking_frame("hires").join(
        by_app.select("company_id", "candidate_id", "rec"), on=["company_id", "candidate_id"]
    )
    payout = hires.drop_nulls("payout_account").select(
        "rec",
        pl.lit("payout").alias("kind"),
        pl.col("payout_account").alias("value"),  # one account, whatever method it is paid by
    )
    meetings = store.linking_frame("meetings").join(
        by_app.select(pl.col("key").alias("app_key"), "rec"), on="app_key"
    )
    signins = store.linking_frame("signins").join(
        hires.select(pl.col("key").alias("hire_key"), "rec"), on="hire_key"
    )
    egress = _private_egress(meetings, signins, store.linking_frame("ip_ranges"))
    device = meetings.select(
        "rec", pl.lit("device").alias("kind"), pl.col("pc_name").alias("value")
    )
    seen = (
        pl.concat([contact, payout, egress, device])
        .drop_nulls("value")
        .filter(pl.col("value") != "")
        .unique()
    )
    texts = apps.drop_nulls("resume_text").select("rec", "resume_text")
    return Sightings(
        seen,
        hires.select("rec", "shipping_address_key"),
        texts.select("rec"),
        _template_lines(texts),
    )


def network_evidence(
    seen: Sightings, apps: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame
) -> NetworkEvidence:
    """What each identity (``identities``: rec, cluster) was seen with, its referrals, the
    names it presented and its homes. ``apps`` and ``values``: the store's applications and
    applicant values, as read for linking (resume texts no longer needed)."""
    observations = (
        pl.concat(
            [
                seen.seen,
                _shipping(seen.hires, values, identities),
                _resume(seen, identities),
            ]
        )
        .drop_nulls("value")
        .filter(pl.col("value") != "")
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), "kind", "value")
        .unique()
    )
    names = (
        apps.select("rec", pl.col("name_key").alias("name"))
        .drop_nulls("name")
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), "name")
        .unique()
    )
    homes = _homes(seen.hires, values, identities)
    return NetworkEvidence(observations, _referrals(apps, identities), names, homes)


def _shipping(hires: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame) -> pl.DataFrame:
    """(rec, kind, value) of the hires' drop shipping addresses."""
    homes = values.filter(pl.col("kind") == "address").select(
        "rec", pl.col("key").alias("shipping_address_key")
    )
    home_of_identity = homes.join(identities, on="rec").select("cluster", "shipping_address_key")
    # A drop address: not the identity's home. With no home on record (an ATS that keeps no
    # postal address), a laptop shipped to an address may well be shipped home: no evidence.
    return (
        hires.join(identities, on="rec")
        .drop_nulls("shipping_address_key")
        .join(home_of_identity.select("cluster").unique(), on="cluster", how="semi")
        .join(home_of_identity, on=["cluster", "shipping_address_key"], how="anti")
        .select(
            "rec", pl.lit("shipping").alias("kind"), pl.col("shipping_address_key").alias("value")
        )
    )


def _template_lines(texts: pl.DataFrame) -> pl.DataFrame:
    """rec, value: each resume's distinct template lines. A slice of resumes at a time: every
    resume of a million split into lines at once was the peak memory of linking them."""
    return (
        pl.concat(
            [
                distinct_template_lines(part.get_column("resume_text"))
                .join(part.select("rec").with_row_index("row"), on="row")
                .select("rec", pl.col("line").alias("value"))
                for part in texts.iter_slices(_SLICE)
            ],
            how="vertical",
        )
        if texts.height
        else pl.DataFrame(schema={"rec": pl.Int64, "value": pl.String})
    )


_SLICE = 125_000


def _resume(seen: Sightings, identities: pl.DataFrame) -> pl.DataFrame:
    """(rec, kind, value) of the resume lines an identity presents: those in at least half of
    its resumes (an added line in one of fifty is drift, not the template)."""
    # Every resume of the identity counts, those without a template line too.
    resumes = (
        seen.resumes.join(identities, on="rec")
        .group_by("cluster")
        .agg(pl.col("rec").n_unique().alias("resumes"))
    )
    lines = seen.resume_lines.join(identities, on="rec").join(resumes, on="cluster")
    held = pl.col("rec").n_unique().over("cluster", "value")
    return lines.filter(2 * held >= pl.col("resumes")).select(
        "rec", pl.lit("resume").alias("kind"), "value"
    )


def _homes(hires: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame) -> pl.DataFrame:
    """identity, value: the home addresses each identity declares; the addresses its
    equipment is shipped to that some identity declares as home (a family member whose
    application gave none still lives there); and, for an identity that declares no home at
    all (an ATS that keeps no postal address), where its equipment goes: as a drop address
    that is no evidence (``_shipping``), so as a home it is presumed to be. Two such
    identities shipping to one address are a household, as two declaring it would be: a
    couple with a joint account and one connection misrepresents nothing. A farm's personas
    claim homes elsewhere, and a building shared by more than a household is no home."""
    declared = (
        values.filter(pl.col("kind") == "address")
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), pl.col("key").alias("value"))
        .unique()
    )
    shipped = (
        hires.join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), pl.col("shipping_address_key").alias("value"))
        .drop_nulls("value")
    )
    to_declared = shipped.join(declared.select("value").unique(), on="value", how="semi")
    presumed = shipped.join(declared.select("identity").unique(), on="identity", how="anti")
    return pl.concat([declared, to_declared, presumed]).unique()


def _private_egress(
    meetings: pl.DataFrame, signins: pl.DataFrame, customer_ranges: pl.DataFrame
) -> pl.DataFrame:
    """(rec, kind, value) of the egress addresses that tie identities together: as
    ``egress_ip``, those not of a kind many people share by design (``ipintel.SHARED_BY_DESIGN``);
    as ``hidden_egress``, the exits of VPNs, proxies and hosts, named with their provider
    (``_hidden``). Classed by ``ipintel.classify`` on the ranges assessment uses too, so an
    address both read is one kind."""
    seen = pl.concat(
        [
            meetings.select("rec", pl.col("ip_address").alias("ip"),
                            pl.lit(None, pl.Int64).alias("asn"),
                            pl.lit(None, pl.String).alias("event_country")),
            signins.select("rec", pl.col("ip_address").alias("ip"),
                           pl.col("asn").cast(pl.Int64, strict=False), "event_country"),
        ]
    ).drop_nulls("ip")  # fmt: skip
    ranges = ipintel.known_ranges(customer_ranges)
    classed = ipintel.classify(seen, ranges)
    # An address any sighting shows shared by design (its AS may be known on one sign-in only)
    # ties nobody as a private address.
    shared = classed.filter(pl.col("kind").is_in(ipintel.SHARED_BY_DESIGN)).select("ip")
    private = seen.join(shared, on="ip", how="anti").select(
        "rec", pl.lit("egress_ip").alias("kind"), pl.col("ip").alias("value")
    )
    return pl.concat([private, _hidden(seen, classed, ranges)])


def _hidden(seen: pl.DataFrame, classed: pl.DataFrame, ranges: pl.DataFrame) -> pl.DataFrame:
    """(rec, kind, value) of the exits of VPNs, proxies and hosts (``ipintel.HIDING``), each
    valued as its provider (or, unnamed, the network's owner, or the kind) and the address:
    the network spec weighs an exit within its provider's pool."""
    hiding = (
        classed.filter(pl.col("kind").is_in(ipintel.HIDING))
        .group_by("ip")
        .agg(pl.col("provider").drop_nulls().first(), pl.col("kind").first())
    )
    if hiding.height == 0:
        return pl.DataFrame(schema={"rec": pl.Int64, "kind": pl.String, "value": pl.String})
    owners = ipintel.lookup(hiding.get_column("ip"), ranges).select("ip", "as_org")
    named = hiding.join(owners, on="ip", how="left")
    value = pl.concat_str(pl.coalesce("provider", "as_org", "kind"), "ip", separator=" ")
    return seen.join(named.select("ip", value.alias("value")), on="ip").select(
        pl.col("rec").cast(pl.Int64), pl.lit("hidden_egress").alias("kind"), "value"
    )


def _referrals(apps: pl.DataFrame, identities: pl.DataFrame) -> pl.DataFrame:
    """Referred identity, the identities whose name the referral gives, and the name."""
    referred = apps.drop_nulls("referred_by").filter(pl.col("referred_by") != "")
    names = referred.get_column("referred_by").unique().to_list()
    keys = pl.DataFrame(
        {"referred_by": names, "name_key": [name_normaliser.key(n) for n in names]},
        schema={"referred_by": pl.String, "name_key": pl.String},
    )
    named = (
        apps.select("rec", "name_key")
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("referrer"), "name_key")
        .unique()
    )
    return (
        referred.select("rec", "referred_by")
        .join(identities, on="rec")
        .join(keys, on="referred_by")
        .join(named, on="name_key")
        .select(
            pl.col("cluster").alias("identity"), "referrer", pl.col("referred_by").alias("value")
        )
        .unique()
    )


def network_apart(
    judgements: list[Judgement], identities: pl.DataFrame, by_key: pl.DataFrame
) -> list[tuple[int, int]]:
    """Identity pairs split apart by an analyst, as this run's identity numbers: each side is
    named by one of its applications, so the judgement follows the identity that holds it
    whatever id it has now."""
    cluster_of_key = dict(
        by_key.join(identities.select("rec", "cluster"), on="rec")
        .select("key", "cluster")
        .iter_rows()
    )
    return [
        (cluster_of_key[j.a], cluster_of_key[j.b])
        for j in judgements
        if j.kind == "network_apart" and j.a in cluster_of_key and j.b in cluster_of_key
    ]
