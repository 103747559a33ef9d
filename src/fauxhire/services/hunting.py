"""Hunting content from the flagged personas' egress (issue 19, item 6; docs/sharing.md): the
IPs that identities at the level (and not cleared) were seen at in meetings and sign-ins,
kept only where the IP is an anonymiser's or a hosting provider's (enrich/ipintel.py), and
no identity below the level was seen there: a home connection is someone's personal data,
and an exit an innocent shares is no lead. Written by domain/hunting.py; audited."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import polars as pl

from fauxhire.domain.hunting import Egress, Hunting, hunting
from fauxhire.enrich import ipintel
from fauxhire.services.erasure import Actor
from fauxhire.services.share_export import levels_from, shareable
from fauxhire.store import SqlStore
from fauxhire.store.frames import read_frame
from fauxhire.store.share_reads import egress, egress_holders


def flagged_egress(store: SqlStore, min_level: str) -> list[Egress]:
    """The anonymiser and hosting egress only flagged identities were seen at."""
    _, shared, _ = shareable(store, levels_from(min_level))
    inside = {f.subject_id for f in shared}
    seen = egress(store, sorted(inside))
    by_ip = Counter(ip for ips in seen.values() for ip in ips)  # flagged identities an IP
    holders = egress_holders(store, sorted(by_ip))
    only_flagged = sorted(ip for ip, held in holders.items() if held <= inside)
    if not only_flagged:
        return []
    frame = pl.DataFrame(
        {"ip": only_flagged, "asn": [None] * len(only_flagged),
         "event_country": [None] * len(only_flagged)},
        schema={"ip": pl.String, "asn": pl.Int64, "event_country": pl.String},
    )  # fmt: skip
    classed = ipintel.classify(frame, read_frame(store, "ip_ranges"))
    return [
        Egress(row["ip"], row["kind"], row["provider"], by_ip[row["ip"]])
        for row in classed.iter_rows(named=True)
        if row["kind"] in ipintel.HIDING
    ]


def hunting_content(
    store: SqlStore, *, min_level: str, producer: str, actor: Actor, purpose: str, now: datetime
) -> tuple[Hunting | None, list[Egress]]:
    """The content (None when no such egress was seen), its disclosure audited."""
    found = flagged_egress(store, min_level)
    records = (f"count:egress={len(found)}",)
    with store.unit_of_work():
        store.append_audit(actor.event("share:hunting", "share", purpose, now, records))
    return (hunting(found, producer, now) if found else None), found
