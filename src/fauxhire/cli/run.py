"""`fauxhire run FOLDER`: the whole pipeline on an input folder (services/pipeline.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import err, open_app
from fauxhire.cli.options import DbOption, VerboseOption
from fauxhire.cli.printing import print_assess, print_link, print_report, print_results
from fauxhire.cli.progress import progress_bars
from fauxhire.terminal import styled

log = logging.getLogger(__name__)

ReportDirOption = Annotated[
    Path | None,
    typer.Option(
        "--report",
        metavar="DIR",
        help="Also write the campaign report (default options) to DIR; "
        "`fauxhire report` writes one with a window, filters or --anonymise.",
    ),
]


def run(
    folder: Annotated[
        Path,
        typer.Argument(
            exists=True, file_okay=False, help="An input folder (docs/formats.md section 1)."
        ),
    ],
    db: DbOption = None,
    report_dir: ReportDirOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Ingest an input folder, join the sources, link, assess, and with --report write the
    campaign report."""
    from fauxhire.services.pipeline import run_pipeline

    with open_app(db) as app, progress_bars() as bar:
        ran = run_pipeline(app.store, folder, app.plan(report_dir), progress=bar)
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in ran.seconds.items())
    log.info("run: %s", stages)
    print_results(ran.files, verbose=verbose)
    err.print(f"joined: {ran.joins}")
    print_link(ran.linked)
    print_assess(ran.assessed)
    if ran.report is not None:
        print_report(ran.report)
    if any(r.status == "refused" for r in ran.files):
        err.print(styled(("some files were refused; see `fauxhire quarantine list`", "yellow")))
