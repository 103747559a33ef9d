"""Commands other packages contribute to `fauxhire`, found by their entry points.

A package registers a command, or a group of sub-commands, under the ``fauxhire.commands``
entry-point group of its distribution (pyproject.toml's
``[project.entry-points."fauxhire.commands"]``); the entry point's name is the command's
name. The lab's `demo` and `evaluate` arrive this way: the product finds them by metadata and
never imports the lab by name, so an install without the lab simply lacks those commands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Final

import typer

from fauxhire.errors import ConfigError

GROUP: Final = "fauxhire.commands"


@dataclass(frozen=True, slots=True)
class Contributed:
    """What the entry points hold, by name: commands, and groups of sub-commands."""

    commands: tuple[tuple[str, Callable[..., Any]], ...]
    groups: tuple[tuple[str, typer.Typer], ...]


def registered() -> list[EntryPoint]:
    """The installed entry points of the group, in name order: `--help` lists them so."""
    return sorted(entry_points(group=GROUP), key=lambda entry: entry.name)


def load_contributed(entries: Iterable[EntryPoint], taken: Collection[str]) -> Contributed:
    """Import what each entry point names. A broken one fails here, loudly: a command that
    vanished without a word would be worse.

    Raises ConfigError when an entry point names neither a Typer group nor a function, or
    takes a name in ``taken``, the product's own commands: an installed package must not
    replace `fauxhire run` unseen.
    """
    commands: list[tuple[str, Callable[..., Any]]] = []
    groups: list[tuple[str, typer.Typer]] = []
    for entry in entries:
        if entry.name in taken:
            raise ConfigError(
                f"entry point {entry.name} = {entry.value} in {GROUP} would replace the "
                f"command {entry.name} of fauxhire",
                entry_point=entry.value,
            )
        loaded = entry.load()
        if isinstance(loaded, typer.Typer):
            groups.append((entry.name, loaded))
        elif callable(loaded):
            commands.append((entry.name, loaded))
        else:
            raise ConfigError(
                f"entry point {entry.name} = {entry.value} in {GROUP} is neither a command "
                f"function nor a Typer group",
                entry_point=entry.value,
            )
    return Contributed(tuple(commands), tuple(groups))
