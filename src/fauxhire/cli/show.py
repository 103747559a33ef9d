"""`fauxhire show identity|network ID`: why records are linked, in words; `fauxhire show
contacts ID`: an identity's contact details, decrypted and audited."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import group, open_app, out
from fauxhire.cli.options import DbOption, analyst_or_os_user
from fauxhire.domain.evidence import MISSING_LEVEL, ComparisonEvidence, E, SharedEvidence
from fauxhire.terminal import cells, inert

if TYPE_CHECKING:
    from fauxhire.domain.outcomes import LinkEdge

app = group("Why records are linked: identities, networks.")


@app.command("identity")
def show_identity_command(identity_id: str, db: DbOption = None) -> None:
    """The applications of an identity and the links that hold them together."""
    from fauxhire.services.show import show_identity

    with open_app(db, read_only=True) as opened:
        view = show_identity(opened.store, identity_id)
    # An identity is in one network at most: said once, in the title.
    networks = ", ".join(sorted({m["network_id"] for m in view.members if m["network_id"]}))
    table = Table(
        title=f"identity {identity_id}: {len(view.members)} applications, "
        + (f"in network {networks}" if networks else "in no network")
    )
    refs = [inert(f"{m['company_id']}/{m['application_id']}") for m in view.members]
    table.add_column("applied", no_wrap=True)
    # Whole, as `judge` takes them: on one line while there is room (the other columns fold),
    # folded over lines when not (rich would cut a column that may not wrap).
    fits = max(map(len, refs), default=0) <= out.width // 2
    table.add_column("application", no_wrap=fits, overflow="fold")
    for column in ("name", "job title"):
        table.add_column(column, overflow="fold")
    for m, ref in zip(view.members, refs, strict=True):
        table.add_row(str(m["applied_at"])[:10], ref, *cells(m["name_display"], m["job_title"]))
    out.print(table)
    _print_edges(view.edges, _print_identity_edge)
    _print_borrowed(identity_id, view.borrowed)


@app.command("contacts")
def show_contacts_command(
    identity_id: str,
    purpose: Annotated[
        str, typer.Option("--purpose", help="Why you read them, for the audit trail.")
    ] = "review",
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who reads them, for the audit trail (default: the OS user)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """The contact details of an identity's applications as given, decrypted (the store keeps
    them encrypted: docs/security.md). Each read is an event in the audit trail."""
    from fauxhire.services.contacts import read_contacts

    with open_app(db) as opened:
        contacts = read_contacts(
            opened.store,
            identity_id,
            actor=analyst_or_os_user(by),
            purpose=purpose,
            now=opened.now(),
        )
    table = Table(title=f"identity {identity_id}: contact details ({len(contacts)})")
    for column in ("application", "kind", "as given"):
        table.add_column(column, overflow="fold")
    for c in contacts:
        table.add_row(*cells(f"{c.company_id}/{c.application_id}", c.kind, c.display))
    out.print(table)


@app.command("network")
def show_network_command(network_id: str, db: DbOption = None) -> None:
    """The identities of a network and the infrastructure they share."""
    from fauxhire.services.show import show_network

    with open_app(db, read_only=True) as opened:
        view = show_network(opened.store, network_id)
    table = Table(title=f"network {network_id}: {len(view.members)} identities")
    for column in ("identity", "names", "companies"):
        table.add_column(column)
    for m in view.members:
        table.add_row(*cells(m["identity_id"], ", ".join(m["names"]), m["companies"]))
    out.print(table)
    _print_edges(view.edges, _print_network_edge)


def _print_borrowed(identity_id: str, edges: list[LinkEdge[ComparisonEvidence]]) -> None:
    """Why an identity was split from another that presents the same person."""
    for edge in edges:
        other = edge.b if edge.a == identity_id else edge.a
        out.print(
            f"Split from {other}: possibly a borrowed identity. Both present the same person, "
            "but share no email, phone or resume line; one of them may be that person and the "
            "other a persona using their identity. The strongest link between them:"
        )
        for item in sorted(edge.evidence, key=lambda e: -abs(e.weight or 0.0)):
            if item.level != MISSING_LEVEL:
                weight = "" if item.weight is None else f"{item.weight:+6.1f}"
                out.print(f"    {weight:>6}  {item.reading}")


def _print_edges(edges: Sequence[LinkEdge[E]], print_edge: Callable[[LinkEdge[E]], None]) -> None:
    """Each link in words: what agreed, how it was compared, what it weighed."""
    out.print(f"{len(edges)} links hold it together (strongest first):")
    for edge in edges:
        print_edge(edge)


def _print_identity_edge(edge: LinkEdge[ComparisonEvidence]) -> None:
    from fauxhire.services.judge import app_ref

    out.print(
        f"- {app_ref(edge.a)} ~ {app_ref(edge.b)}: match weight "
        f"{edge.score:+.1f} (probability {edge.probability:.4f})",
        markup=False,
    )
    for item in sorted(edge.evidence, key=lambda e: -abs(e.weight or 0.0)):
        if item.level != MISSING_LEVEL:
            weight = "" if item.weight is None else f"{item.weight:+6.1f}"
            out.print(f"    {weight:>6}  {item.reading}", markup=False)


def _print_network_edge(edge: LinkEdge[SharedEvidence]) -> None:
    out.print(f"- {edge.a} ~ {edge.b}: score {edge.score:.2f}", markup=False)
    for item in sorted(edge.evidence, key=lambda e: -e.weight):
        out.print(
            f"    {item.weight:+5.2f}  shared {item.words} {item.value!r} "
            f"(held by {item.shared_by} identit{'y' if item.shared_by == 1 else 'ies'})",
            markup=False,
        )
