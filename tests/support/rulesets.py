"""The shipped ruleset, as tests read it: whole, or with some indicators changed."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fauxhire.assess.detectors import DETECTORS
from fauxhire.assess.ruleset import LoadedRuleset, parse_ruleset
from fauxhire.services.assess import load_ruleset

_SHIPPED = resources.files("fauxhire.assess").joinpath("rules/default.yaml")


def shipped_ruleset() -> LoadedRuleset:
    loaded, problems = parse_ruleset(_SHIPPED.read_text(), "default.yaml", DETECTORS)
    assert loaded is not None, problems
    return loaded


def changed_ruleset(
    folder: Path, name: str, change: Callable[[dict[str, Any]], None]
) -> LoadedRuleset:
    """The shipped ruleset with ``change`` applied to each indicator (its YAML mapping),
    written to ``folder/name`` and loaded from there, as a user's own ruleset is."""
    rules = yaml.safe_load(_SHIPPED.read_text(encoding="utf-8"))
    for indicator in rules["indicators"]:
        change(indicator)
    path = folder / name
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    return load_ruleset(path)
