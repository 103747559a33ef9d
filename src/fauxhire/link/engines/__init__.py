"""The linking engines, by name: ``engine(name)`` gives one, ``names()`` lists them.

Every engine keeps to ``fauxhire.link.engine.Engine`` and passes tests/conformance. An engine
is imported only when it is asked for, so one that needs libraries of its own (a Spark
engine: pyspark and a JDK) costs nothing to the runs that do not use it. Nothing outside this
package imports an engine's modules (an import contract in pyproject.toml says so): the
services reach them through the protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fauxhire.errors import ConfigError

# The protocol only names types here: importing it would bring polars and numpy into every
# reader of the engines' names, `fauxhire link --help` among them (issue 17).
if TYPE_CHECKING:
    from fauxhire.link.engine import Engine

DEFAULT = "embedded"


def _embedded(master: str | None = None) -> Engine:
    from fauxhire.link.engines.embedded import EmbeddedEngine

    if master is not None:
        raise ConfigError("the embedded engine runs in this process: it takes no master")
    return EmbeddedEngine()


def _spark(master: str | None = None) -> Engine:
    try:
        import pyspark  # noqa: F401
    except ImportError as missing:
        raise ConfigError(
            "the Spark engine needs pyspark: pip install 'fauxhire[spark]' (and a JDK 17 or later)",
            engine="spark",
        ) from missing
    from fauxhire.link.engines.spark import SparkEngine

    return SparkEngine(master)


_ENGINES: dict[str, Callable[[str | None], Engine]] = {"embedded": _embedded, "spark": _spark}


def names() -> tuple[str, ...]:
    """The names of the engines there are, sorted."""
    return tuple(sorted(_ENGINES))


def engine(name: str = DEFAULT, master: str | None = None) -> Engine:
    """The engine called ``name``, on ``master`` where it is a cluster's (Spark: a master URL,
    local mode by default); a ``ConfigError`` naming the known ones if there is none."""
    make = _ENGINES.get(name)
    if make is None:
        known = ", ".join(names())
        raise ConfigError(
            f"unknown linking engine {name!r}: the engines are {known}",
            engine=name,
            known=list(names()),
        )
    return make(master)
