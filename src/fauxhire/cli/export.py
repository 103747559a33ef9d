"""`fauxhire export links|assessments|records`: outputs in the formats of docs/formats.md
section 11, and the records for linking on a cluster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fauxhire.cli.console import err, group, open_app
from fauxhire.cli.options import ByOption, DbOption, analyst_or_os_user

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


@app.command("records")
def export_records(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="The records folder to write (Parquet).")
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="Write PostgreSQL tables TABLE and TABLE_judgements instead of a folder, "
            "for the Spark engine to read over JDBC (`fauxhire resolve URL --table TABLE`).",
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="With --table: the PostgreSQL database (default: the store's)."),
    ] = None,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why they leave the store, for the audit trail.")
    ] = "linking on a cluster",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """The identity records and the analysts' judgements, for `fauxhire resolve` on a
    cluster (docs/linking-at-scale.md): a folder of Parquet, or tables in PostgreSQL. They
    hold applicants' contact details as linking compares them: the export is an event in the
    audit trail; keep them where the store is kept."""
    from fauxhire.services.link_files import export_records as write_folder
    from fauxhire.services.link_files import export_records_table

    if (out_dir is None) == (table is None):
        raise typer.BadParameter("give one of --out DIR and --table NAME", param_hint="--out")
    if to is not None and table is None:
        raise typer.BadParameter("--to goes with --table", param_hint="--to")
    with open_app(db) as opened, opened.store.unit_of_work():
        actor, now = analyst_or_os_user(by), opened.now()
        if table is not None:
            target = to or opened.settings.db
            written = export_records_table(
                opened.store, target, table, actor=actor, purpose=purpose, now=now
            )
            where = f"table {table}"
        else:
            assert out_dir is not None
            written = write_folder(opened.store, out_dir, actor=actor, purpose=purpose, now=now)
            where = str(out_dir)
    err.print(f"wrote {written:,} records to {where}", markup=False)
