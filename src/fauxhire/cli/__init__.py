"""The command line: `fauxhire ingest`, `run`, `link`, `assess`, `judge`, `disposition`,
`rules`, `show`, `export`, `report`, `stats`, `quarantine list`, `keys`, `members`, `audit verify`,
`webhooks`, `erase`, `retention apply`, `share export`, `serve`, and the lab's `demo`, `evaluate`.

Errors of our tree are printed as one clear line on stderr with a non-zero exit; progress and
logs go to stderr, results to stdout, so output composes with other tools.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint
from typing import Any

import typer

from fauxhire.cli import (
    assess,
    audit,
    disposition,
    erase,
    export,
    ingest,
    judge,
    keys,
    link,
    members,
    quarantine,
    report,
    retention,
    rules,
    run,
    serve,
    share,
    show,
    stats,
    webhooks,
)
from fauxhire.cli.console import HELP_MARKUP, err, out
from fauxhire.cli.contributed import load_contributed, registered
from fauxhire.errors import FauxhireError
from fauxhire.terminal import inert, styled

__all__ = ["app", "application", "err", "main", "make_app", "out"]


def make_app(contributions: Iterable[EntryPoint]) -> typer.Typer:
    """The commands, then the groups of sub-commands, in the order `fauxhire --help` lists:
    each time the product's own first, then those the entry points contribute
    (cli/contributed.py)."""
    root = typer.Typer(
        no_args_is_help=True, rich_markup_mode=HELP_MARKUP, add_completion=False, help=__doc__
    )
    commands: tuple[tuple[str, Callable[..., Any]], ...] = (
        ("ingest", ingest.ingest),
        ("run", run.run),
        ("link", link.link),
        ("resolve", link.resolve),
        ("assess", assess.assess),
        ("report", report.report),
        ("stats", stats.stats),
        ("erase", erase.erase),
        ("serve", serve.serve),
    )
    groups = (
        ("quarantine", quarantine.app),
        ("show", show.app),
        ("export", export.app),
        ("judge", judge.app),
        ("disposition", disposition.app),
        ("rules", rules.app),
        ("keys", keys.app),
        ("members", members.app),
        ("audit", audit.app),
        ("webhooks", webhooks.app),
        ("retention", retention.app),
        ("share", share.app),
    )
    contributed = load_contributed(contributions, {name for name, _ in (*commands, *groups)})
    for name, command in (*commands, *contributed.commands):
        root.command(name=name)(command)
    for name, group in (*groups, *contributed.groups):
        root.add_typer(group, name=name)
    return root


_app: typer.Typer | None = None


def application() -> typer.Typer:
    """The command line, built on first use rather than on import: a contributed command's
    module (the lab's) imports fauxhire.cli's helpers, and building the app while it is half
    imported would load that same module again through its entry point."""
    global _app
    if _app is None:
        _app = make_app(registered())
    return _app


def __getattr__(name: str) -> Any:
    """``fauxhire.cli.app``, as before: the command line, built on first use."""
    if name == "app":
        return application()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    try:
        application()()
    except FauxhireError as exc:
        line = styled(("error", "red"), f" {exc.code}: ")
        line.append(inert(exc.message, keep_newlines=True))  # a RuleError lists one a line
        # Unwrapped, whatever the width: a line to search for and copy.
        err.print(line, soft_wrap=True)
        sys.exit(1)
