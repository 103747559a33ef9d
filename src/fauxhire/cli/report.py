"""`fauxhire report`: the campaign report of the assessed identities, as HTML and JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import open_app
from fauxhire.cli.options import DbOption
from fauxhire.cli.printing import print_report

OutOption = Annotated[
    Path, typer.Option("--out", help="The folder for report.html and report.json.")
]
FromOption = Annotated[
    datetime | None,
    typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the window (UTC)."),
]
ToOption = Annotated[
    datetime | None,
    typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the window, inclusive."),
]
MinLevelOption = Annotated[
    str, typer.Option(help="The lowest estimative level reported, e.g. 'very likely'.")
]
SectorOption = Annotated[
    list[str] | None,
    typer.Option(
        "--sector",
        help="Only companies of this NAICS sector or code prefix "
        "(repeatable): 52, 62, 31-33, 5415.",
    ),
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option(
        "--country", help="Only companies headquartered here, ISO alpha-2 (repeatable): US, GB."
    ),
]
TechOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tech",
        help="NAICS prefixes that count as tech (repeatable; default "
        "FAUXHIRE_REPORT_TECH, or 51 and 5415).",
    ),
]
AnonymiseOption = Annotated[
    bool,
    typer.Option(
        "--anonymise",
        help="Leave out company and person names: a report that leaves the organisation.",
    ),
]
TitleOption = Annotated[str | None, typer.Option(help="The report's title.")]


def report(
    out_dir: OutOption,
    start: FromOption = None,
    end: ToOption = None,
    min_level: MinLevelOption = "likely",
    sectors: SectorOption = None,
    countries: CountryOption = None,
    tech: TechOption = None,
    anonymise: AnonymiseOption = False,
    title: TitleOption = None,
    db: DbOption = None,
) -> None:
    """Write the campaign report of the identities assessed --min-level or higher: report.html
    (charts and tables, one file that opens offline) and report.json (docs/formats.md
    section 11)."""
    from fauxhire.report.options import report_options
    from fauxhire.services.report import indicator_titles, write_report

    with open_app(db) as app:
        options = report_options(
            start=start.date() if start else None,
            end=end.date() if end else None,
            min_level=min_level,
            sectors=tuple(sectors or ()),
            countries=tuple(countries or ()),
            tech=tuple(tech or app.settings.report_tech),
            anonymise=anonymise,
            **({"title": title} if title else {}),
        )
        titles = indicator_titles(app.settings.ruleset)
        written = write_report(app.store, out_dir, options, now=app.now(), titles=titles)
    print_report(written)
