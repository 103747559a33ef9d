"""`fauxhire disposition confirm|clear|list`: an analyst's finding on an identity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import group, open_app, out
from fauxhire.cli.options import AnalystOption, DbOption, analyst_or_os_user
from fauxhire.cli.printing import when
from fauxhire.terminal import cells

if TYPE_CHECKING:
    from fauxhire.services import dispositions

app = group(
    "An analyst's finding on an identity, confirmed or cleared, kept with who, when and "
    "why; the assessment uses it on its next run."
)

IdentityArgument = Annotated[
    str, typer.Argument(help="An identity id, as i-123 (`fauxhire show identity` shows it).")
]
FindingOption = Annotated[
    str, typer.Option("--reason", help="Why: what the investigation found, kept with it.")
]


@app.command("confirm")
def disposition_confirm(
    identity_id: IdentityArgument,
    reason: FindingOption,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """The identity is linked to scheme infrastructure, confirmed by investigation."""
    _dispose(identity_id, "confirmed", reason, analyst, db)


@app.command("clear")
def disposition_clear(
    identity_id: IdentityArgument,
    reason: FindingOption,
    analyst: AnalystOption = None,
    db: DbOption = None,
) -> None:
    """The identity was investigated and is not fraudulent."""
    _dispose(identity_id, "cleared", reason, analyst, db)


@app.command("list")
def disposition_list(db: DbOption = None) -> None:
    """Every identity with a disposition: the latest (it decides), who, why, when, and any
    earlier one on its applications that it overrules."""
    from fauxhire.services import dispositions

    with open_app(db, read_only=True) as opened:
        standings = dispositions.list_dispositions(opened.store)
    conflicts = sum(1 for s in standings if s.overruled)
    table = Table(title=f"dispositions on {len(standings)} identities, {conflicts} in conflict")
    for column in ("identity", "disposition", "analyst", "reason", "when", "given on", "conflict"):
        table.add_column(column, overflow="fold")
    for s in standings:
        d = s.decided
        conflict = "; ".join(
            f"overrules {o.disposition} by {o.analyst} {when(o.created_at)} (on {o.subject_id})"
            for o in s.overruled
        )
        table.add_row(
            *cells(
                s.identity_id,
                d.disposition,
                d.analyst,
                d.reason,
                when(d.created_at),
                d.subject_id,
                conflict,
            )
        )
    out.print(table)


def _dispose(
    identity_id: str, disposition: str, reason: str, analyst: str | None, db: str | None
) -> None:
    from fauxhire.services import dispositions

    who = analyst_or_os_user(analyst)
    with open_app(db) as opened:
        done = dispositions.dispose(
            opened.store, identity_id, disposition, analyst=who, reason=reason, now=opened.now()
        )
    out.print(f"recorded disposition {done.disposition_id}: {_given(done.given)}", markup=False)
    out.print(
        f"held by the {done.applications} applications of {identity_id}: it follows them when "
        "linking re-runs and ids change",
        markup=False,
    )
    if done.before is not None:
        was = done.before.decided
        verb = "overrules" if was.disposition != disposition else "agrees with"
        out.print(f"it {verb} {_given(was)}", markup=False)
    out.print("the assessment uses it on its next run (`fauxhire assess`)", markup=False)


def _given(given: dispositions.Given) -> str:
    """A disposition in words: what, who, when, on which identity id, why."""
    return (
        f"{given.disposition} by {given.analyst} {when(given.created_at)} "
        f"(on {given.subject_id}): {given.reason}"
    )
