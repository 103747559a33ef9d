"""What the network stage is given: the infrastructure each identity was seen with.

Read from the store around this run's identities (``identity`` is an identity's cluster
number): the contact details it gave, the payout account and drop address of its hires, the
egress addresses and machine names of its meetings and sign-ins, the resume lines it presents;
the referrals that name it, the names it presented, the homes it declares; and the pairs an
analyst split. The engine groups identities from these (``Engine.group_networks``).
"""

from __future__ import annotations

import polars as pl

from fauxhire.domain.normalise import name as name_normaliser
from fauxhire.domain.resumes import distinct_template_lines
from fauxhire.enrich import ipintel
from fauxhire.link.engine import NetworkEvidence
from fauxhire.ports import Judgement, LinkingInputs


def network_evidence(
    store: LinkingInputs, apps: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame
) -> NetworkEvidence:
    """What each identity (``identities``: rec, cluster) was seen with, its referrals, the
    names it presented and its homes. ``apps`` and ``values``: the store's applications and
    applicant values, as read for linking."""
    observations, referrals = _observations(store, apps, values, identities)
    names = (
        apps.select("rec", pl.col("name_key").alias("name"))
        .drop_nulls("name")
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), "name")
        .unique()
    )
    homes = _homes(store, apps, values, identities)
    return NetworkEvidence(observations, referrals, names, homes)


def _observations(
    store: LinkingInputs,
    apps: pl.DataFrame,
    values: pl.DataFrame,
    identities: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(identity, kind, value) of the infrastructure each identity was seen with, and the
    referrals resolved to the identities they may name."""
    by_app = apps.select("rec", "key", "company_id", "candidate_id").join(identities, on="rec")
    contact = values.filter(pl.col("kind").is_in(["phone", "email"])).select(
        "rec", "kind", pl.col("key").alias("value")
    )
    hires = store.linking_frame("hires").join(
        by_app.select("company_id", "candidate_id", "rec"), on=["company_id", "candidate_id"]
    )
    shipping, payout = _hire_observations(hires, values, identities)
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
    observations = (
        pl.concat([contact, shipping, payout, egress, device, _resume(apps, identities)])
        .drop_nulls("value")
        .filter(pl.col("value") != "")
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), "kind", "value")
        .unique()
    )
    return observations, _referrals(apps, identities)


def _hire_observations(
    hires: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rec, kind, value) of the hires' drop shipping addresses and payout accounts."""
    homes = values.filter(pl.col("kind") == "address").select(
        "rec", pl.col("key").alias("shipping_address_key")
    )
    home_of_identity = homes.join(identities, on="rec").select("cluster", "shipping_address_key")
    # A drop address: not the identity's home. With no home on record (an ATS that keeps no
    # postal address), a laptop shipped to an address may well be shipped home: no evidence.
    shipping = (
        hires.join(identities, on="rec")
        .drop_nulls("shipping_address_key")
        .join(home_of_identity.select("cluster").unique(), on="cluster", how="semi")
        .join(home_of_identity, on=["cluster", "shipping_address_key"], how="anti")
        .select(
            "rec", pl.lit("shipping").alias("kind"), pl.col("shipping_address_key").alias("value")
        )
    )
    payout = hires.drop_nulls("payout_account").select(
        "rec",
        pl.lit("payout").alias("kind"),
        pl.col("payout_account").alias("value"),  # one account, whatever method it is paid by
    )
    return shipping, payout


def _resume(apps: pl.DataFrame, identities: pl.DataFrame) -> pl.DataFrame:
    """(rec, kind, value) of the resume lines an identity presents: those in at least half of
    its resumes (an added line in one of fifty is drift, not the template), dated history
    entries left out. Identities a bucket at a time: every resume of a million split into
    lines at once was the peak memory of linking them."""
    texts = apps.drop_nulls("resume_text").select("rec", "resume_text").join(identities, on="rec")
    return pl.concat(
        [
            _presented_lines(texts.filter(pl.col("cluster") % _BUCKETS == bucket))
            for bucket in range(_BUCKETS)
        ]
    )


_BUCKETS = 8


def _presented_lines(texts: pl.DataFrame) -> pl.DataFrame:
    # Every resume of the identity counts, those without a template line too.
    resumes = texts.group_by("cluster").agg(pl.col("rec").n_unique().alias("resumes"))
    lines = (
        distinct_template_lines(texts.get_column("resume_text"))
        .join(texts.select("rec", "cluster").with_row_index("row"), on="row")
        .select("rec", "cluster", pl.col("line").alias("value"))
        .join(resumes, on="cluster")
    )
    held = pl.col("rec").n_unique().over("cluster", "value")
    return lines.filter(2 * held >= pl.col("resumes")).select(
        "rec", pl.lit("resume").alias("kind"), "value"
    )


def _homes(
    store: LinkingInputs, apps: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame
) -> pl.DataFrame:
    """identity, value: the home addresses each identity declares; the addresses its
    equipment is shipped to that some identity declares as home (a family member whose
    application gave none still lives there); and, for an identity that declares no home at
    all (an ATS that keeps no postal address), where its equipment goes: as a drop address
    that is no evidence (``_observations``), so as a home it is presumed to be. Two such
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
        store.linking_frame("hires")
        .join(apps.select("company_id", "candidate_id", "rec"), on=["company_id", "candidate_id"])
        .join(identities, on="rec")
        .select(pl.col("cluster").alias("identity"), pl.col("shipping_address_key").alias("value"))
        .drop_nulls("value")
    )
    to_declared = shipped.join(declared.select("value").unique(), on="value", how="semi")
    presumed = shipped.join(declared.select("identity").unique(), on="identity", how="anti")
    return pl.concat([declared, to_declared, presumed]).unique()


def _private_egress(
    meetings: pl.DataFrame, signins: pl.DataFrame, customer_ranges: pl.DataFrame
) -> pl.DataFrame:
    """(rec, kind, value) of the egress addresses that tie identities together: those not of a
    kind many people share by design (``ipintel.SHARED_BY_DESIGN``). Classed by
    ``ipintel.classify`` on the ranges assessment uses too, so an address both read is one kind."""
    seen = pl.concat(
        [
            meetings.select("rec", pl.col("ip_address").alias("ip"),
                            pl.lit(None, pl.Int64).alias("asn"),
                            pl.lit(None, pl.String).alias("event_country")),
            signins.select("rec", pl.col("ip_address").alias("ip"),
                           pl.col("asn").cast(pl.Int64, strict=False), "event_country"),
        ]
    ).drop_nulls("ip")  # fmt: skip
    classed = ipintel.classify(seen, ipintel.known_ranges(customer_ranges))
    # An address any sighting shows shared by design (its AS may be known on one sign-in only)
    # ties nobody.
    shared = classed.filter(pl.col("kind").is_in(ipintel.SHARED_BY_DESIGN)).select("ip")
    return seen.join(shared, on="ip", how="anti").select(
        "rec", pl.lit("egress_ip").alias("kind"), pl.col("ip").alias("value")
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
