"""docs/indicators.md is `fauxhire rules docs` of the shipped ruleset: it never drifts."""

from __future__ import annotations

from pathlib import Path

from fauxhire.services.assess import load_ruleset
from fauxhire.services.rules import render_docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_the_indicator_reference_is_generated_from_the_shipped_ruleset() -> None:
    loaded = load_ruleset()
    assert DOCS.read_text(encoding="utf-8") == render_docs(loaded), (
        "docs/indicators.md is stale: run `fauxhire rules docs --out docs/indicators.md`"
    )
    for indicator in loaded.ruleset.indicators:
        assert f"`{indicator.id}`" in render_docs(loaded)
