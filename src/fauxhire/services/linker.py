"""Which linking engine a run uses, and how it is called: a full run (``link``) or the
applications stored since the last one (``link_new``).

The seam the entrypoints share: bootstrap chooses the ``Linker``, and `fauxhire run`, `link`,
`judge` and `demo` call it, never ``link_store`` or ``link_new`` by name. One engine exists
today, the embedded one (``link/``); another plugs in here under its own ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from fauxhire.errors import ConfigError
from fauxhire.services.increment import IncrementSummary, link_new
from fauxhire.services.link import LinkSummary, link_store
from fauxhire.store import Store

EMBEDDED: Final = "embedded"
ENGINES: Final = (EMBEDDED,)


@dataclass(frozen=True, slots=True)
class Linker:
    """The engine named ``name`` (one of ``ENGINES``)."""

    name: str = EMBEDDED

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ConfigError(
                f"no linking engine {self.name!r}; known: {', '.join(ENGINES)}", engine=self.name
            )

    def link(self, store: Store, *, now: datetime) -> LinkSummary:
        """Every application into identities and networks; ids stable where members are."""
        return link_store(store, now=now)

    def link_new(self, store: Store, *, now: datetime) -> IncrementSummary:
        """The applications stored since the last run, into that run's identities."""
        return link_new(store, now=now)
