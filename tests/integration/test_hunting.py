"""Hunting content (services/hunting.py, domain/hunting.py) on the demo world's store: the
egress it names is anonymiser or hosting egress that flagged personas were seen at and no
identity below the level was; the Sigma rule parses with pySigma, and each Sentinel and Splunk
query holds the condition pySigma's own Kusto and Splunk backends write from that rule; the
KQL lexes without an error; the disclosure is audited."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from pygments.lexers import KustoLexer
from pygments.token import Error
from sigma.backends.kusto import KustoBackend
from sigma.backends.splunk import SplunkBackend
from sigma.collection import SigmaCollection

from fauxhire.enrich import ipintel
from fauxhire.services.erasure import Actor
from fauxhire.services.hunting import hunting_content
from fauxhire.services.share_export import levels_from, shareable
from fauxhire.store import SqlStore
from fauxhire.store.share_reads import egress, egress_holders

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_the_content_names_only_flagged_hiding_egress_and_parses(
    demo_world: Path, tmp_path: Path
) -> None:
    shutil.copyfile(demo_world / "fauxhire.db", tmp_path / "hub.db")
    store = SqlStore.open(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        content, found = hunting_content(
            store, min_level="likely", producer="Hub X", actor=Actor("ana"), purpose="members",
            now=NOW,
        )  # fmt: skip
        _, shared, _ = shareable(store, levels_from("likely"))
        flagged = {f.subject_id for f in shared}
        seen = {ip for ips in egress(store, sorted(flagged)).values() for ip in ips}
        holders = egress_holders(store, sorted(seen))
        event = store.audit_trail()[-1].event
    finally:
        store.close()
    assert content is not None and found
    ips = {e.ip for e in found}
    assert all(holders[ip] <= flagged for ip in ips), "no IP an innocent was seen at"
    assert {e.kind for e in found} <= set(ipintel.HIDING), "no home connection"
    shared_with_innocents = {ip for ip, held in holders.items() if not held <= flagged}
    assert not shared_with_innocents & ips

    rules = SigmaCollection.from_yaml(content.sigma)
    assert len(rules.rules) == 1 and not rules.errors
    (splunk,) = SplunkBackend().convert(rules)
    (kusto,) = KustoBackend().convert(rules)
    kusto = kusto.replace(" in~ ", " in ")  # case-blind `in~` is moot for IP addresses
    assert set(re.findall(r'"([0-9a-f.:]+)"', splunk)) == ips
    assert splunk in content.splunk_signins
    assert kusto in content.sentinel_signins
    assert kusto.replace("IPAddress", "ClientIP") in content.sentinel_meetings
    assert splunk.replace("IPAddress", "participant_ip") in content.splunk_meetings
    for query in (content.sentinel_signins, content.sentinel_meetings):
        assert [v for t, v in KustoLexer().get_tokens(query) if t in Error] == []
    assert (event.action, event.purpose) == ("share:hunting", "members")
    assert event.records == (f"count:egress={len(found)}",)
