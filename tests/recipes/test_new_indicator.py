"""Recipe (docs/architecture.md): a new indicator over an existing detector is one entry in the
ruleset. Done here once: "tor-egress", Tor exits alone, with its own weight, beside the
shipped "anonymiser-egress". Nothing but the YAML changes, and the indicator fires, weighs,
cites its records and appears in the generated indicator reference."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import polars as pl

from fauxhire.assess.detectors import DETECTORS
from fauxhire.assess.facts import Facts
from fauxhire.assess.ruleset import LoadedRuleset, parse_ruleset
from fauxhire.assess.score import assess
from fauxhire.services.rules import render_docs

SHIPPED = resources.files("fauxhire.assess").joinpath("rules/default.yaml").read_text()
NEW_INDICATOR = """
  - id: tor-egress
    family: technical
    detector: egress_kind
    weight: 1.0
    params: {kinds: [tor], min_share: 0.2, full_share: 0.6}
    title: Egress through Tor
    detail: "Meetings or sign-ins through {values} ({count} records)."
    explanation: >-
      Tor hides where a person is more thoroughly than a commercial VPN, and few people
      interview through it.
"""


def _ruleset(text: str) -> LoadedRuleset:
    loaded, problems = parse_ruleset(text, "ruleset.yaml", DETECTORS)
    assert loaded is not None, problems
    return loaded


def _with_new_indicator() -> str:
    head, sep, tail = SHIPPED.partition("indicators:\n")
    assert sep, "the shipped ruleset has no indicators list"
    return head + sep + NEW_INDICATOR.lstrip("\n") + "\n" + tail


def _facts() -> Facts:
    at = datetime(2025, 3, 4, 15, tzinfo=UTC)
    applications = pl.DataFrame(
        {"identity_id": ["i-1"], "app_key": ["c-1\x1fa-1"], "source": ["application:c-1/a-1"],
         "company_id": ["c-1"], "applied_at": [at], "claimed_country": ["US"]}
    )  # fmt: skip
    egress = pl.DataFrame(
        {"identity_id": ["i-1"] * 3, "source": [f"meeting:c-1/m-{n}" for n in range(3)],
         "channel": ["meeting"] * 3, "company_id": ["c-1"] * 3,
         "ip": ["185.220.101.4"] * 3, "at": [at] * 3, "kind": ["tor"] * 3,
         "provider": ["Tor exit"] * 3, "country": ["DE"] * 3, "claimed_country": ["US"] * 3}
    )  # fmt: skip
    return Facts.make(applications=applications, egress=egress)


def test_a_new_indicator_is_one_ruleset_entry() -> None:
    shipped, extended = _ruleset(SHIPPED), _ruleset(_with_new_indicator())
    before = assess(_facts(), shipped).identities.row(0, named=True)
    after = assess(_facts(), extended).identities.row(0, named=True)

    fired = {e["indicator"]: e for e in json.loads(after["evidence"])}
    assert "tor-egress" in fired and "tor-egress" not in before["evidence"]
    assert fired["tor-egress"]["weight"] == 1.0
    assert fired["tor-egress"]["sources"][0].startswith("meeting:c-1/m-")
    assert after["probability"] > before["probability"]
    assert "`tor-egress`" in render_docs(extended)
