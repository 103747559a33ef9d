"""Which linking engine a run uses, and how it is called: a full run (``link``) or the
applications stored since the last one (``link_new``).

The seam the entrypoints share: bootstrap chooses the ``Linker``, and `fauxhire run`, `link`,
`judge` and `demo` call it, never ``link_store`` or ``link_new`` by name. The engines are
those ``fauxhire.link.engines`` registers (the embedded one by default); a ``Linker`` names
one and hands it to the linking services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fauxhire.link import engines
from fauxhire.link.engine import Engine
from fauxhire.ports import LinkingStore
from fauxhire.services.increment import IncrementSummary, link_new
from fauxhire.services.link import LinkSummary, link_store


@dataclass(frozen=True, slots=True)
class Linker:
    """The engine named ``name`` (one of ``engines.names()``; an unknown name is a
    ``ConfigError`` naming the known ones, raised here, before any work)."""

    name: str = engines.DEFAULT
    master: str | None = None  # where the engine runs, for one that runs on a cluster
    engine: Engine = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "engine", engines.engine(self.name, self.master))

    def link(
        self, store: LinkingStore, *, now: datetime, resolution: Path | None = None
    ) -> LinkSummary:
        """Every application into identities and networks; ids stable where members are.
        With ``resolution``, the identities of a folder `fauxhire resolve` wrote."""
        return link_store(store, now=now, engine=self.engine, resolution=resolution)

    def link_new(self, store: LinkingStore, *, now: datetime) -> IncrementSummary:
        """The applications stored since the last run, into that run's identities."""
        return link_new(store, now=now, engine=self.engine)
