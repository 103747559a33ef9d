"""`fauxhire link`: applications into identities, identities into networks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import err, open_app
from fauxhire.cli.options import DbOption
from fauxhire.cli.printing import print_increment, print_link
from fauxhire.errors import ConfigError
from fauxhire.link import engines

NewOption = Annotated[
    bool,
    typer.Option(
        "--new",
        help="Link only the applications stored since the last run into its identities, "
        "with its model: seconds for a batch. Networks wait for the next full run.",
    ),
]


EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        metavar="NAME",
        help=f"The linking engine to link with, one of: {', '.join(engines.names())}.",
    ),
]


MasterOption = Annotated[
    str | None,
    typer.Option(
        "--master",
        metavar="URL",
        help="Where the spark engine runs: a Spark master URL (spark://..., yarn, "
        "k8s://...); local mode on every core by default.",
    ),
]


ResolutionOption = Annotated[
    Path | None,
    typer.Option(
        "--resolution",
        metavar="DIR",
        help="Take the identities from a folder `fauxhire resolve` wrote from this store's "
        "records (`fauxhire export records`), instead of resolving them here.",
    ),
]


def link(
    db: DbOption = None,
    new: NewOption = False,
    engine: EngineOption = engines.DEFAULT,
    master: MasterOption = None,
    resolution: ResolutionOption = None,
) -> None:
    """Resolve applications into identities and identities into networks, with evidence.

    Ids stay stable across runs for identities and networks whose members did not change.
    """
    from fauxhire.services.linker import Linker

    if new and resolution is not None:
        raise typer.BadParameter("a resolution is of every application", param_hint="--new")
    linker = Linker(engine, master)  # an unknown engine is refused before the store is opened
    with open_app(db) as app:
        if new:
            print_increment(linker.link_new(app.store, now=app.now()))
            return
        linked = linker.link(app.store, now=app.now(), resolution=resolution)
    print_link(linked)


def resolve(
    records: Annotated[
        str,
        typer.Argument(
            metavar="RECORDS",
            help="A records folder (`fauxhire export records`): a path, or for the spark "
            "engine any URI its cluster reads (s3a://, abfss://, hdfs://); with --table, a "
            "PostgreSQL URL (postgresql://... or jdbc:postgresql://...).",
        ),
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", help="The resolution folder to write (a path here).")
    ],
    engine: EngineOption = engines.DEFAULT,
    master: MasterOption = None,
    seed: Annotated[int, typer.Option("--seed", help="The u sample's random seed.")] = 0,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="Read the records from this table of the PostgreSQL database RECORDS names "
            "(`fauxhire export records --table`), over JDBC: the spark engine.",
        ),
    ] = None,
) -> None:
    """Resolve a records folder, or records tables in PostgreSQL, into identities, with no
    store: the step of a link that grows with the data, for an engine on a cluster.
    `fauxhire link --resolution DIR` finishes the run in the store."""
    from fauxhire.link.identities import IDENTITY_SPEC

    chosen = engines.engine(engine, master)
    # A database URL may hold a password: name only the table (the engine's messages hide it).
    source = records if table is None else f"table {table}"
    try:
        written = chosen.resolve_files(records, str(out_dir), IDENTITY_SPEC, seed=seed, table=table)
    except (ValueError, FileNotFoundError) as exc:
        raise ConfigError(f"cannot resolve {source}: {exc}", path=source) from exc
    err.print(
        f"resolved {written.records:,} records into {written.clusters:,} identities "
        f"({written.links:,} links) in {out_dir}",
        markup=False,
    )
