"""`fauxhire ingest FORMAT PATHS`: files of one format into the store, joined to the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import open_app
from fauxhire.cli.options import DbOption, VerboseOption
from fauxhire.cli.printing import print_results
from fauxhire.cli.progress import progress_bars
from fauxhire.ingest import FORMATS, get_format


def ingest(
    format: Annotated[str, typer.Argument(help=f"One of: {', '.join(FORMATS)}.")],
    paths: Annotated[
        list[Path],
        typer.Argument(exists=True, help="Files to ingest; a folder stands for its files."),
    ],
    company: Annotated[
        str | None,
        typer.Option(
            "--company", help="The member company the files came from (default: each file's name)."
        ),
    ] = None,
    db: DbOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Ingest files of one format into the store, then join them to what is already there."""
    from fauxhire.services.pipeline import ingest_and_join

    fmt = get_format(format)
    with open_app(db) as app, progress_bars() as bar:
        results = ingest_and_join(
            app.store,
            fmt,
            paths,
            company_id=company,
            clock=app.now,
            options=app.ingest,
            progress=bar,
        )
    print_results(results, verbose=verbose)
    if any(r.status == "refused" for r in results):
        raise typer.Exit(2)
