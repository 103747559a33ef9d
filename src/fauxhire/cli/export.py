"""`fauxhire export links|assessments`: outputs in the formats of docs/formats.md section 11."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import err, group, open_app
from fauxhire.cli.options import DbOption

app = group("Outputs in the formats of docs/formats.md section 11.")


@app.command("links")
def export_links(
    out_file: Annotated[Path, typer.Option("--out", help="The CSV file to write.")],
    db: DbOption = None,
) -> None:
    """One row an application: company_id, application_id, candidate_id, identity_id,
    network_id (docs/formats.md section 11)."""
    from fauxhire.services.export import write_links_csv

    with open_app(db, read_only=True) as opened:
        written = write_links_csv(opened.store, out_file)
    err.print(f"wrote {written:,} links to {out_file}", markup=False)


@app.command("assessments")
def export_assessments(
    out_file: Annotated[Path, typer.Option("--out", help="The JSON Lines file to write.")],
    min_level: Annotated[
        str, typer.Option("--min-level", help="Only identities at this level or higher.")
    ] = "almost no chance",
    db: DbOption = None,
) -> None:
    """One object an identity: identity_id, network_id, probability, level and evidence
    (docs/formats.md section 11), strongest first; with the ruleset version and hash."""
    from fauxhire.domain.levels import level_floor
    from fauxhire.services.export import write_assessments_jsonl

    try:
        floor = level_floor(min_level)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--min-level") from exc
    with open_app(db, read_only=True) as opened:
        written = write_assessments_jsonl(opened.store, out_file, min_probability=floor)
    err.print(f"wrote {written:,} identity assessments to {out_file}", markup=False)
