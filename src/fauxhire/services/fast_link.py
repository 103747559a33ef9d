"""Linking one screened application without the batch engine (issue 17's latency).

A screen stores one application and links it into the last link run's identities. The batch
way (``increment.link_new``) answers that in some fifty milliseconds, nearly all of it the
polars engine's fixed cost per operation. ``link_screened`` does the common case in plain
code (``link.screened``): exactly one application past the run's watermark, that starts an
identity or joins exactly one. It reads what ``link_new`` reads, through the same port
methods, and writes what ``link_new`` would write: the same link, the same identity edges
(their evidence byte for byte) and an incremental link run with the same model and figures
(only the seconds differ).

Anything else it leaves to ``link_new`` and writes nothing: it answers None when more than
one application waits, when the application would merge identities, links to one that is
in no identity, or is named by an analyst's judgement, or when a judgement would merge two
identities it touches. The caller then runs ``link_new`` as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl

from fauxhire.link.identities import (
    BLOCK_CAPS,
    IDENTITY_SPEC,
    NAME_WINDOW,
    VALUE_COLUMNS,
    record_columns,
    record_order,
)
from fauxhire.link.model import Model
from fauxhire.link.screened import (
    Compared,
    Declined,
    Placement,
    compare,
    identity_edges,
    judged,
    kept_values,
    place,
    records,
    term_frequencies,
    window_neighbours,
)
from fauxhire.link.single import SingleScorer
from fauxhire.ports import Edge, LinkingStore, LinkRun
from fauxhire.services.increment import IncrementSummary, run_summary
from fauxhire.services.link import id_number

log = logging.getLogger(__name__)


@dataclass
class ScorerCache:
    """The scorer of the last link run's model, kept from one screen to the next: building
    it reads the model's tables. Every link run, a screen's own included, has a new id; an
    incremental one carries its model over, so a new id with the same model keeps the
    scorer."""

    run_id: int | None = None
    model: dict[str, Any] | None = None
    scorer: SingleScorer | None = None

    def scorer_of(self, run: LinkRun) -> SingleScorer:
        if self.scorer is None or (run.run_id != self.run_id and run.model != self.model):
            self.scorer = SingleScorer(Model.from_json(IDENTITY_SPEC, run.model))
            self.model = run.model
        self.run_id = run.run_id
        return self.scorer


@dataclass(frozen=True, slots=True)
class FastLinked:
    """What ``link_screened`` wrote: the application's link and the edges to its identity."""

    application: str  # its key
    identity_id: str
    joined: bool  # True: an identity that held applications before; False: a new one
    network_id: str | None
    edges: tuple[Edge, ...]  # the identity edges added, one per link of the application
    summary: IncrementSummary


@dataclass(frozen=True, slots=True)
class _Neighbourhood:
    """The new application and the stored ones it could link to."""

    rec: int
    key: str
    related: list[int]  # the stored applications link_new would read, by rec
    apps: pl.DataFrame  # the applications frame of the new one, then of the related ones
    keys: dict[int, str]  # rec -> key, of them all
    values: list[tuple[int, str, str]]  # rec, kind, key: the new one's kept values and theirs
    counts: list[tuple[str, str, int]]  # the new one's values and how many hold each
    names: list[tuple[str, int]]  # its name and how many hold it


def link_screened(
    store: LinkingStore, scorers: ScorerCache, *, now: datetime | None = None
) -> FastLinked | None:
    """Link the one application stored since the last link run as ``link_new`` would, or
    write nothing and answer None where that is not simple (the module says when; the
    reason is logged at DEBUG)."""
    now = now or datetime.now(UTC)
    started = time.perf_counter()
    # One unit of work: the reads share the writes' connection, and the link and its run
    # commit together (a reader never sees the link past the run's watermark).
    with store.unit_of_work():
        outcome = _linked(store, scorers, now, started)
    if isinstance(outcome, Declined):
        log.debug("fast link declined: %s", outcome.reason)
        return None
    return outcome


def _linked(
    store: LinkingStore, scorers: ScorerCache, now: datetime, started: float
) -> FastLinked | Declined:
    run = store.latest_link_run()
    if run is None:
        return Declined("no link run yet")
    new = store.applications_after(int(run.summary.get("max_rec", 0)))
    if new.height != 1:
        return Declined(f"{new.height} applications past the last run")
    key = str(new.item(0, "key"))
    judgements = [(j.kind, j.a, j.b) for j in store.judgements()]
    declined = judged(key, judgements, {})  # before any other read: naming it is enough
    if declined:
        return declined
    around = _neighbourhood(store, new)
    compared = _compared(store, around, scorers.scorer_of(run), run)
    # The identities of the applications it links to, and of those a "together" judgement
    # names: link_new reads every related application's, but no other changes its outcome
    # (an identity's rows all carry its network, so its partners' rows give it).
    partners = sorted({link.rec for link in compared.links})
    identity_of: dict[int, tuple[str, str | None]] = {}
    if partners:
        previous = store.links_of(partners).select("rec", "identity_id", "network_id")
        identity_of = {rec: (i, network) for rec, i, network in previous.iter_rows()}
    related_keys = {around.keys[rec] for rec in around.related}
    together = {k for kind, a, b in judgements if kind == "together" for k in (a, b)}
    named = sorted(together & related_keys)
    declined = judged(key, judgements, store.links_of_keys(named) if named else {})
    if declined:
        return declined
    placement = place(compared.links, identity_of, int(run.summary.get("last_identity", 0)))
    if isinstance(placement, Declined):
        return placement
    return _write(store, run, around, compared, placement, now, started)


def _neighbourhood(store: LinkingStore, new: pl.DataFrame) -> _Neighbourhood:
    """The stored applications ``link_new`` reads for this one (``increment._with_related``):
    the holders of its values under their caps, and the holders of its name within the
    name rule's window of it (the name under its cap)."""
    rec = int(new.item(0, "rec"))
    own = [
        (kind, value)
        for _, kind, value in store.values_of([rec]).iter_rows()
        if kind in VALUE_COLUMNS
    ]
    counts: list[tuple[str, str, int]] = []
    kept: list[tuple[str, str]] = []
    related: set[int] = set()
    if own:
        counts = list(store.value_counts(_values_frame(own)).iter_rows())
        kept = kept_values(counts)
    if kept:
        related |= set(store.holders_of_values(_values_frame(kept)).get_column("rec").to_list())
    name = new.item(0, "name_key")
    names: list[tuple[str, int]] = []
    if name is not None:
        names = list(store.name_counts([name]).iter_rows())
    if any(holders <= BLOCK_CAPS["name"] for _, holders in names):
        holders = store.holders_of_names([name])
        orders = holders.select(record_order(pl.col("key"))).to_series().to_list()
        placed = list(zip(holders.get_column("rec").to_list(), orders, strict=True))
        related |= set(window_neighbours(placed, rec, NAME_WINDOW))
    related.discard(rec)
    ordered = sorted(related)
    apps = pl.concat([new, store.applications_by_rec(ordered)]) if ordered else new
    keys = dict(
        zip(apps.get_column("rec").to_list(), apps.get_column("key").to_list(), strict=True)
    )
    kept_set = set(kept)
    values = [(rec, kind, value) for kind, value in own if (kind, value) in kept_set]
    return _Neighbourhood(rec, keys[rec], ordered, apps, keys, values, counts, names)


def _values_frame(values: Sequence[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(values, schema={"kind": pl.String, "key": pl.String}, orient="row")


def _compared(
    store: LinkingStore, around: _Neighbourhood, scorer: SingleScorer, run: LinkRun
) -> Compared:
    stored = store.values_of(around.related).iter_rows() if around.related else iter(())
    rows = around.apps.select(record_columns()).iter_rows(named=True)
    held = records(rows, [*around.values, *stored])
    total = int(run.summary.get("applications", 0)) + 1
    frequencies = term_frequencies(IDENTITY_SPEC, around.counts, around.names, total)
    return compare(around.rec, held, scorer, frequencies)


def _write(
    store: LinkingStore,
    run: LinkRun,
    around: _Neighbourhood,
    compared: Compared,
    placement: Placement,
    now: datetime,
    started: float,
) -> FastLinked:
    """The link, its edges and the run, with link_new's figures."""
    identity = placement.identity_id
    made = identity_edges(around.rec, compared.links, around.keys, identity, IDENTITY_SPEC)
    edges = tuple(
        Edge("identity", e.a, e.b, e.group_id, e.score, e.probability, e.evidence) for e in made
    )
    store.add_links([(around.key, placement.identity_id, placement.network_id)], {}, edges, now=now)
    summary = IncrementSummary(
        applications=1,
        compared_with=len(around.related),
        candidate_pairs=compared.candidate_pairs,
        links=len(compared.links),
        joined_existing=int(placement.joined),
        new_identities=int(not placement.joined),
    )
    summary.seconds["total"] = round(time.perf_counter() - started, 3)
    total = int(run.summary.get("applications", 0)) + 1
    store.save_link_run(
        mode="incremental",
        spec={"identity": [IDENTITY_SPEC.name, IDENTITY_SPEC.version]},
        model=run.model,
        summary=run_summary(summary, run, total, around.rec, id_number(identity)),
        now=now,
    )
    return FastLinked(
        around.key, placement.identity_id, placement.joined, placement.network_id, edges, summary
    )
