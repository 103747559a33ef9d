"""`fauxhire webhooks add|list|rotate|remove|write-back|retry`: the ATS webhooks of a member
(docs/api.md, "Webhooks"). A signing secret is printed once, when added or rotated; listings
never show a secret or a vendor API key."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import err, group, open_app, out
from fauxhire.cli.options import DbOption, analyst_or_os_user
from fauxhire.cli.printing import when
from fauxhire.domain.webhook_vendors import VENDORS
from fauxhire.terminal import cells

app = group(
    "The ATS webhooks (Greenhouse, Ashby) of a member: its signing secret, added, rotated or "
    "removed; where screens are written back; retry the write-backs that failed."
)

Vendor = StrEnum("Vendor", {name: name for name in VENDORS})  # type: ignore[misc]
MemberOption = Annotated[str, typer.Option("--member", help="The member's company id.")]
VendorOption = Annotated[Vendor, typer.Option("--vendor", help="The member's ATS.")]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who does this, for the audit trail (default: the OS user)."),
]


def _show_secret(secret: str, vendor: str) -> None:
    err.print(
        f"paste this secret into the {vendor} webhook's settings; it is shown this once",
        markup=False,
    )
    out.print(secret, markup=False, soft_wrap=True)


@app.command("add")
def webhooks_add(
    member: MemberOption, vendor: VendorOption, by: ByOption = None, db: DbOption = None
) -> None:
    """A signing secret for the member's webhook of the vendor, printed once on stdout."""
    from fauxhire.services import webhook_secrets

    with open_app(db) as opened:
        made = webhook_secrets.add_secret(
            opened.store, member=member, vendor=vendor.value, by=analyst_or_os_user(by),
            now=opened.now(),
        )  # fmt: skip
    err.print(f"added webhook secret {made.secret_id} ({vendor.value}, {member})", markup=False)
    _show_secret(made.secret, vendor.value)


@app.command("rotate")
def webhooks_rotate(
    member: MemberOption,
    vendor: VendorOption,
    overlap_hours: Annotated[
        float,
        typer.Option("--overlap-hours", min=0, help="How long the old secret is still accepted."),
    ] = 24,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """A new secret, printed once; the old one is accepted for the overlap, then refused."""
    from datetime import timedelta

    from fauxhire.services import webhook_secrets

    with open_app(db) as opened:
        made, until = webhook_secrets.rotate_secret(
            opened.store, member=member, vendor=vendor.value, by=analyst_or_os_user(by),
            now=opened.now(), overlap=timedelta(hours=overlap_hours),
        )  # fmt: skip
    err.print(f"rotated to {made.secret_id}; the old secret is accepted until {when(until)}")
    _show_secret(made.secret, vendor.value)


@app.command("remove")
def webhooks_remove(
    member: MemberOption, vendor: VendorOption, by: ByOption = None, db: DbOption = None
) -> None:
    """Remove the member's secrets and write-back settings for the vendor: its deliveries
    are refused from now on."""
    from fauxhire.services import webhook_secrets

    with open_app(db) as opened:
        webhook_secrets.remove_webhook(
            opened.store, member=member, vendor=vendor.value, by=analyst_or_os_user(by),
            now=opened.now(),
        )  # fmt: skip
    out.print(f"removed the {vendor.value} webhook of {member}", markup=False)


@app.command("list")
def webhooks_list(db: DbOption = None) -> None:
    """Every secret by its id and state, and the write-back outbox: never a secret or a key."""
    from fauxhire.services import webhook_secrets

    with open_app(db, read_only=True) as opened:
        listed, outbox = webhook_secrets.listing(opened.store)
        now = opened.now()
    table = Table(title=f"{len(listed)} webhook secrets")
    for column in ("secret id", "member", "vendor", "state", "created", "by"):
        table.add_column(column, overflow="fold")
    for s in listed:
        state = webhook_secrets.secret_state(s, now)
        table.add_row(
            *cells(s.secret_id, s.member, s.vendor, state, when(s.created_at), s.created_by)
        )
    out.print(table)
    pending = [item for item in outbox if item.state == "pending"]
    out.print(
        f"write-backs: {len(outbox) - len(pending)} sent, {len(pending)} pending", markup=False
    )
    for item in pending:
        why = item.last_error or "not tried yet"
        out.print(
            f"  pending {item.vendor} {item.member} ({item.attempts} tries): {why}", markup=False
        )


@app.command("write-back")
def webhooks_write_back(
    member: MemberOption,
    vendor: VendorOption,
    api_key: Annotated[
        str,
        typer.Option(
            "--api-key",
            prompt="vendor API key",
            hide_input=True,
            envvar="FAUXHIRE_ATS_API_KEY",
            help="The vendor API credential: Ashby's API key; Greenhouse's Harvest v3 client id "
            "and secret as CLIENT_ID:CLIENT_SECRET (asked for, or FAUXHIRE_ATS_API_KEY; never "
            "an argument a process list would show).",
        ),
    ],
    api_base: Annotated[
        str | None, typer.Option("--api-base", help="The vendor API's base URL (default: its own).")
    ] = None,
    on_behalf_of: Annotated[
        str | None,
        typer.Option("--on-behalf-of", help="Greenhouse: the user id notes are by (needed)."),
    ] = None,
    tag_id: Annotated[
        str | None, typer.Option("--tag-id", help="The tag put on a candidate of likely or above.")
    ] = None,
    link_base: Annotated[
        str | None, typer.Option("--link-base", help="The hub's URL the notes link to.")
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Where screens are written back for the member: the vendor's API and its key."""
    from fauxhire.ports.hub import WebhookTarget
    from fauxhire.services import webhook_secrets
    from fauxhire.services.writeback import DEFAULT_API, check_target

    check_target(vendor.value, api_key, on_behalf_of, tag_id)
    with open_app(db) as opened:
        target = WebhookTarget(
            member, vendor.value, api_base or DEFAULT_API[vendor.value], api_key, on_behalf_of,
            tag_id, link_base, opened.now(), analyst_or_os_user(by),
        )  # fmt: skip
        webhook_secrets.set_target(opened.store, target)
    out.print(
        f"{member}'s {vendor.value} screens are written back to {target.api_base}", markup=False
    )


@app.command("retry")
def webhooks_retry(
    member: Annotated[
        str | None, typer.Option("--member", help="Only this member's (default: every one).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Send the write-backs still pending (a vendor that was down, a key that was wrong)."""
    from fauxhire.services.writeback import drain_outbox

    with open_app(db) as opened:
        drained = drain_outbox(opened.store, now=opened.now(), member=member)
    out.print(
        f"write-backs: {drained.sent} sent, {drained.failed} failed, {drained.held} held by "
        "another sender",
        markup=False,
    )
    if drained.failed:
        raise typer.Exit(1)
