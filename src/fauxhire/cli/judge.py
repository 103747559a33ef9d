"""`fauxhire judge confirm|split|split-network|list`: an analyst's word on links, recorded,
then linking run again to show what moved (services/relink.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import group, open_app, out
from fauxhire.cli.options import AnalystOption, DbOption, analyst_or_os_user
from fauxhire.cli.printing import print_link, when
from fauxhire.terminal import cells

if TYPE_CHECKING:
    from fauxhire.services.relink import Decide, Judged

app = group("An analyst's word on links, kept with who, when and why; every later run keeps it.")

AppArgument = Annotated[
    str, typer.Argument(help="company_id/application_id, as `fauxhire show identity` lists it.")
]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why: kept with the judgement for whoever reads it next.")
]
LinkOption = Annotated[
    bool,
    typer.Option(
        "--link/--no-link", help="Re-run linking to show the effect, or only record the judgement."
    ),
]


@app.command("confirm")
def judge_confirm(
    app_a: AppArgument,
    app_b: AppArgument,
    reason: ReasonOption,
    analyst: AnalystOption = None,
    relink: LinkOption = True,
    db: DbOption = None,
) -> None:
    """Two applications are one identity: every later run keeps them together."""
    from fauxhire.services import judge

    _judge(judge.confirm, (app_a, app_b), reason, analyst, relink, db)


@app.command("split")
def judge_split(
    application: AppArgument,
    reason: ReasonOption,
    analyst: AnalystOption = None,
    relink: LinkOption = True,
    db: DbOption = None,
) -> None:
    """An application is not its identity's person: keep it apart from the identity's others."""
    from fauxhire.services import judge

    _judge(judge.split, (application,), reason, analyst, relink, db)


@app.command("split-network")
def judge_split_network(
    identity_id: Annotated[str, typer.Argument(help="An identity id, as i-123.")],
    reason: ReasonOption,
    analyst: AnalystOption = None,
    relink: LinkOption = True,
    db: DbOption = None,
) -> None:
    """An identity is not run by its network: keep it apart from the network's others."""
    from fauxhire.services import judge

    _judge(judge.split_network, (identity_id,), reason, analyst, relink, db)


@app.command("list")
def judge_list(db: DbOption = None) -> None:
    """Every judgement: kind, the pair, who, why and when."""
    from fauxhire.services import judge

    with open_app(db, read_only=True) as opened:
        judgements = judge.list_judgements(opened.store)
    table = Table(title=f"{len(judgements)} judgements")
    for column in ("kind", "a", "b", "analyst", "reason", "when"):
        table.add_column(column, overflow="fold")
    for j in judgements:
        table.add_row(*cells(j.kind, j.a, j.b, j.analyst, j.reason, when(j.created_at)))
    out.print(table)


def _judge(
    decide: Decide,
    subjects: tuple[str, ...],
    reason: str,
    analyst: str | None,
    relink: bool,
    db: str | None,
) -> None:
    """Record a judgement on the subjects, re-link unless told not to, and say what moved."""
    from fauxhire.services.relink import judge_and_relink

    who = analyst_or_os_user(analyst)
    with open_app(db) as opened:
        judged = judge_and_relink(
            opened.store,
            decide,
            subjects,
            analyst=who,
            reason=reason,
            clock=opened.now,
            linker=opened.linker,
            relink=relink,
        )
    _print_judged(judged, who)


def _print_judged(judged: Judged, who: str) -> None:
    decision = judged.decision
    given = len(decision.judgements)
    out.print(
        f"recorded {given} {decision.judgements[0].kind} judgement{'s' * (given != 1)} by "
        f"{who}: {decision.added} new, {given - decision.added} already given",
        markup=False,
    )
    if judged.linked is None:
        out.print("not linked (--no-link): the next `fauxhire link` applies them")
        return
    print_link(judged.linked)
    for was, now in zip(judged.before, judged.after, strict=True):
        out.print(
            f"{was.ref}: {_moved('identity', was.identity_id, now.identity_id)}, "
            f"{_moved('network', was.network_id, now.network_id)}",
            markup=False,
        )


def _moved(what: str, was: str | None, now: str | None) -> str:
    if was == now:
        return f"still {what} {now or 'none'}"
    return f"{what} {was or 'none'} -> {now or 'none'}"
