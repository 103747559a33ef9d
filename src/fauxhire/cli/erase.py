"""`fauxhire erase`: one applicant's data erased on request, previewed first (docs/privacy.md).
Without `--yes` nothing is deleted: the counts are what `--yes` would remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import err, open_app, out
from fauxhire.cli.options import DbOption, analyst_or_os_user

if TYPE_CHECKING:
    from fauxhire.domain.erasure import Selector
    from fauxhire.services.erasure import ErasureOutcome


def erase(
    purpose: Annotated[
        str,
        typer.Option(
            "--purpose", help="The request this answers, e.g. its ticket; never the person."
        ),
    ],
    email: Annotated[
        list[str] | None, typer.Option("--email", help="An e-mail the applicant used.")
    ] = None,
    phone: Annotated[
        list[str] | None, typer.Option("--phone", help="A phone the applicant used.")
    ] = None,
    application: Annotated[
        list[str] | None,
        typer.Option("--application", help="An application, company_id:application_id."),
    ] = None,
    identity: Annotated[
        list[str] | None, typer.Option("--identity", help="An identity of the last linking run.")
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Erase; without it, only show what would go.")
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who erases, for the audit trail (default: you).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Erase one applicant: their applications, values, meetings, sign-ins, hires, quarantined
    copies and report subject values, and the outputs citing them; tombstones keep later
    files from bringing them back. One selector kind at a time; repeat it for several values."""
    from fauxhire.services.erasure import Actor, erase_applicant

    selector = _selector(email=email, phone=phone, application=application, identity=identity)
    with open_app(db) as app:
        outcome = erase_applicant(
            app.store, selector, actor=Actor(analyst_or_os_user(by)), purpose=purpose,
            key=app.erasure_key, now=app.now(), confirm=yes,
        )  # fmt: skip
    _print(outcome)


def _selector(**given: list[str] | None) -> Selector:
    from fauxhire.domain.erasure import parse_selector
    from fauxhire.errors import ConfigError

    chosen = [(kind, values) for kind, values in given.items() if values]
    if len(chosen) != 1:
        raise ConfigError(
            "selector: name the applicant by one of --email, --phone, --application, --identity",
            field="selector",
        )
    return parse_selector(*chosen[0])


def _print(outcome: ErasureOutcome) -> None:
    table = Table("table", "rows", title="erased" if outcome.applied else "would erase")
    for name, rows in sorted(outcome.counts.items()):
        table.add_row(name, f"{rows:,}")
    out.print(table)
    if not outcome.counts:
        err.print("nothing in the store matches")
    if outcome.applied:
        err.print(
            f"erased; {outcome.tombstones} tombstones added; audit event {outcome.event_id}. "
            "Run `fauxhire link` and `fauxhire assess` to rebuild the outputs of what remains."
        )
    else:
        err.print(f"a preview: nothing was deleted (audit event {outcome.event_id}); --yes erases")
