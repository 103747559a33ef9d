"""`fauxhire quarantine list|accept|keep`: records that failed validation, and the decisions
on conflicting duplicates."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from fauxhire.cli.console import group, open_app, out
from fauxhire.cli.options import DbOption, analyst_or_os_user
from fauxhire.cli.printing import when
from fauxhire.terminal import cells

if TYPE_CHECKING:
    from fauxhire.services.quarantine import Decided

app = group("Records that failed validation.")

EntryIdsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="ID", help="Entry ids, as `fauxhire quarantine list` shows them (q-...)."
    ),
]
EntryFileOption = Annotated[
    str | None,
    typer.Option(
        "--file", help="Every pending conflicting duplicate of this file, as the list names it."
    ),
]
DecisionReasonOption = Annotated[
    str, typer.Option("--reason", help="Why: kept with the decision for whoever reads it next.")
]
DeciderOption = Annotated[
    str | None, typer.Option("--analyst", help="Who decides (default: the OS user).")
]

_REPLACED_SHOWN = 20  # an updated export accepted whole replaces thousands: the first say how


@app.command("list")
def quarantine_list(
    limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines, one entry a line.")] = False,
    file: Annotated[
        str | None, typer.Option("--file", help="Only the entries of this file, as listed.")
    ] = None,
    pending: Annotated[
        bool,
        typer.Option("--pending", help="Only conflicting duplicates awaiting a decision."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Every quarantined record: its id, file, location, field and reason, and for a
    conflicting duplicate the decision on it (`fauxhire quarantine accept` or `keep`)."""
    from fauxhire.services import quarantine_entries

    with open_app(db, read_only=True) as opened:
        entries = quarantine_entries(opened.store, limit=limit, file=file, pending=pending)
    if as_json:
        for e in entries:
            sys.stdout.write(json.dumps(e, default=str) + "\n")
        return
    pending_count = sum(e["pending"] for e in entries)
    table = Table(title=f"{len(entries)} quarantined, {pending_count} awaiting a decision")
    for column in ("id", "file", "location", "field", "code", "reason", "decision"):
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for e in entries:
        row = (e["id"], e["file"], e["location"], e["field"], e["code"], e["reason"])
        table.add_row(*cells(*row, _decision(e)))
    out.print(table)


def _decision(entry: dict[str, Any]) -> str:
    if entry["pending"]:
        return "pending"
    d = entry["decision"]
    if d is None:
        return ""
    return f"{d['decision']} by {d['analyst']} {when(d['decided_at'])}: {d['reason']}"


@app.command("accept")
def quarantine_accept(
    reason: DecisionReasonOption,
    ids: EntryIdsArgument = None,
    file: EntryFileOption = None,
    analyst: DeciderOption = None,
    db: DbOption = None,
) -> None:
    """Accept the later version of conflicting duplicates: it replaces the stored record
    (its emails, phones and other values too), with the provenance of the file it came
    from. The replaced version is kept with the decision."""
    _decide_quarantine("accepted", ids, file, reason, analyst, db)


@app.command("keep")
def quarantine_keep(
    reason: DecisionReasonOption,
    ids: EntryIdsArgument = None,
    file: EntryFileOption = None,
    analyst: DeciderOption = None,
    db: DbOption = None,
) -> None:
    """Keep the stored record of conflicting duplicates: their later versions are dismissed,
    and ingesting one of them again quarantines nothing."""
    _decide_quarantine("kept", ids, file, reason, analyst, db)


def _decide_quarantine(
    decision: str,
    ids: list[str] | None,
    file: str | None,
    reason: str,
    analyst: str | None,
    db: str | None,
) -> None:
    from fauxhire.services.quarantine import decide

    who = analyst_or_os_user(analyst)
    with open_app(db) as opened:
        done = decide(
            opened.store,
            decision,
            ids=ids or (),
            file=file,
            analyst=who,
            reason=reason,
            now=opened.now(),
        )
    named = len(done.named)
    line = f"{decision} by {who}: {named:,} entr{'y' if named == 1 else 'ies'}"
    if done.alongside:
        line += f" and {len(done.alongside):,} more holding the same version, decided with it"
    out.print(line, markup=False)
    if done.left:
        out.print(f"{done.left:,} entries of {file} were decided before: left as they were")
    if decision == "kept":
        out.print(
            "the stored records stay; the later versions are dismissed, and ingesting one of "
            "them again quarantines nothing"
        )
        return
    _print_replaced(done)


def _print_replaced(done: Decided) -> None:
    from fauxhire.services.quarantine import record_ref

    for r in done.replaced[:_REPLACED_SHOWN]:
        out.print(
            f"{record_ref(r.record_key)} ({r.record_table}): {r.file} {r.location} replaces "
            f"{r.replaced_file} {r.replaced_location}",
            markup=False,
            soft_wrap=True,  # whole lines: file names to search for and copy
        )
    if len(done.replaced) > _REPLACED_SHOWN:
        out.print(f"and {len(done.replaced) - _REPLACED_SHOWN:,} more records replaced")
    if done.stale:
        out.print(
            "links and assessments were made from the replaced records and are out of date: "
            "run `fauxhire link` (a full run: `link --new` does not revisit a changed record) "
            "and then `fauxhire assess`"
        )
