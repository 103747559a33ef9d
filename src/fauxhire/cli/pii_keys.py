"""`fauxhire keys pii init|rotate|status`: the keyring whose keys seal contact details at rest
(docs/security.md). No command prints a key: only their ids and when they were made."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fauxhire.cli.console import err, group, log_handler, open_app, out
from fauxhire.cli.options import ByOption, DbOption, analyst_or_os_user
from fauxhire.terminal import cells

app = group(
    "The PII keyring: create it, rotate it (a new key, and every stored contact detail sealed "
    "again under it), and see which key seals how many values."
)

ResumeOption = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Add no key: only seal again what is not under the active key yet (a rotation "
        "that was stopped part-way).",
    ),
]


@app.command("init")
def pii_init(db: DbOption = None) -> None:
    """Create the store's keyring: where FAUXHIRE_PII_KEYRING names it, or beside a SQLite
    store. An existing keyring is never overwritten."""
    from fauxhire import bootstrap
    from fauxhire.services import pii_keys

    config = bootstrap.configure(db, log_handler=log_handler())
    path, keyring = pii_keys.init_keyring(
        config.settings.db, config.settings.pii_keyring, config.now()
    )
    err.print(f"created the PII keyring {path} with key {keyring.active.key_id}", markup=False)
    err.print("back it up apart from the store: without it no contact detail opens", markup=False)


@app.command("rotate")
def pii_rotate(resume: ResumeOption = False, by: ByOption = None, db: DbOption = None) -> None:
    """Add a new active key, then seal every stored contact detail again under it, a batch a
    transaction, each audited. Run again with --resume to finish a rotation that stopped."""
    from fauxhire import bootstrap
    from fauxhire.services import pii_keys

    actor = analyst_or_os_user(by)
    if not resume:
        config = bootstrap.configure(db, log_handler=log_handler())
        settings = config.settings
        path, keyring = pii_keys.rotate_keyring(settings.db, settings.pii_keyring, config.now())
        err.print(f"{path}: key {keyring.active.key_id} is the active key now", markup=False)
    with open_app(db) as opened:
        if not resume:
            key_id = keyring.active.key_id
            pii_keys.record_rotation(opened.store, actor=actor, key_id=key_id, now=opened.now())
        total = pii_keys.pending(opened.store)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("sealing again", total=total)
            done = pii_keys.reseal_all(
                opened.store,
                actor=actor,
                now=opened.now(),
                advanced=lambda n: progress.advance(task, n),
            )
    out.print(f"sealed {done:,} stored values under the active key", markup=False)


@app.command("status")
def pii_status(db: DbOption = None) -> None:
    """The keyring's keys, and each sealed column's values by the key that sealed them."""
    from fauxhire.services import pii_keys

    with open_app(db, read_only=True) as opened:
        sealer = opened.store.sealer
        columns = pii_keys.status(opened.store)
    assert sealer is not None  # status refuses a store without a keyring
    table = Table(title=f"contact details at rest (active key {sealer.active_id})")
    for name in ("column", *sealer.key_ids, "plain"):
        table.add_column(name, justify="left" if name == "column" else "right")
    for column in columns:
        counts = [column.by_key[k] for k in (*sealer.key_ids, "")]
        table.add_row(*cells(column.column, *(f"{n:,}" for n in counts)))
    out.print(table)
