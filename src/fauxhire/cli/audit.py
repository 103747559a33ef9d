"""`fauxhire audit verify`: the audit trail's hash chain checked end to end."""

from __future__ import annotations

import typer

from fauxhire.cli.console import err, group, open_app, out
from fauxhire.cli.options import DbOption

app = group("The audit trail: who read or changed what, about whom, why and when.")


@app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Recompute the trail's hash chain: OK with the number of events and the last hash, or
    each event where the chain breaks (one edited, deleted or inserted afterwards) and a
    non-zero exit. Keep the last hash somewhere else: a chain cannot show that its newest
    events were removed, but a last hash that no longer appears can."""
    from fauxhire.services.audit import verify_audit  # on use: `--help` stays light

    with open_app(db, read_only=True) as opened:
        report = verify_audit(opened.store)
    if not report.problems:
        out.print(f"OK: {report.events} events, the chain holds", markup=False)
        out.print(f"last hash {report.last_hash}", markup=False)
        return
    for problem in report.problems:
        out.print(f"{problem.kind}: {problem.message}", markup=False, soft_wrap=True)
    err.print(
        f"the audit trail is broken: {len(report.problems)} problems in {report.events} events",
        markup=False,
    )
    raise typer.Exit(1)
