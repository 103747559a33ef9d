"""Identity and network resolution over the whole store: read, link, keep ids stable, write.

The linking itself (fauxhire.link) works on frames; this module feeds it from the store,
turns its integer clusters into ids that survive re-runs (an identity keeps its id while its
applications stay together), and writes the links with their evidence.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
import polars as pl

from fauxhire.domain.normalise import name as name_normaliser
from fauxhire.domain.resumes import distinct_template_lines
from fauxhire.enrich import ipintel
from fauxhire.link.borrowed import split_borrowed
from fauxhire.link.cluster import spanning_edges
from fauxhire.link.embedded import level_column, weight_column
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.link.networks import NETWORK_SPEC, NetworkLinks, link_networks
from fauxhire.link.resolve import Judgements, resolve
from fauxhire.link.spec import MISSING
from fauxhire.link.vectors import RecordIndex
from fauxhire.store import outputs
from fauxhire.store.frames import read_frame
from fauxhire.store.judgements import read_judgements
from fauxhire.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class LinkSummary:
    applications: int = 0
    identities: int = 0
    multi_application_identities: int = 0
    networks: int = 0
    networked_identities: int = 0
    candidate_pairs: int = 0
    identity_links: int = 0
    network_links: int = 0
    judgements: int = 0
    # Where an incremental run picks up: the last application row linked, and the highest
    # identity number given.
    max_rec: int = 0
    last_identity: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    blocking: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def link_store(store: Store, *, seed: int = 0, now: datetime | None = None) -> LinkSummary:
    """Resolve every application into identities and networks, and write the result."""
    now = now or datetime.now(UTC)
    summary = LinkSummary()
    clock = _Clock(summary)
    apps = read_frame(store, "applications")
    values = read_frame(store, "applicant_values")
    summary.applications = apps.height
    records = application_records(apps, values)
    judgements = read_judgements(store)
    summary.judgements = len(judgements)
    by_key = apps.select("key", "rec")
    clock.lap("read")

    judged = _pairs(judgements, by_key)
    resolution = resolve(records, IDENTITY_SPEC, seed=seed, judgements=judged)
    borrowed = split_borrowed(resolution.clusters, resolution.links, IDENTITY_SPEC, judged.together)
    previous = read_frame(store, "links")  # rec, identity_id, network_id
    identity_ids = _stable_ids(
        borrowed.clusters.rename({"cluster": "group"}),
        previous.select("rec", pl.col("identity_id").alias("old")),
        "i",
    )
    identities = borrowed.clusters.join(identity_ids, left_on="cluster", right_on="group")
    summary.candidate_pairs = resolution.candidate_pairs
    summary.identity_links = resolution.links.height
    summary.blocking = resolution.blocking.__dict__
    clock.lap("identities")

    identity_number = identities.select("rec", "cluster")
    observations, referrals = _observations(store, apps, values, identity_number)
    names = (
        apps.select("rec", pl.col("name_key").alias("name"))
        .drop_nulls("name")
        .join(identity_number, on="rec")
        .select(pl.col("cluster").alias("identity"), "name")
        .unique()
    )
    homes = _homes(store, apps, values, identity_number)
    # A persona on a borrowed identity and the person it borrows from are never one party.
    borrowed_apart = list(borrowed.pairs.select("cluster_a", "cluster_b").iter_rows())
    network = link_networks(
        observations,
        NETWORK_SPEC,
        referrals,
        _network_apart(judgements, identities, by_key) + borrowed_apart,
        names,
        homes,
    )
    per_identity = identities.select("cluster", "id").unique()
    network_ids = _stable_ids(
        network.networks.rename({"identity": "rec", "network": "group"}),
        _previous_networks(previous, identities),
        "net",
    )
    clock.lap("networks")

    links = (
        identities.join(apps.select("rec", "company_id", "application_id"), on="rec")
        .join(network.networks, left_on="cluster", right_on="identity", how="left")
        .join(
            network_ids.rename({"id": "network_id"}),
            left_on="network",
            right_on="group",
            how="left",
        )
    )
    outputs.replace_links(
        store,
        (
            outputs.Link(company, application, identity, net)
            for company, application, identity, net in links.select(
                "company_id", "application_id", "id", "network_id"
            ).iter_rows()
        ),
        now=now,
    )
    within = (
        resolution.links.join(identities.select("rec", "cluster"), left_on="rec_a", right_on="rec")
        .join(identities.select("rec", "cluster"), left_on="rec_b", right_on="rec", suffix="_b")
        .filter(pl.col("cluster") == pl.col("cluster_b"))
        .drop("cluster", "cluster_b")
    )
    outputs.replace_edges(store, "identity", identity_edges(within, identities, apps))
    outputs.replace_edges(
        store, "borrowed", borrowed_edges(borrowed.pairs, resolution.links, identities)
    )
    outputs.replace_edges(store, "network", _network_edges(network, per_identity, network_ids))
    summary.identities = per_identity.height
    summary.max_rec = int(apps.get_column("rec").max() or 0)  # type: ignore[arg-type]
    summary.last_identity = highest_id_number(per_identity.get_column("id"))
    sizes = identities.group_by("cluster").len()
    summary.multi_application_identities = sizes.filter(pl.col("len") > 1).height
    summary.networks = network.networks.get_column("network").n_unique()
    summary.networked_identities = network.networks.height
    summary.network_links = network.edges.height
    clock.lap("write")
    outputs.save_link_run(
        store,
        mode="full",
        spec={
            "identity": [IDENTITY_SPEC.name, IDENTITY_SPEC.version],
            "network": [NETWORK_SPEC.name, NETWORK_SPEC.version],
        },
        model=resolution.model.to_json(),
        summary=summary.to_json(),
        now=now,
    )
    return summary


class _Clock:
    def __init__(self, summary: LinkSummary) -> None:
        self.summary = summary
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.seconds[name] = round(now - self.last, 3)
        log.info("link: %s took %.1f s", name, now - self.last)
        self.last = now


def _pairs(judgements: list[Any], by_key: pl.DataFrame) -> Judgements:
    """Application-key judgements as record pairs (rec_a < rec_b)."""

    def frame(kind: str) -> pl.DataFrame:
        rows = [(j.a, j.b) for j in judgements if j.kind == kind]
        pairs = pl.DataFrame(rows, schema={"a": pl.String, "b": pl.String}, orient="row")
        joined = pairs.join(by_key, left_on="a", right_on="key").join(
            by_key, left_on="b", right_on="key", suffix="_b"
        )
        return joined.select(
            pl.min_horizontal("rec", "rec_b").alias("rec_a"),
            pl.max_horizontal("rec", "rec_b").alias("rec_b"),
        ).unique()

    return Judgements(together=frame("together"), apart=frame("apart"))


def _previous_networks(previous: pl.DataFrame, identities: pl.DataFrame) -> pl.DataFrame:
    """(rec = identity cluster number, old = its previous network id) for the vote."""
    return (
        previous.drop_nulls("network_id")
        .join(identities.select("rec", "cluster"), on="rec")
        .select(pl.col("cluster").alias("rec"), pl.col("network_id").alias("old"))
    )


_ID_NUMBER = r"-(\d+)$"  # ids are a prefix and a number: i-12, net-3


def highest_id_number(ids: pl.Series) -> int:
    """The highest number among ids like ``i-12``; 0 when there are none."""
    found = ids.str.extract(_ID_NUMBER).cast(pl.Int64).max()
    return int(found or 0)  # type: ignore[arg-type]


def id_number(identity: str) -> int:
    """The number of one id like ``i-12``."""
    found = re.search(_ID_NUMBER, identity)
    return int(found.group(1)) if found else 0


def _stable_ids(groups: pl.DataFrame, previous: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """An id for every group (rec, group): the old id most of its members had, where no
    other group has a better claim to it; else a new one numbered after every old id."""
    votes = (
        groups.join(previous, on="rec")
        .group_by("group", "old")
        .len()
        .sort(["len", "group", "old"], descending=[True, False, False])
    )
    kept = votes.unique("old", keep="first", maintain_order=True).unique(
        "group", keep="first", maintain_order=True
    )
    start = highest_id_number(previous.get_column("old")) + 1
    fresh = (
        groups.select("group")
        .unique()
        .join(kept, on="group", how="anti")
        .sort("group")
        .with_row_index("n", offset=start)
        .select("group", (pl.lit(f"{prefix}-") + pl.col("n").cast(pl.String)).alias("id"))
    )
    return pl.concat([kept.select("group", pl.col("old").alias("id")), fresh])


def _observations(
    store: Store,
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
    hires = read_frame(store, "hires").join(
        by_app.select("company_id", "candidate_id", "rec"), on=["company_id", "candidate_id"]
    )
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
    meetings = read_frame(store, "meetings").join(
        by_app.select(pl.col("key").alias("app_key"), "rec"), on="app_key"
    )
    signins = read_frame(store, "signins").join(
        hires.select(pl.col("key").alias("hire_key"), "rec"), on="hire_key"
    )
    egress = _private_egress(meetings, signins, read_frame(store, "ip_ranges"))
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
    store: Store, apps: pl.DataFrame, values: pl.DataFrame, identities: pl.DataFrame
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
        read_frame(store, "hires")
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


def _network_apart(
    judgements: list[Any], identities: pl.DataFrame, by_key: pl.DataFrame
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


_JUDGED_TOGETHER = {
    "comparison": "judgement",
    "level": None,
    "reading": "judged together by an analyst (fauxhire judge list)",
    "weight": None,
}


def identity_edges(
    links: pl.DataFrame, identities: pl.DataFrame, apps: pl.DataFrame
) -> list[outputs.Edge]:
    """The strongest links that hold each identity together (a maximum spanning forest of
    ``links`` over the records of ``identities``: rec, id), with their evidence as JSON text
    built in columns (a dict per comparison per edge, in Python, took 7 s at a million)."""
    index = RecordIndex(identities.get_column("rec"))
    chosen = spanning_edges(
        index.size,
        index.positions(links.get_column("rec_a")),
        index.positions(links.get_column("rec_b")),
        links.get_column("weight").to_numpy(),
    )
    tree = links[chosen.tolist()] if len(chosen) else links.head(0)
    keys = apps.select("rec", "key")
    tree = (
        tree.join(keys, left_on="rec_a", right_on="rec")
        .join(keys, left_on="rec_b", right_on="rec", suffix="_b")
        .join(identities.select("rec", "id"), left_on="rec_a", right_on="rec")
        .with_columns(_evidence_json().alias("evidence"))
    )
    return [
        outputs.Edge("identity", a, b, group, float(score), probability, evidence)
        for a, b, group, score, probability, evidence in tree.select(
            "key", "key_b", "id", "weight", "probability", "evidence"
        ).iter_rows()
    ]


def borrowed_edges(
    pairs: pl.DataFrame, links: pl.DataFrame, identities: pl.DataFrame
) -> list[outputs.Edge]:
    """One edge per pair of identities split apart as a possibly borrowed identity (``pairs``:
    cluster_a, cluster_b): the strongest link between them, which shows what they present alike
    (the name, the address, the profile) and that no email, phone or resume line agrees."""
    cluster = identities.select("rec", "cluster", "id")
    across = (
        links.join(cluster, left_on="rec_a", right_on="rec")
        .join(cluster, left_on="rec_b", right_on="rec", suffix="_b")
        .with_columns(
            pl.min_horizontal("cluster", "cluster_b").alias("cluster_a"),
            pl.max_horizontal("cluster", "cluster_b").alias("_high"),
        )
        .join(pairs, left_on=["cluster_a", "_high"], right_on=["cluster_a", "cluster_b"])
        .sort("weight", descending=True)
        .unique(["cluster_a", "_high"], keep="first")
    )
    named = across.with_columns(_evidence_json().alias("evidence")).sort("id", "id_b")
    return [
        outputs.Edge("borrowed", a, b, a, float(score), probability, evidence)
        for a, b, score, probability, evidence in named.select(
            pl.min_horizontal("id", "id_b").alias("a"),
            pl.max_horizontal("id", "id_b").alias("b"),
            "weight",
            "probability",
            "evidence",
        ).iter_rows()
    ]


def _evidence_json() -> pl.Expr:
    """Per edge, the JSON list of what each comparison found: its level, an analyst's reading
    of it and its weight. A pair the model did not link (no levels) is held by an analyst's
    word alone."""
    parts = []
    for c in IDENTITY_SPEC.comparisons:
        level = pl.col(level_column(c))
        readings = {value: c.describe(value) for value in range(MISSING, c.levels + 1)}
        parts.append(
            pl.struct(
                pl.lit(c.name).alias("comparison"),
                level.alias("level"),
                level.replace_strict(readings, return_dtype=pl.String).alias("reading"),
                pl.col(weight_column(c)).round(3).alias("weight"),
            ).struct.json_encode()
        )
    judged = orjson.dumps([_JUDGED_TOGETHER]).decode()
    listed = pl.lit("[") + pl.concat_str(parts, separator=",") + pl.lit("]")
    return (
        pl.when(pl.col(level_column(IDENTITY_SPEC.comparisons[0])).is_null())
        .then(pl.lit(judged))
        .otherwise(listed)
    )


def _network_edges(
    network: NetworkLinks, per_identity: pl.DataFrame, network_ids: pl.DataFrame
) -> list[outputs.Edge]:
    named = (
        network.edges.join(per_identity, left_on="identity_a", right_on="cluster")
        .join(per_identity, left_on="identity_b", right_on="cluster", suffix="_b")
        .join(network.networks, left_on="identity_a", right_on="identity")
        .join(network_ids, left_on="network", right_on="group", suffix="_net")
    )
    return [
        outputs.Edge(
            "network",
            row["id"],
            row["id_b"],
            row["id_net"],
            float(row["score"]),
            None,
            row["evidence"],
        )
        for row in named.iter_rows(named=True)
    ]
