"""`fauxhire members add|list|set`: the hub's member companies, by the company id their
records carry, with a display name and whether each opted in to be named to the other members
(anonymous by default). Every change is audited; setting what is stored changes nothing."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import group, open_app, out
from fauxhire.cli.options import ByOption, DbOption, analyst_or_os_user
from fauxhire.cli.printing import when
from fauxhire.terminal import cells

app = group(
    "The hub's member companies: add one, list them, change a name or whether a member is "
    "named to the others (by default it is not: they see counts about it, never its name)."
)

MemberArgument = Annotated[
    str, typer.Argument(help="The member's company id, as its records carry it.")
]


@app.command("add")
def members_add(
    member_id: MemberArgument,
    name: Annotated[str, typer.Option("--name", help="Its display name.")],
    named: Annotated[
        bool,
        typer.Option(
            "--named/--anonymous",
            help="Opted in to be named to the other members (default: anonymous).",
        ),
    ] = False,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """A new member. Adding it again as it is changes nothing; with other values, use `set`."""
    _put(member_id, name, named, by, db, exists=False)


@app.command("set")
def members_set(
    member_id: MemberArgument,
    name: Annotated[str | None, typer.Option("--name", help="A new display name.")] = None,
    named: Annotated[
        bool | None,
        typer.Option("--named/--anonymous", help="Opt in to be named, or out (default: as is)."),
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Change a member's display name or whether it is named to the other members."""
    _put(member_id, name, named, by, db, exists=True)


@app.command("list")
def members_list(db: DbOption = None) -> None:
    """Every member, by id."""
    from fauxhire.services import members

    with open_app(db, read_only=True) as opened:
        listed = members.list_members(opened.store)
    table = Table(title=f"{len(listed)} members")
    for column in ("member id", "name", "named", "added", "changed"):
        table.add_column(column, overflow="fold")
    for m in listed:
        named = "named" if m.named else "anonymous"
        table.add_row(*cells(m.member_id, m.name, named, when(m.created_at), when(m.updated_at)))
    out.print(table)


def _put(
    member_id: str, name: str | None, named: bool | None, by: str | None, db: str | None, *,
    exists: bool,
) -> None:  # fmt: skip
    from fauxhire.services import members

    with open_app(db) as opened:
        changer = members.Changer(analyst_or_os_user(by), opened.now())
        change = members.put_member(
            opened.store, member_id, name=name, named=named, by=changer, exists=exists
        )
    m = change.member
    state = "named" if m.named else "anonymous"
    verb = "added" if change.created else "changed" if change.changed else "unchanged:"
    out.print(f"{verb} member {m.member_id} ({m.name}, {state})", markup=False)
