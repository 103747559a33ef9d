"""The campaign report as the console shows it (issue 18, item 7): the figures of the report
`fauxhire report` wrote last (its report.json, kept in the store), so the page and the file
say the same; the hub analyst's, and the read audited (it names companies and identities)."""

from __future__ import annotations

from typing import Any

from fauxhire.errors import NotFound
from fauxhire.services.analyst_actions import Acting
from fauxhire.store import SqlStore
from fauxhire.store.outputs import latest_report


def campaign_report(store: SqlStore, acting: Acting) -> dict[str, Any]:
    """The last report's figures; ``NotFound`` before the first `fauxhire report`."""
    with store.unit_of_work():
        figures = latest_report(store)
        if figures is None:
            raise NotFound("no report yet: run `fauxhire report` (make demo does)")
        shown = tuple(f"identity:{i['identity_id']}" for i in figures.get("identity_list", []))
        store.append_audit(acting.event("report:read", "report:latest", "review", shown))
    return figures
