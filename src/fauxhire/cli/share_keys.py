"""`fauxhire keys share add|list`: the keys keyed hashes are shared with (docs/sharing.md).
No command prints a key but the one `add --generate` makes, once."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Annotated

import typer
from rich.table import Table

from fauxhire.cli.console import err, group, open_app, out
from fauxhire.cli.options import ByOption, DbOption, analyst_or_os_user

app = group(
    "The share keyring: the community's key and partners' keys, with ids and rotation; hashes "
    "are made with each audience's newest key, and a replaced key matches for an overlap."
)


@app.command("add")
def share_add(
    key_id: Annotated[str, typer.Option("--id", help="The id partners know the key by.")],
    audience: Annotated[
        str, typer.Option("--audience", help="community, or partner:NAME for one partner.")
    ] = "community",
    secret_env: Annotated[
        str | None,
        typer.Option("--secret-env", help="The environment variable holding the agreed key."),
    ] = None,
    generate: Annotated[
        bool, typer.Option("--generate", help="Make a new key, printed once, to hand over.")
    ] = False,
    overlap_days: Annotated[
        int,
        typer.Option(
            "--overlap-days",
            min=0,
            max=365,
            help="Days the key it replaces still matches partners' hashes.",
        ),
    ] = 30,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Add a key to the share keyring (FAUXHIRE_SHARE_KEYRING): it makes the audience's hashes
    from now on, and the key it replaces keeps matching for --overlap-days. Audited."""
    from fauxhire.bootstrap import named_secret
    from fauxhire.services.share_keyring import add_key

    if generate == (secret_env is not None):
        raise typer.BadParameter(
            "give one of --secret-env or --generate", param_hint="--secret-env"
        )
    secret = None
    if secret_env is not None:
        given = named_secret(secret_env)
        if given is None:
            raise typer.BadParameter(f"{secret_env} holds no key", param_hint="--secret-env")
        secret = given.encode()
    with open_app(db) as opened:
        path = opened.settings.share_keyring
        if path is None:
            raise typer.BadParameter("name the share keyring first: FAUXHIRE_SHARE_KEYRING")
        _, raw = add_key(
            path, opened.store, key_id=key_id, audience=audience, secret=secret,
            overlap=timedelta(days=overlap_days), actor=analyst_or_os_user(by), now=opened.now(),
        )  # fmt: skip
    err.print(f"added {key_id} for {audience} to {path}", markup=False)
    if generate:
        err.print("the key, shown this once: hand it over apart from this terminal", markup=False)
        out.print(base64.b64encode(raw).decode(), markup=False)


@app.command("list")
def share_list(db: DbOption = None) -> None:
    """The keys: id, audience, state (active, matching until a time, retired), when added."""
    with open_app(db, read_only=True) as opened:
        keys, now = opened.share_keys.keys, opened.now()
    table = Table("key id", "audience", "state", "added")
    for key in keys:
        table.add_row(key.key_id, key.audience, key.state(now), f"{key.added_at:%Y-%m-%d}")
    out.print(table)
