"""Incremental linking: a batch of new applications joins the identities already resolved.

A full run (``services.link``) estimates the model and resolves every application. Between
full runs, new applications arrive by the thousand; this links them in seconds by reusing that
run's model and reading only what they can link to: the existing applications that hold one
of their emails, phones, addresses or profile handles, or their name (store.subsets). A new
application joins the identity it links to; one that links two identities merges them (the
larger keeps its id, and analysts' "apart" judgements still hold); one that links to nothing
starts an identity, numbered after every id given so far. Ids of untouched identities do not
move. A link that shows two people on one identity (a persona and the person whose name and
home it borrows: ``link.borrowing``) joins nothing, as the full run would split it out.

What waits for the next full run: blocking on resume lines and on dated employers and schools
(they are not indexed, so a new application whose only tie is its resume or its history joins
nothing yet), re-estimating the model, and networks. A new application inherits the network
of the identity it joins; a new identity is in no network until the next ``fauxhire link``
weighs its infrastructure.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxhire.errors import NotFound
from fauxhire.link import engines
from fauxhire.link.borrowing import parts_people_expr
from fauxhire.link.cluster import cluster
from fauxhire.link.engine import Engine
from fauxhire.link.identities import (
    BLOCK_CAPS,
    IDENTITY_SPEC,
    NAME_WINDOW,
    VALUE_COLUMNS,
    application_records,
    record_order,
)
from fauxhire.link.model import Model
from fauxhire.ports import BatchInputs, Judgement, LinkingStore, LinkRun
from fauxhire.services.link import highest_id_number, id_number
from fauxhire.services.link_edges import identity_edges

log = logging.getLogger(__name__)


@dataclass
class IncrementSummary:
    applications: int = 0  # new applications linked
    compared_with: int = 0  # existing applications that share a value or name with them
    candidate_pairs: int = 0
    links: int = 0
    joined_existing: int = 0  # new applications now in an identity that existed before
    new_identities: int = 0
    merged_identities: int = 0  # existing identities merged into another by a new link
    seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def link_new(
    store: LinkingStore, *, now: datetime | None = None, engine: Engine | None = None
) -> IncrementSummary:
    """Link the applications stored since the last link run into its identities, with
    ``engine`` (the default engine when none is given)."""
    now = now or datetime.now(UTC)
    engine = engine or engines.engine()
    started = time.perf_counter()
    summary = IncrementSummary()
    run = store.latest_link_run()
    if run is None:
        raise NotFound("no link run yet: run `fauxhire link` once before linking new batches")
    model = Model.from_json(IDENTITY_SPEC, run.model)
    new_apps = store.applications_after(int(run.summary.get("max_rec", 0)))
    summary.applications = new_apps.height
    if new_apps.height == 0:
        return summary
    total = int(run.summary.get("applications", 0)) + new_apps.height
    related = _with_related(store, new_apps, total)
    apps = related.apps
    summary.compared_with = len(related.recs)
    new = new_apps.get_column("rec")
    links = _scored_links(engine, related, new, model, summary)
    previous = store.links_of(related.recs)
    judgements = store.judgements()
    members, merged, networks = _identities_after(
        store, links, new, previous, apps, judgements, int(run.summary.get("last_identity", 0))
    )
    fresh = members.join(new_apps.select("rec", "key"), on="rec")
    # The batch's links and its run in one unit of work: a reader, or the next batch, never
    # sees links past the watermark the last run records.
    with store.unit_of_work():
        added = store.add_links(
            (
                (key, identity, networks.get(identity))
                for key, identity in fresh.select("key", "id").iter_rows()
            ),
            {old: (kept, networks.get(kept)) for old, kept in merged.items()},
            identity_edges(links, members, apps, engine),
            now=now,
        )
        _count_joined(summary, fresh, previous)
        summary.merged_identities = len(merged)
        summary.seconds["total"] = round(time.perf_counter() - started, 3)
        store.save_link_run(
            mode="incremental",
            spec={"identity": [IDENTITY_SPEC.name, IDENTITY_SPEC.version]},
            model=run.model,
            summary=run_summary(
                summary,
                run,
                total,
                int(new.max() or 0),  # type: ignore[arg-type]
                highest_id_number(fresh.get_column("id")),
            ),
            now=now,
        )
    log.info("link --new: %d applications, %d links written", added, summary.links)
    return summary


def run_summary(
    summary: IncrementSummary, run: LinkRun, total: int, max_rec: int, last: int
) -> dict[str, Any]:
    """The batch's figures, and where the next batch picks up: the last application row
    linked (``max_rec``) and the highest identity number given (``last``: the batch's, or
    the run's before it, whichever is higher)."""
    return {
        **summary.to_json(),
        "applications": total,
        "max_rec": max_rec,
        "last_identity": max(int(run.summary.get("last_identity", 0)), last),
    }


def _count_joined(summary: IncrementSummary, fresh: pl.DataFrame, previous: pl.DataFrame) -> None:
    """How many new applications (``fresh``: rec, key, id) joined an identity that existed
    before the batch (``previous``: its links), and how many identities they started."""
    old_ids = set(previous.get_column("identity_id").to_list())
    summary.joined_existing = fresh.filter(pl.col("id").is_in(list(old_ids))).height
    started_now = fresh.filter(~pl.col("id").is_in(list(old_ids)))
    summary.new_identities = started_now.get_column("id").n_unique()


@dataclass(frozen=True)
class _Related:
    apps: pl.DataFrame  # the new applications and the stored ones they could link to
    values: pl.DataFrame  # their values (rec, kind, key)
    recs: list[int]  # the row ids of the stored ones
    frequencies: dict[str, pl.DataFrame]  # per weighed column: value, tf (of the store)


def _with_related(store: BatchInputs, new_apps: pl.DataFrame, total: int) -> _Related:
    """The stored applications that share a value or a name with a new one, read whole.

    A value or name held by more applications than its blocking rule's cap makes no pairs in
    a full run; here its holders are not even read (common names and agency phones brought in
    a third of a million-application store). The counts of every value and name of the batch,
    read from the indexes, give the term frequencies a full run would."""
    recs = new_apps.get_column("rec").to_list()
    new_values = store.values_of(recs).filter(pl.col("kind").is_in(list(VALUE_COLUMNS)))
    counts = store.value_counts(new_values.select("kind", "key")).with_columns(
        pl.col("kind").replace_strict(VALUE_COLUMNS).alias("column")
    )
    caps = pl.DataFrame(
        {"column": list(BLOCK_CAPS), "cap": list(BLOCK_CAPS.values())},
        schema={"column": pl.String, "cap": pl.Int64},
    )
    counts = counts.join(caps, on="column")
    kept = counts.filter(pl.col("holders") <= pl.col("cap")).select("kind", "key")
    shared = store.holders_of_values(kept)
    names = new_apps.get_column("name_key").drop_nulls().unique().to_list()
    named = store.name_counts(names)
    few = named.filter(pl.col("holders") <= BLOCK_CAPS["name"]).get_column("name_key").to_list()
    near = _window_neighbours(store.holders_of_names(few), recs, NAME_WINDOW)
    related = set(shared.get_column("rec").to_list()) | set(near)
    related -= set(recs)
    ordered = sorted(related)
    apps = pl.concat([new_apps, store.applications_by_rec(ordered)])
    values = pl.concat([new_values.join(kept, on=["kind", "key"]), store.values_of(ordered)])
    return _Related(apps, values, ordered, _frequencies(counts, named, total))


def _window_neighbours(holders: pl.DataFrame, new: list[int], window: int | None) -> list[int]:
    """Of the holders of each name (rec, name_key, key; the new applications among them),
    those a full run would compare with a new one: within ``window`` places of it in the
    name's block, in the blocks' order (``record_order``, ties by rec). A common name's few
    hundred holders are not read whole for the dozen a window reaches: at a million
    applications they were 178,000 of the 189,000 a batch of 1,000 read. Holders that come
    into a window only because others were left out are neighbours of the new one anyway."""
    if window is None:
        return holders.get_column("rec").to_list()
    placed = holders.sort("name_key", record_order(pl.col("key")), "rec").with_columns(
        pl.int_range(pl.len()).over("name_key").alias("place")
    )
    new_places = placed.filter(pl.col("rec").is_in(new)).select(
        "name_key", pl.col("place").alias("new_place")
    )
    reached = placed.join(new_places, on="name_key").filter(
        (pl.col("place") - pl.col("new_place")).abs() <= window
    )
    return reached.get_column("rec").unique().to_list()


def _frequencies(counts: pl.DataFrame, named: pl.DataFrame, total: int) -> dict[str, pl.DataFrame]:
    """Per weighed column, each value of the batch and its share of the store's applications,
    spelled as application_records spells it (profile handles with their site)."""
    share = (pl.col("holders") / max(total, 1)).alias("tf")
    handle = pl.col("kind").is_in(["linkedin", "github"])
    spelled = counts.with_columns(
        pl.when(handle).then(pl.col("kind") + ":" + pl.col("key")).otherwise("key").alias("value")
    )
    # Every weighed column has its frame, as a full run's term_frequencies gives: a column
    # none of the batch's values fill (no postal address in it) is an empty one, not absent.
    out = {
        column: pl.DataFrame(schema={"value": pl.String, "tf": pl.Float64})
        for column in (c.column for c in IDENTITY_SPEC.comparisons if c.term_frequency)
    }
    for (column,), group in spelled.group_by("column"):
        out[str(column)] = group.select("value", share)
    out["name"] = named.select(pl.col("name_key").alias("value"), share)
    return out


def _scored_links(
    engine: Engine, related: _Related, new: pl.Series, model: Model, summary: IncrementSummary
) -> pl.DataFrame:
    """The pairs with a new application that the full run's model links."""
    records = application_records(related.apps, related.values)
    # Every holder of a value a new record holds is here (under the caps), so its block is
    # the store's; its frequency is the store's count.
    batch = engine.link_batch(records, new.to_frame("rec"), model, related.frequencies)
    summary.candidate_pairs = batch.candidate_pairs
    # A link that shows two people on one identity (a persona and the person whose name it
    # borrowed) never joins them: the full run would split it out (``link.borrowing``).
    links = batch.links.filter(~parts_people_expr(model.spec))
    summary.links = links.height
    return links


def _identities_after(
    store: BatchInputs,
    links: pl.DataFrame,
    new: pl.Series,
    previous: pl.DataFrame,
    apps: pl.DataFrame,
    judgements: list[Judgement],
    last_identity: int,
) -> tuple[pl.DataFrame, dict[str, str], dict[str, str | None]]:
    """(rec, id) of the new and related applications after the batch, the identities merged
    (old id to kept id), and the network of each kept identity.

    The nodes clustered are the new applications and the existing identities they touch;
    analysts' judgements are kept: together adds a link, apart forbids a merge, and so does a
    borrowed identity split from the person it presents."""
    new_recs = new.to_list()
    old_ids = sorted(set(previous.get_column("identity_id").to_list()))
    node_of_new = {rec: i for i, rec in enumerate(new_recs)}
    node_of_id = {identity: len(new_recs) + i for i, identity in enumerate(old_ids)}
    node_of_rec = dict(node_of_new)
    node_of_rec |= {
        rec: node_of_id[identity]
        for rec, identity in previous.select("rec", "identity_id").iter_rows()
    }
    key_to_rec = dict(apps.select("key", "rec").iter_rows())
    edges = [
        (node_of_rec[a], node_of_rec[b], weight)
        for a, b, weight in links.select("rec_a", "rec_b", "weight").iter_rows()
    ]
    for j in judgements:
        ends = (key_to_rec.get(j.a), key_to_rec.get(j.b))
        if j.kind == "together" and all(end in node_of_rec for end in ends):
            edges.append((node_of_rec[ends[0]], node_of_rec[ends[1]], float("inf")))
    apart = _apart_nodes(store, judgements, key_to_rec, node_of_new, node_of_id)
    # A persona and the person whose identity it borrows, split by the last full run, stay
    # two: a new application tied to both (the person's, sent by an agency with none of their
    # own contact details) joins the one it is closer to, as an analyst's "apart" would have it.
    apart += [(node_of_id[a], node_of_id[b]) for a, b in store.borrowed_pairs(old_ids)]
    count = len(new_recs) + len(old_ids)
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    w = np.array([e[2] for e in edges], dtype=np.float64)
    labels = cluster(count, a, b, w, apart)
    sizes = store.identity_sizes(old_ids)
    network_of = dict(
        previous.select("identity_id", "network_id").unique("identity_id").iter_rows()
    )
    kept_of, merged, networks = _kept_ids(labels, node_of_id, sizes, network_of)
    next_number = last_identity
    ids = []
    for rec in new_recs:
        label = int(labels[node_of_new[rec]])
        if label not in kept_of:
            next_number += 1
            kept_of[label] = f"i-{next_number}"
        ids.append(kept_of[label])
    members = pl.DataFrame({"rec": new_recs, "id": ids}, schema={"rec": pl.Int64, "id": pl.String})
    old_members = previous.select("rec", pl.col("identity_id").replace(merged).alias("id"))
    return pl.concat([members, old_members]), merged, networks


def _kept_ids(
    labels: npt.NDArray[np.int64],
    node_of_id: dict[str, int],
    sizes: dict[str, int],
    network_of: dict[str, str | None],
) -> tuple[dict[int, str], dict[str, str], dict[str, str | None]]:
    """Per cluster label holding existing identities, the id it keeps (the largest
    identity's, then the lowest number); the identities merged into it (old id to kept id);
    and the network of each kept identity (the first of its identities that had one)."""
    groups: dict[int, list[str]] = {}
    for identity, n in node_of_id.items():
        groups.setdefault(int(labels[n]), []).append(identity)
    kept_of: dict[int, str] = {}
    merged: dict[str, str] = {}
    networks: dict[str, str | None] = {}
    for label, identities in groups.items():
        ranked = sorted(identities, key=lambda i: (-sizes.get(i, 0), id_number(i)))
        kept_of[label] = ranked[0]
        found = [network_of.get(i) for i in ranked if network_of.get(i)]
        networks[ranked[0]] = found[0] if found else None
        merged.update(dict.fromkeys(ranked[1:], ranked[0]))
    return kept_of, merged, networks


def _apart_nodes(
    store: BatchInputs,
    judgements: list[Judgement],
    key_to_rec: dict[str, int],
    node_of_new: dict[int, int],
    node_of_id: dict[str, int],
) -> list[tuple[int, int]]:
    """Apart judgements as pairs of nodes: a new application's, or an existing identity's
    (an existing application anywhere in the store stands for its identity)."""
    apart = [j for j in judgements if j.kind == "apart"]
    identity_of_key = store.links_of_keys(sorted({k for j in apart for k in (j.a, j.b)}))

    def node(key: str) -> int | None:
        rec = key_to_rec.get(key)
        if rec is not None and rec in node_of_new:
            return node_of_new[rec]
        identity = identity_of_key.get(key)
        return node_of_id.get(identity) if identity else None

    pairs = [(node(j.a), node(j.b)) for j in apart]
    return [(x, y) for x, y in pairs if x is not None and y is not None and x != y]
