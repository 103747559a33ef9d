"""`fauxhire stats`: what the store holds."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from fauxhire.cli.console import open_app, out
from fauxhire.cli.options import DbOption
from fauxhire.terminal import cells

TOTALS = (
    "companies",
    "applications",
    "candidates",
    "interviews",
    "meeting_participants",
    "signin_events",
    "hires",
    "employer_reports",
    "indicators",
    "intel_objects",
    "ip_ranges",
    "quarantined",
)


def stats(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object, with every company.")
    ] = False,
    by_company: Annotated[
        bool, typer.Option("--by-company", help="Also list what each company's files hold.")
    ] = False,
    db: DbOption = None,
) -> None:
    """What the store holds: totals, per source and quarantined; per company on request."""
    from fauxhire.services import store_stats

    with open_app(db, read_only=True) as app:
        data = store_stats(app.store)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
        return
    table = Table(title="fauxhire store")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in TOTALS:
        table.add_row(*cells(key, f"{data[key]:,}"))
    out.print(table)
    _print_sections(data, by_company=by_company)
    if data["quarantined_by_reason"]:
        out.print(
            "quarantined by reason: "
            + ", ".join(f"{k} {v}" for k, v in data["quarantined_by_reason"].items())
        )


def _print_sections(data: dict[str, Any], *, by_company: bool) -> None:
    sections = [("by source", data["by_source"])]
    if by_company:  # a table as long as the member list: thousands of rows
        sections.append(("by company", data["by_company"]))
    for title, section in sections:
        sub = Table(title=title)
        sub.add_column(title.split()[-1])
        sub.add_column("records")
        for name, counts in section.items():
            sub.add_row(*cells(name, ", ".join(f"{k} {v}" for k, v in counts.items())))
        out.print(sub)
    if not by_company and data["by_company"]:
        out.print(f"{len(data['by_company']):,} companies: --by-company lists each")
