"""What more than one command prints: the ingest tables, the link, assessment and report
lines, and a moment in words. Data reaches the terminal inert (fauxhire/terminal.py)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.table import Table

from fauxhire.cli.console import err, out
from fauxhire.terminal import cells, styled

if TYPE_CHECKING:
    from fauxhire.services import FileResult
    from fauxhire.services.assess import AssessSummary
    from fauxhire.services.increment import IncrementSummary
    from fauxhire.services.link import LinkSummary
    from fauxhire.services.report import WrittenReport

log = logging.getLogger(__name__)

_COUNTS = ("records", "quarantined")
_REFUSED_SHOWN = 20


def print_results(results: list[FileResult], *, verbose: bool = False) -> None:
    from fauxhire.services import summarise

    if verbose:
        _print_files(results)
    table = Table(title="Ingest")
    columns = ("format", "files", "ingested", "skipped", "refused", "records", "quarantined")
    for column in columns:
        table.add_column(column, justify="left" if column == "format" else "right")
    for s in summarise(results):
        counts = (s.files, s.done, s.skipped, s.refused, s.records, s.quarantined)
        table.add_row(*cells(s.format, *(f"{n:,}" for n in counts)))
    out.print(table)
    refused = [r for r in results if r.error]
    for r in refused[:_REFUSED_SHOWN]:
        err.print(styled(("refused", "red"), " ", r.file, ": ", r.error or ""), soft_wrap=True)
    if len(refused) > _REFUSED_SHOWN:
        more = (f"and {len(refused) - _REFUSED_SHOWN} more refused", "red")
        err.print(styled(more, ": `fauxhire quarantine list` shows them all"))


def _print_files(results: list[FileResult]) -> None:
    files = Table(title="Ingest: files")
    files.add_column("file", overflow="fold")
    for column in ("format", "status", "records", "quarantined"):
        files.add_column(column, justify="right" if column in _COUNTS else "left")
    for r in results:
        files.add_row(*cells(r.file, r.format, r.status, r.records, r.quarantined))
    out.print(files)


def print_increment(linked: IncrementSummary) -> None:
    out.print(
        f"linked {linked.applications:,} new applications: {linked.joined_existing:,} joined "
        f"an existing identity, {linked.new_identities:,} new identities, "
        f"{linked.merged_identities:,} identities merged "
        f"(compared with {linked.compared_with:,} stored applications)"
    )
    log.info("link: timings (s) %s", linked.seconds)  # for whoever tunes it: quiet by default


def print_link(linked: LinkSummary) -> None:
    out.print(
        f"linked {linked.applications:,} applications into {linked.identities:,} identities "
        f"({linked.multi_application_identities:,} with several applications) and "
        f"{linked.networks:,} networks of {linked.networked_identities:,} identities"
    )
    log.info("link: timings (s) %s", linked.seconds)  # for whoever tunes it: quiet by default


def print_assess(summary: AssessSummary) -> None:
    out.print(
        f"assessed {summary.identities:,} identities and {summary.networks:,} networks under "
        f"{summary.ruleset} in {summary.seconds:.1f} s: {summary.flagged_identities:,} "
        f"identities and {summary.flagged_networks:,} networks likely or higher, for review"
    )
    out.print(", ".join(f"{level} {count:,}" for level, count in summary.by_level.items()))


def print_report(written: WrittenReport) -> None:
    f = written.figures
    start, end = f["period"]["start"], f["period"]["end"]
    period = f"{start} to {end}" if start else "no applications in scope"
    out.print(
        f"{f['identities']:,} identities, {f['interviews']:,} interviews, {f['companies']:,} "
        f"companies ({period}) in {written.seconds:.1f} s"
    )
    out.print(f"report: {written.html}", soft_wrap=True)
    out.print(f"figures: {written.json}", soft_wrap=True)


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
