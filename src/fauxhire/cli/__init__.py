"""The command line: `fauxhire ingest`, `run`, `link`, `assess`, `judge`, `disposition`,
`rules`, `show`, `export`, `report`, `stats`, `quarantine list`, `demo`, `evaluate`.

Errors of our tree are printed as one clear line on stderr with a non-zero exit; progress and
logs go to stderr, results to stdout, so output composes with other tools.
"""

from __future__ import annotations

import sys

import typer

from fauxhire.cli import (
    assess,
    demo,
    disposition,
    evaluate,
    export,
    ingest,
    judge,
    link,
    quarantine,
    report,
    rules,
    run,
    show,
    stats,
)
from fauxhire.cli.console import HELP_MARKUP, err, out
from fauxhire.errors import FauxhireError
from fauxhire.terminal import inert, styled

__all__ = ["app", "err", "main", "out"]


def _app() -> typer.Typer:
    """The commands, then the groups of sub-commands, in the order `fauxhire --help` lists."""
    root = typer.Typer(
        no_args_is_help=True, rich_markup_mode=HELP_MARKUP, add_completion=False, help=__doc__
    )
    for command in (
        ingest.ingest,
        run.run,
        link.link,
        assess.assess,
        report.report,
        stats.stats,
        demo.demo,
        evaluate.evaluate,
    ):
        root.command()(command)
    for name, group in (
        ("quarantine", quarantine.app),
        ("show", show.app),
        ("export", export.app),
        ("judge", judge.app),
        ("disposition", disposition.app),
        ("rules", rules.app),
    ):
        root.add_typer(group, name=name)
    return root


app = _app()


def main() -> None:
    try:
        app()
    except FauxhireError as exc:
        line = styled(("error", "red"), f" {exc.code}: ")
        line.append(inert(exc.message, keep_newlines=True))  # a RuleError lists one a line
        # Unwrapped, whatever the width: a line to search for and copy.
        err.print(line, soft_wrap=True)
        sys.exit(1)
