"""`fauxhire report`: the campaign report of the store's assessed identities, written as
report.json and report.html and kept in the store for `fauxhire evaluate`."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from fauxhire.domain.evidence import IndicatorEvidence, decoded, to_json
from fauxhire.errors import ConfigError
from fauxhire.report.charts import make_charts
from fauxhire.report.figures import (
    APPLICATIONS,
    COMPANIES,
    IDENTITIES,
    NETWORKS,
    ReportData,
    campaign_figures,
)
from fauxhire.report.options import ReportOptions
from fauxhire.report.page import render_page
from fauxhire.store import Store
from fauxhire.store.outputs import save_report
from fauxhire.store.reporting import (
    read_assessed,
    read_directory,
    read_reported_applications,
)

log = logging.getLogger(__name__)

INDICATORS_SHOWN = 3  # an identity's strongest evidence, in its row of the report


@dataclass(frozen=True, slots=True)
class WrittenReport:
    html: Path
    json: Path
    report_id: int
    figures: dict[str, Any]
    seconds: float


def indicator_titles(ruleset: Path | None = None) -> dict[str, str]:
    """Each indicator's title in the ruleset in use (a private one, or the one shipped)."""
    from fauxhire.services.assess import load_ruleset

    return {i.id: i.title for i in load_ruleset(ruleset).ruleset.indicators}


def read_report_data(
    store: Store, options: ReportOptions, titles: Mapping[str, str] | None = None
) -> ReportData:
    """What the figures are computed from, as ``report.figures`` expects it; ``titles`` name
    the indicators in words (default: the titles of the ruleset shipped)."""
    # A store of companies and no applications (a folder of companies.csv alone, which is
    # valid) has nothing to assess, and its report is empty. One with applications and no
    # assessments, or with nothing at all (a wrong --db), was never assessed.
    if not store.count("assessments") and (
        store.count("applications") or not store.count("companies")
    ):
        raise ConfigError("the store holds no assessments: run `fauxhire assess` first")
    levels = options.levels()
    apps = read_reported_applications(store, levels, with_names=not options.anonymise)
    if not options.anonymise:
        # Applied names are personal data: say that they were read, and for how many.
        log.info("report: read the applied names of %d applications", apps.height)
    identities = read_assessed(store, "identity", levels)
    networks = read_assessed(store, "network")
    ruleset = identities.head(1).select("ruleset_version", "ruleset_hash").rows()
    return ReportData(
        applications=apps.select(
            "identity_id",
            "company_id",
            pl.col("applied_on").str.to_date("%Y-%m-%d"),
            pl.col("interview").cast(pl.Boolean),
            "job_title",
            "name",
        ).cast(APPLICATIONS),  # type: ignore[arg-type]
        companies=_companies(read_directory(store)),
        identities=identities.select(
            pl.col("subject_id").alias("identity_id"),
            "network_id",
            "probability",
            "level",
            _strongest(pl.col("evidence")).alias("indicators"),
        ).cast(IDENTITIES),  # type: ignore[arg-type]
        networks=networks.select(
            pl.col("subject_id").alias("network_id"), "probability", "level"
        ).cast(NETWORKS),  # type: ignore[arg-type]
        ruleset={
            "version": ruleset[0][0] if ruleset else None,
            "hash": ruleset[0][1] if ruleset else None,
        },
        indicator_titles=indicator_titles() if titles is None else titles,
    )


def _companies(directory: pl.DataFrame) -> pl.DataFrame:
    tags = pl.col("tags").fill_null("[]").str.json_decode(pl.List(pl.String))
    return directory.select(
        "company_id",
        "company_name",
        "country",
        "naics",
        tags.list.contains("ai").fill_null(False).alias("ai"),
    ).cast(COMPANIES)  # type: ignore[arg-type]


def _strongest(evidence: pl.Expr) -> pl.Expr:
    """The ids of the indicators that weigh most for the identity, strongest first."""
    return (
        decoded(evidence.fill_null(to_json(())), IndicatorEvidence, only=("indicator", "weight"))
        # One struct sorted on itself (weight negated, then the id) rather than sort_by with
        # separate keys: polars evaluates such keys on the unfiltered list, which fails or
        # misorders as soon as any evidence weighs against.
        .list.eval(
            pl.struct(
                (-pl.element().struct.field("weight")).alias("against"),
                pl.element().struct.field("indicator"),
            )
            .filter(pl.element().struct.field("weight") > 0)
            .sort()
            .struct.field("indicator")
            .head(INDICATORS_SHOWN)
        )
    )


def build_report(
    store: Store,
    options: ReportOptions,
    *,
    now: datetime,
    titles: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], str]:
    """The report's figures (report.json) and page (report.html)."""
    started = time.perf_counter()
    data = read_report_data(store, options, titles)
    log.info(
        "report: read %d applications of %d identities in %.1f s",
        data.applications.height,
        data.identities.height,
        time.perf_counter() - started,
    )
    figures = campaign_figures(data, options, generated_at=now)
    page = render_page(figures, make_charts(figures))
    return figures, page


def write_report(
    store: Store,
    out: Path,
    options: ReportOptions,
    *,
    now: datetime,
    titles: Mapping[str, str] | None = None,
) -> WrittenReport:
    """Write DIR/report.json and DIR/report.html, and keep the figures in the store."""
    started = time.perf_counter()
    figures, page = build_report(store, options, now=now, titles=titles)
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "report.json", out / "report.html"
    # A report with names holds applicants' personal data: readable by its owner only.
    mode = 0o644 if options.anonymise else 0o600
    _write(json_path, orjson.dumps(figures, option=orjson.OPT_INDENT_2) + b"\n", mode)
    _write(html_path, page.encode("utf-8"), mode)
    report_id = save_report(store, figures, options.model_dump(mode="json"), now=now)
    return WrittenReport(html_path, json_path, report_id, figures, time.perf_counter() - started)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write a whole file or nothing (a reader never sees half a report), with ``mode``."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)  # a file left by a killed run may have another mode
            fh.write(data)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
