"""`fauxhire link`: applications into identities, identities into networks."""

from __future__ import annotations

from typing import Annotated

import typer

from fauxhire.cli.console import open_app
from fauxhire.cli.options import DbOption
from fauxhire.cli.printing import print_increment, print_link

NewOption = Annotated[
    bool,
    typer.Option(
        "--new",
        help="Link only the applications stored since the last run into its identities, "
        "with its model: seconds for a batch. Networks wait for the next full run.",
    ),
]


def link(db: DbOption = None, new: NewOption = False) -> None:
    """Resolve applications into identities and identities into networks, with evidence.

    Ids stay stable across runs for identities and networks whose members did not change.
    """
    with open_app(db) as app:
        if new:
            print_increment(app.linker.link_new(app.store, now=app.now()))
            return
        linked = app.linker.link(app.store, now=app.now())
    print_link(linked)
