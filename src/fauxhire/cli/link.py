"""`fauxhire link`: applications into identities, identities into networks."""

from __future__ import annotations

from typing import Annotated

import typer

from fauxhire.cli.console import open_app
from fauxhire.cli.options import DbOption
from fauxhire.cli.printing import print_increment, print_link
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


def link(
    db: DbOption = None,
    new: NewOption = False,
    engine: EngineOption = engines.DEFAULT,
    master: MasterOption = None,
) -> None:
    """Resolve applications into identities and identities into networks, with evidence.

    Ids stay stable across runs for identities and networks whose members did not change.
    """
    from fauxhire.services.linker import Linker

    linker = Linker(engine, master)  # an unknown engine is refused before the store is opened
    with open_app(db) as app:
        if new:
            print_increment(linker.link_new(app.store, now=app.now()))
            return
        linked = linker.link(app.store, now=app.now())
    print_link(linked)
