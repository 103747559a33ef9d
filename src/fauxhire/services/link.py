"""Identity and network resolution over the whole store: read, link, keep ids stable, write.

The linking itself is an engine's (``fauxhire.link.engine``: the embedded one unless another
is named), on frames; this module feeds it from the store, turns its integer clusters into ids
that survive re-runs (an identity keeps its id while its applications stay together), and
writes the links with their evidence (``link_edges``).
"""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from fauxhire.link import engines
from fauxhire.link.engine import Borrowed, Engine, NetworkLinks, Resolution
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.link.networks import NETWORK_SPEC
from fauxhire.ports import Judgement, LinkingStore, OutcomeWriter
from fauxhire.services.link_edges import borrowed_edges, identity_edge_frame, network_edges
from fauxhire.services.link_files import judged_pairs, stored_resolution
from fauxhire.services.network_evidence import network_apart, network_evidence, sightings

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


@dataclass(frozen=True)
class _Linked:
    """One run's identities and networks, numbered: what is written."""

    resolution: Resolution
    borrowed: Borrowed
    identities: pl.DataFrame  # rec, cluster (the engine's number), id (stable)
    per_identity: pl.DataFrame  # cluster, id: one row an identity
    network: NetworkLinks
    network_ids: pl.DataFrame  # group (the engine's network number), id (stable)


def link_store(
    store: LinkingStore,
    *,
    seed: int = 0,
    now: datetime | None = None,
    engine: Engine | None = None,
    resolution: Path | None = None,
) -> LinkSummary:
    """Resolve every application into identities and networks with ``engine`` (the default
    engine when none is given), and write the result: links, edges and the run in one unit
    of work, so a reader sees the previous run or this one whole. With ``resolution``, a
    folder an engine resolved the store's records into (``services.link_files``), the
    identities are that folder's, and the rest of the run is as ever."""
    now = now or datetime.now(UTC)
    engine = engine or engines.engine()
    summary = LinkSummary()
    clock = _Clock(summary)
    apps = store.linking_frame("applications")
    values = store.linking_frame("applicant_values")
    summary.applications = apps.height
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightings") as background:
        # What the network stage reads and classes needs no identity: it runs beside the
        # identity stage, whose work is mostly polars' and leaves the interpreter free.
        seen = background.submit(sightings, store, apps, values)
        records = application_records(apps, values)
        apps = apps.drop("resume_text", "education", "employment")  # in records now
        judgements = store.judgements()
        summary.judgements = len(judgements)
        by_key = apps.select("key", "rec")
        clock.lap("read")
        resolved, borrowed, identities, previous = _identities(
            store, engine, records, judgements, by_key, seed, resolution
        )
        del records
        clock.lap("identities")
        evidence = network_evidence(
            seen.result(), apps, values, identities.select("rec", "cluster")
        )
    network = engine.group_networks(
        evidence,
        _network_apart(judgements, identities, by_key, borrowed),
        NETWORK_SPEC,
    )
    per_identity = identities.select("cluster", "id").unique()
    network_ids = _stable_ids(
        network.networks.rename({"identity": "rec", "network": "group"}),
        _previous_networks(previous, identities),
        "net",
    )
    clock.lap("networks")

    linked = _Linked(resolved, borrowed, identities, per_identity, network, network_ids)
    _save(store, engine, apps, linked, clock, now)
    return summary


def _save(
    store: LinkingStore,
    engine: Engine,
    apps: pl.DataFrame,
    linked: _Linked,
    clock: _Clock,
    now: datetime,
) -> None:
    """The run's links, edges and record, in one unit of work."""
    summary = clock.summary
    with store.unit_of_work():
        _write(store, engine, apps, linked, now)
        _count(summary, apps, linked)
        clock.lap("write")
        store.save_link_run(
            mode="full",
            spec=_SPECS,
            model=linked.resolution.model.to_json(),
            summary=summary.to_json(),
            now=now,
        )
    store.refresh_statistics("links")


def _identities(
    store: LinkingStore,
    engine: Engine,
    records: pl.DataFrame,
    judgements: list[Judgement],
    by_key: pl.DataFrame,
    seed: int,
    folder: Path | None,
) -> tuple[Resolution, Borrowed, pl.DataFrame, pl.DataFrame]:
    """The identities: resolved (or read from ``folder``), borrowed ones split off, numbered
    with stable ids (rec, cluster, id); with the resolution, the split and the previous
    run's links."""
    judged = judged_pairs(judgements, by_key)
    if folder is not None:
        resolution = stored_resolution(folder, records, judged)
    else:
        resolution = engine.resolve(records, IDENTITY_SPEC, seed=seed, judgements=judged)
    borrowed = engine.split_borrowed(
        resolution.clusters, resolution.links, IDENTITY_SPEC, judged.together, records
    )
    previous = store.linking_frame("links")  # rec, identity_id, network_id
    identity_ids = _stable_ids(
        borrowed.clusters.rename({"cluster": "group"}),
        previous.select("rec", pl.col("identity_id").alias("old")),
        "i",
    )
    identities = borrowed.clusters.join(identity_ids, left_on="cluster", right_on="group")
    return resolution, borrowed, identities, previous


# The specs a full run links under, recorded with it.
_SPECS = {
    "identity": [IDENTITY_SPEC.name, IDENTITY_SPEC.version],
    "network": [NETWORK_SPEC.name, NETWORK_SPEC.version],
}


def _network_apart(
    judgements: list[Judgement], identities: pl.DataFrame, by_key: pl.DataFrame, borrowed: Borrowed
) -> pl.DataFrame:
    """identity_a, identity_b: the identities (cluster numbers) never in one network: those an
    analyst split, and a persona on a borrowed identity with the person it borrows from, who
    are never one party."""
    apart = network_apart(judgements, identities, by_key) + list(
        borrowed.pairs.select("cluster_a", "cluster_b").iter_rows()
    )
    return pl.DataFrame(
        apart, schema={"identity_a": pl.Int64, "identity_b": pl.Int64}, orient="row"
    )


def _write(
    store: OutcomeWriter, engine: Engine, apps: pl.DataFrame, linked: _Linked, now: datetime
) -> None:
    """Each application's identity and network, and the edges that are their evidence."""
    identities, network = linked.identities, linked.network
    links = (
        identities.join(apps.select("rec", "company_id", "application_id"), on="rec")
        .join(network.networks, left_on="cluster", right_on="identity", how="left")
        .join(
            linked.network_ids.rename({"id": "network_id"}),
            left_on="network",
            right_on="group",
            how="left",
        )
    )
    store.replace_link_frame(
        links.select(
            "company_id", "application_id", pl.col("id").alias("identity_id"), "network_id"
        ),
        now=now,
    )
    resolved = linked.resolution.links
    within = (
        resolved.join(identities.select("rec", "cluster"), left_on="rec_a", right_on="rec")
        .join(identities.select("rec", "cluster"), left_on="rec_b", right_on="rec", suffix="_b")
        .filter(pl.col("cluster") == pl.col("cluster_b"))
        .drop("cluster", "cluster_b")
    )
    store.replace_edge_frame("identity", identity_edge_frame(within, identities, apps, engine))
    store.replace_edges("borrowed", borrowed_edges(linked.borrowed.pairs, resolved, identities))
    store.replace_edges("network", network_edges(network, linked.per_identity, linked.network_ids))


def _count(summary: LinkSummary, apps: pl.DataFrame, linked: _Linked) -> None:
    """The run's figures, and where an incremental run picks up."""
    summary.candidate_pairs = linked.resolution.candidate_pairs
    summary.identity_links = linked.resolution.links.height
    summary.blocking = linked.resolution.blocking.__dict__
    summary.identities = linked.per_identity.height
    summary.max_rec = int(apps.get_column("rec").max() or 0)  # type: ignore[arg-type]
    summary.last_identity = highest_id_number(linked.per_identity.get_column("id"))
    sizes = linked.identities.group_by("cluster").len()
    summary.multi_application_identities = sizes.filter(pl.col("len") > 1).height
    networks = linked.network.networks
    summary.networks = networks.get_column("network").n_unique()
    summary.networked_identities = networks.height
    summary.network_links = linked.network.edges.height


class _Clock:
    def __init__(self, summary: LinkSummary) -> None:
        self.summary = summary
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.seconds[name] = round(now - self.last, 3)
        log.info("link: %s took %.1f s", name, now - self.last)
        self.last = now


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
