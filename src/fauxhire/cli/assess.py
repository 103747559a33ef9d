"""`fauxhire assess`: every identity and network assessed under the ruleset in use."""

from __future__ import annotations

from fauxhire.cli.console import open_app
from fauxhire.cli.options import DbOption
from fauxhire.cli.printing import print_assess


def assess(db: DbOption = None) -> None:
    """Assess every identity and network: a probability, its ICD 203 level and the evidence,
    under the ruleset (the one shipped, or FAUXHIRE_RULESET). A recommendation for review."""
    from fauxhire.services.assess import assess_store

    with open_app(db) as app:
        summary = assess_store(
            app.store, now=app.now(), ruleset=app.load_ruleset(), community_key=app.community_key
        )
    print_assess(summary)
