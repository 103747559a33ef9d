"""`fauxhire rules check|docs`: the assessment ruleset checked and documented. Neither opens
the store; both bound the ruleset's YAML as the settings say."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import err, group, out
from fauxhire.terminal import styled

app = group("The assessment ruleset: check it, document it.")


@app.command("check")
def rules_check(
    file: Annotated[Path, typer.Argument(help="A ruleset YAML file.")],
) -> None:
    """Report every problem of a ruleset with its file:line; exit 1 if any is an error."""
    from fauxhire.bootstrap import configure

    loaded, problems = configure().check_ruleset(file)
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        out.print(styled((str(problem), style)))
    if loaded is None:
        errors = sum(p.severity == "error" for p in problems)
        err.print(f"{file}: {errors} error(s)")
        raise typer.Exit(1)
    out.print(
        f"{file}: ok, {loaded.label}, {len(loaded.ruleset.active)} active indicators, "
        f"{loaded.content_hash}"
    )


@app.command("docs")
def rules_docs(
    file: Annotated[
        Path | None, typer.Option("--ruleset", help="A ruleset file (default: the one in use).")
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write Markdown here (default: stdout).")
    ] = None,
) -> None:
    """The indicator reference, generated from the ruleset: ids, weights, what each reads."""
    from fauxhire.bootstrap import configure
    from fauxhire.services.rules import render_docs

    # The project file's ruleset and limits, as every command.
    text = render_docs(configure().load_ruleset(file))
    if out_file is None:
        sys.stdout.write(text)
        return
    out_file.write_text(text, encoding="utf-8")
    err.print(f"wrote {out_file}")
