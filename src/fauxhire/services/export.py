"""Exports in the formats of FORMATS.md section 11."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from fauxhire.store import schema
from fauxhire.store.store import Store

LINK_COLUMNS = ("company_id", "application_id", "candidate_id", "identity_id", "network_id")


def write_links_csv(store: Store, path: Path) -> int:
    """One row an application (FORMATS.md 11); an empty network_id: in no network."""
    a, links = schema.applications, schema.links
    query = (
        select(
            a.c.company_id,
            a.c.application_id,
            a.c.candidate_id,
            links.c.identity_id,
            links.c.network_id,
        )
        .join(links, links.c.app_key == a.c.key)
        .order_by(a.c.company_id, a.c.application_id)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with (
        store.transaction("export_links") as conn,
        path.open("w", newline="", encoding="utf-8") as fh,
    ):
        writer = csv.writer(fh)
        writer.writerow(LINK_COLUMNS)
        for row in conn.execute(query):
            writer.writerow(["" if value is None else value for value in row])
            written += 1
    return written
