"""The whole pipeline on an input folder: ingest, join, link, assess and, when asked, the
campaign report. One copy, shared by `fauxhire run` and `fauxhire demo` (and by the API of a
later issue); `fauxhire ingest` is its first two stages on named files.

What differs between the callers comes in as a ``Plan``: `run` plans with the settings (the
ruleset in use, the community key, the input limits), the demo with the shipped ruleset and
the demo community key. The plan's ``ruleset`` is a loader, called when assessment starts, so
a bad ruleset fails where it always did: after linking, with the links kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.domain.sectors import TECH_DEFAULT
from fauxhire.enrich.keyed import MatchKeys
from fauxhire.ingest import Format, IngestContext, InputLimits
from fauxhire.ingest.base import DEFAULT_MAX_FIELD_BYTES
from fauxhire.services.assess import AssessSummary, assess_store
from fauxhire.services.file_results import FileResult
from fauxhire.services.ingest import (
    DEFAULT_CHUNK,
    Clock,
    IngestProgress,
    ingest_files,
    run_folder,
)
from fauxhire.services.joins import resolve_joins
from fauxhire.services.link import LinkSummary
from fauxhire.services.linker import Linker
from fauxhire.services.tombstones import tombstone_filter
from fauxhire.store import SqlStore, Store

if TYPE_CHECKING:
    from fauxhire.services.report import WrittenReport


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How files are read: items a transaction, parsing processes (None: one a core), and
    the limits past which a field, record or document is quarantined."""

    chunk_size: int = DEFAULT_CHUNK
    workers: int | None = None
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES
    limits: InputLimits | None = None
    erasure_key: bytes | None = None  # the key of the store's erasure tombstones, if any


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """The campaign report with default options but ``tech``, written to ``out``; indicators
    titled as in the ruleset at ``ruleset`` (None: the one shipped)."""

    out: Path
    tech: tuple[str, ...] = TECH_DEFAULT
    ruleset: Path | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What a whole run is given besides the store and the folder."""

    clock: Clock
    linker: Linker
    ruleset: Callable[[], LoadedRuleset]
    community_key: MatchKeys = None  # for partner indicators given as keyed hashes
    ingest: IngestOptions = field(default_factory=IngestOptions)
    report: ReportRequest | None = None


@dataclass(frozen=True, slots=True)
class PipelineResult:
    files: list[FileResult]
    joins: dict[str, int]
    linked: LinkSummary
    assessed: AssessSummary
    report: WrittenReport | None  # None: no report asked for
    seconds: dict[str, float]  # each stage's wall time, in order


def run_pipeline(
    store: SqlStore, folder: Path, plan: Plan, *, progress: IngestProgress | None = None
) -> PipelineResult:
    """Every stage, in order, on the input folder ``folder`` (docs/formats.md section 1)."""
    seconds: dict[str, float] = {}
    options = plan.ingest
    with _stage(seconds, "ingest"):
        files = run_folder(
            store,
            folder,
            clock=plan.clock,
            progress=progress,
            chunk_size=options.chunk_size,
            workers=options.workers,
            max_field_bytes=options.max_field_bytes,
            limits=options.limits,
            tombstones=tombstone_filter(store, options.erasure_key),
        )
    with _stage(seconds, "joins"):
        joins = resolve_joins(store)
        _refresh_if_bulk(store, files)
    with _stage(seconds, "link"):
        linked = plan.linker.link(store, now=plan.clock())
    with _stage(seconds, "assess"):
        assessed = assess_store(
            store, now=plan.clock(), ruleset=plan.ruleset(), community_key=plan.community_key
        )
    report = None
    if plan.report is not None:
        with _stage(seconds, "report"):
            report = _write_report(store, plan.report, plan.clock)
    return PipelineResult(files, joins, linked, assessed, report, seconds)


def ingest_and_join(
    store: SqlStore,
    fmt: Format,
    paths: Sequence[Path],
    *,
    company_id: str | None,
    clock: Clock,
    options: IngestOptions,
    progress: IngestProgress | None = None,
) -> list[FileResult]:
    """Files of one format ingested, then joined to what the store already holds."""
    context = IngestContext(
        company_countries=store.company_countries(),
        max_field_bytes=options.max_field_bytes,
        limits=options.limits or InputLimits(),
    )
    results = ingest_files(
        store,
        fmt,
        paths,
        company_id=company_id,
        clock=clock,
        context=context,
        progress=progress,
        chunk_size=options.chunk_size,
        workers=options.workers,
        tombstones=tombstone_filter(store, options.erasure_key),
    )
    resolve_joins(store)
    _refresh_if_bulk(store, results)
    return results


# Records an ingest stores at least, for the record tables' planner statistics to be refreshed
# after it (``Store.refresh_statistics``): below that, autovacuum's own analyses keep up.
BULK_RECORDS = 10_000


def _refresh_if_bulk(store: SqlStore, results: Sequence[FileResult]) -> None:
    if sum(r.records for r in results if r.status == "done") >= BULK_RECORDS:
        store.refresh_statistics("records")


def _write_report(store: Store, request: ReportRequest, clock: Clock) -> WrittenReport:
    # Imported when a report is asked for: the charts' matplotlib takes a second to load.
    from fauxhire.report.options import report_options
    from fauxhire.services.report import indicator_titles, write_report

    options = report_options(tech=request.tech)
    titles = indicator_titles(request.ruleset)
    return write_report(store, request.out, options, now=clock(), titles=titles)


@contextmanager
def _stage(seconds: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = time.perf_counter() - started
