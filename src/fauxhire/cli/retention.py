"""`fauxhire retention apply`: applicants' records past the settings' retention_days deleted,
confirmed fraud held (docs/privacy.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fauxhire.cli.console import err, group, open_app, out
from fauxhire.cli.options import DbOption, analyst_or_os_user

app = group(
    "Retention: delete applicants' records older than the settings' `retention_days` "
    "(confirmed fraud held for `retention_fraud_hold_days`)."
)


@app.command("apply")
def retention_apply(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who runs it, for the audit trail (default: you).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Delete the applications made before the retention period with what holds their
    applicants' data, and meetings and sign-ins observed before it; one audit event."""
    from fauxhire.services.erasure import Actor
    from fauxhire.services.retention import RetentionPolicy, apply_retention

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with (
        open_app(db) as opened,
        Progress(*columns, console=err, disable=not err.is_terminal) as bar,
    ):
        settings = opened.settings
        policy = RetentionPolicy(settings.retention_days, settings.retention_fraud_hold_days)
        task = bar.add_task("applications past retention: 0", total=None)
        done = [0]

        def advanced(applications: int) -> None:
            done[0] += applications
            bar.update(task, description=f"applications past retention: {done[0]:,}")

        outcome = apply_retention(
            opened.store, policy, actor=Actor(analyst_or_os_user(by)), now=opened.now(),
            dry_run=dry_run, advanced=advanced,
        )  # fmt: skip
    title = "would delete" if dry_run else "deleted"
    table = Table("table", "rows", title=f"{title}: before {outcome.before:%Y-%m-%d %H:%M} UTC")
    for name, rows in outcome.counts.items():
        table.add_row(name, f"{rows:,}")
    out.print(table)
    err.print(f"{'a dry run, nothing deleted; ' if dry_run else ''}audit event {outcome.event_id}")
