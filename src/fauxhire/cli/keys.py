"""`fauxhire keys create|list|revoke`: the API's keys. A key's token is printed once, at
creation; the store keeps only its hash, so a lost token is replaced, never recovered."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from fauxhire.cli import pii_keys, share_keys
from fauxhire.cli.console import err, group, open_app, out
from fauxhire.cli.options import ByOption, DbOption, analyst_or_os_user
from fauxhire.cli.printing import when
from fauxhire.domain.api_roles import ROLES
from fauxhire.terminal import cells

app = group(
    "The API's keys (`fauxhire serve`): create one for a person or a system, with a role and "
    "for a member role its member company; list them; revoke one. `fauxhire keys pii`: the "
    "keyring that seals contact details at rest."
)
app.add_typer(pii_keys.app, name="pii")
app.add_typer(share_keys.app, name="share")


@app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the key.")],
    role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")],
    member: Annotated[
        str | None,
        typer.Option(
            "--member",
            help="The member company (its company id) a member_analyst or recruiter key is "
            "scoped to; the hub's roles take none.",
        ),
    ] = None,
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="A scope the key carries; repeatable.")
    ] = None,
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", min=1, help="Days until it expires (default: never)."),
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """A new key. Its token is printed once, on stdout, and is never shown again."""
    from fauxhire.services import keys

    with open_app(db) as opened:
        created = keys.create_key(
            opened.store,
            name=name,
            role=role,
            member=member,
            scopes=tuple(scope or ()),
            expires_in=None if expires_days is None else timedelta(days=expires_days),
            created_by=analyst_or_os_user(by),
            now=opened.now(),
        )
    key = created.key
    scoped = f" for member {key.member}" if key.member else ""
    expiry = f", expires {when(key.expires_at)}" if key.expires_at else ""
    err.print(f"created API key {key.key_id} ({key.role}{scoped}{expiry})", markup=False)
    err.print(
        "the token below is shown this once and never again (only its hash is kept): "
        "store it now, in a secret manager",
        markup=False,
    )
    out.print(created.token, markup=False, soft_wrap=True)


@app.command("list")
def keys_list(db: DbOption = None) -> None:
    """Every key, revoked and expired ones too: never a secret or its hash."""
    from fauxhire.services import keys

    with open_app(db, read_only=True) as opened:
        listed = keys.list_keys(opened.store)
        now = opened.now()
    table = Table(title=f"{len(listed)} API keys")
    columns = ("key id", "name", "role", "member", "scopes", "state", "created", "by")
    for column in columns:
        table.add_column(column, overflow="fold")
    for k in listed:
        table.add_row(
            *cells(
                k.key_id,
                k.name,
                k.role,
                k.member or "",
                " ".join(k.scopes),
                keys.state(k, now),
                when(k.created_at),
                k.created_by,
            )
        )
    out.print(table)


@app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id, as fk_... (`fauxhire keys list`).")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why, for the audit trail.")
    ] = "revoked with `fauxhire keys revoke`",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a key: from now on its token is refused. A key revoked already stays revoked
    from the first time."""
    from fauxhire.services import keys

    with open_app(db) as opened:
        key = keys.revoke_key(
            opened.store, key_id, revoked_by=analyst_or_os_user(by), reason=reason, now=opened.now()
        )
    assert key.revoked_at is not None
    out.print(f"revoked API key {key.key_id} ({key.name}) at {when(key.revoked_at)}", markup=False)
