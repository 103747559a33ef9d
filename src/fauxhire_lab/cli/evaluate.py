"""`fauxhire evaluate --truth DIR`: what the store holds scored against a demo's truth."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import err, open_app, out
from fauxhire.cli.options import DbOption
from fauxhire.terminal import cells, styled

if TYPE_CHECKING:
    from fauxhire_lab.evaluation import Evaluation

_VERDICT_STYLE = {"pass": "green", "FAIL": "bold red", "missing": "yellow"}


def evaluate(
    truth: Annotated[
        Path, typer.Option("--truth", help="The truth folder of a demo world (docs/truth.md).")
    ],
    json_file: Annotated[
        str | None,
        typer.Option(
            "--json", metavar="FILE", help="Also write the result as JSON; '-': stdout, no table."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Score what the store holds (links, assessments, report) against a truth folder."""
    from fauxhire_lab.evaluation import load_truth
    from fauxhire_lab.services.evaluate import evaluate_store

    loaded = load_truth(truth)  # a bad truth folder is named before the store is opened
    with open_app(db, read_only=True) as app:
        result = evaluate_store(app.store, loaded)
    text = json.dumps(result.to_json(), indent=2) + "\n"
    if json_file == "-":
        sys.stdout.write(text)
        return
    _print_evaluation(result)
    if json_file:
        Path(json_file).write_text(text, encoding="utf-8")
        err.print(f"wrote {json_file}")


def _print_evaluation(result: Evaluation) -> None:
    from fauxhire_lab.evaluation import summary_rows

    table = Table(title=f"Evaluation against {result.truth}")
    for column in ("stage", "measure", "value", "verdict"):
        table.add_column(column, overflow="fold")
    for row in summary_rows(result):
        style = _VERDICT_STYLE.get(row.verdict)
        table.add_row(*cells(row.stage, row.measure, row.value), styled((row.verdict, style or "")))
    out.print(table)
