"""Options more than one command takes, said once so their help reads the same everywhere."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from fauxhire.project import PROJECT_FILE

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLite file or postgresql://USER@HOST/DB. Without it, FAUXHIRE_DB, "
        f"else the db of {PROJECT_FILE} (here or in a folder above), else ./fauxhire.db.",
    ),
]
VerboseOption = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Also list every file with its outcome, not only the counts."
    ),
]
AnalystOption = Annotated[
    str | None, typer.Option("--analyst", help="Who judges (default: the OS user).")
]


ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who does this, for the audit trail (default: the OS user)."),
]


def analyst_or_os_user(analyst: str | None) -> str:
    """The analyst named, else the OS user: who a judgement or decision is kept with."""
    if analyst is not None:
        return analyst
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        return ""
