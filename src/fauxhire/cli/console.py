"""Where the command line writes, and how a command opens the app.

Results go to ``out`` (stdout), progress, logs and errors to ``err`` (stderr), so output
composes with other tools; both consoles show data inert (fauxhire/terminal.py). A command
opens the app through ``open_app``: bootstrap's, logging to ``err``.

The command modules import the services, bootstrap and what they bring (polars, SQLAlchemy)
inside their commands, never at the top: `fauxhire --help` imports every command module, and
issue 17 wants it under half a second (tests/unit/test_cli_imports.py holds them to it).
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Final

import typer
from rich.logging import RichHandler

from fauxhire.terminal import InertConsole, InertFormatter

if TYPE_CHECKING:
    from fauxhire import bootstrap

# Markdown: a docstring's paragraphs are reflowed to the screen's width (in "rich" mode Typer
# keeps the docstring's own line breaks, so help broke mid-sentence), and `code` shows as code.
HELP_MARKUP: Final = "markdown"

out = InertConsole()
err = InertConsole(stderr=True)


def group(help: str) -> typer.Typer:
    """A group of sub-commands (`fauxhire show ...`): its help when called bare."""
    return typer.Typer(no_args_is_help=True, rich_markup_mode=HELP_MARKUP, help=help)


def log_handler() -> logging.Handler:
    handler = RichHandler(console=err, show_path=False, show_time=False)
    handler.setFormatter(InertFormatter("%(message)s"))
    return handler


def open_app(db: str | None, *, read_only: bool = False) -> AbstractContextManager[bootstrap.App]:
    """The app on the store the command names (bootstrap.open_app), logging to stderr."""
    from fauxhire import bootstrap

    return bootstrap.open_app(db, read_only=read_only, log_handler=log_handler())
