"""`fauxhire demo`: a generated world run through the whole pipeline, and what came out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import open_app, out
from fauxhire.cli.options import DbOption
from fauxhire.cli.progress import OneBar, progress_bars

if TYPE_CHECKING:
    from fauxhire_lab.services.demo import DemoResult, ProjectNote

SizeOption = Annotated[
    str, typer.Option(help="small, medium, large, or a number of legitimate applicants.")
]
SeedOption = Annotated[int, typer.Option(help="The same seed gives the same world.")]
OutOption = Annotated[
    Path, typer.Option("--out", help="Where the input folder, truth folder and store go.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Override a world setting (repeatable): dprk_hire_rate=0.1, "
        "hard_case_rates.vpn=0.05, personas_per_worker=2,5, operation.stealth=1.",
    ),
]


def demo(
    size: SizeOption = "small",
    seed: SeedOption = 1,
    out_dir: OutOption = Path("demo-out"),
    db: DbOption = None,
    overrides: SetOption = None,
) -> None:
    """Generate a demo world (input and truth folders), run the whole pipeline on it, and
    print a summary. The store is OUT/fauxhire.db unless --db says otherwise; when OUT is in
    this folder, fauxhire.toml here names it, so every command run here reads it. --set
    changes the world's settings (src/fauxhire_lab/world/spec.py); the truth's world.json records
    them."""
    from fauxhire_lab.services.demo import (
        demo_key,
        generate_world,
        name_store_in_project,
        prepare_out,
        run_world,
    )
    from fauxhire_lab.world.spec import spec_for

    spec = spec_for(size, seed, overrides or ())
    prepare_out(out_dir)
    db = db or f"sqlite:///{(out_dir / 'fauxhire.db').resolve()}"
    with progress_bars() as bar:
        task = bar.progress.add_task("generate world", total=spec.legitimate)
        world = generate_world(spec, out_dir, lambda n: bar.progress.advance(task, n))
    with open_app(db) as app, progress_bars() as bar:
        result = run_world(
            app.store,
            world,
            clock=app.now,
            linker=app.linker,
            progress=OneBar(bar.progress, "ingest"),
            chunk_size=app.settings.chunk_size,
        )
        key = demo_key(app.store, app.now())
    _print_demo(result, db, name_store_in_project(Path.cwd(), out_dir, db), key.token)


def _print_demo(result: DemoResult, db: str, project: ProjectNote, token: str) -> None:
    world, stats = result.world, result.stats
    totals = {k: v for k, v in stats.items() if isinstance(v, int) and k != "quarantined"}
    refused = [f for f in result.files if f.status == "refused"]
    table = Table(title="fauxhire demo", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    rows = [
        ("world", f"{world.companies:,} companies, {world.applications:,} applications, "
                  f"{world.identities:,} identities ({world.dprk_identities} run by "
                  f"{world.networks} operator networks)"),
        ("input folder", str(world.input_dir)),
        ("truth folder", f"{world.truth_dir} (never read by the pipeline)"),
        ("store", db),
        ("ingested", f"{len(result.files):,} files, {sum(f.records for f in result.files):,} "
                     f"records, {sum(f.quarantined for f in result.files):,} quarantined, "
                     f"{len(refused)} refused"),
        ("in store", ", ".join(f"{k} {v:,}" for k, v in totals.items())),
        ("joined", ", ".join(f"{k} {v:,}" for k, v in result.joins.items())),
        ("identities, networks", f"{result.linked.identities:,} identities "
                                 f"({result.linked.multi_application_identities:,} with several "
                                 f"applications), {result.linked.networks:,} networks of "
                                 f"{result.linked.networked_identities:,} identities"),
        ("explain one", "fauxhire show identity ID / fauxhire show network ID"),
        ("assessments", f"{result.assessed.flagged_identities:,} identities and "
                        f"{result.assessed.flagged_networks:,} networks likely or higher, for "
                        f"review ({result.assessed.ruleset}); fauxhire export assessments"),
        ("report", f"{result.report.html} (figures: {result.report.json.name}); "
                   "fauxhire report --help for a window, filters, --anonymise"),
        ("score it", f"fauxhire evaluate --truth {world.truth_dir}"
                     + ("" if project.written else f" --db {db}")),
        ("serve it", "fauxhire serve" + ("" if project.written else f" --db {db}")
                     + ", then: curl -H 'Authorization: Bearer <the key below>' "
                     "http://127.0.0.1:8000/v1/identities/i-1"),
    ]  # fmt: skip
    for what, value in rows:
        table.add_row(what, value)
    out.print(table)
    out.print(_reading_the_demo(db, project), soft_wrap=True)
    out.print(f"report written: {result.report.html}", soft_wrap=True)  # whole, to copy
    # Whole, to copy, and only here: the store holds its hash, never the key.
    out.print(f"API key (analyst, for a week, shown once): {token}", soft_wrap=True)


def _reading_the_demo(db: str, project: ProjectNote) -> str:
    """How the other commands find the demo's store."""
    from fauxhire.bootstrap import db_named_by_environment

    if project.written and not db_named_by_environment():
        return (
            f"store named in {project.path}: `fauxhire stats`, `fauxhire show identity ID` and "
            "every other command run in this folder (or below it) read it"
        )
    why = project.why_not or "FAUXHIRE_DB is set, and names the store of every command"
    return f"to read the demo's store, give every command --db {db} ({why})"
