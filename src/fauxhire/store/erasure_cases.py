"""What an erasure does to the analysts' cases (``case_tables``). A case follows its subject
through an anchor application; when the erasure removes the anchor, the case moves to an
application of the same identity or network that stays. A case whose subject keeps none was
about the erased person alone: it goes, with its notes, files and the rest of its entries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, select, update

from fauxhire.store import schema
from fauxhire.store.case_tables import case_entries, cases
from fauxhire.store.erasure_outputs import delete_in, select_in


def erase_cases(conn: Connection, app_keys: Sequence[str]) -> dict[str, int]:
    """Cases anchored on ``app_keys`` moved or deleted, before the links that say where they
    would move are (``erase_outputs``); the rows deleted, by table."""
    anchored = select_in(
        conn, select(cases.c.case_id, cases.c.subject_kind, cases.c.anchor_app),
        cases.c.anchor_app, app_keys,
    )  # fmt: skip
    if not anchored:
        return {}
    links = schema.links
    holders = select(links.c.app_key, links.c.identity_id, links.c.network_id)
    anchors = [case.anchor_app for case in anchored]
    held = {row.app_key: row for row in select_in(conn, holders, links.c.app_key, anchors)}
    erased, gone = set(app_keys), []
    for case in anchored:
        stays = _staying_application(conn, case.subject_kind, held.get(case.anchor_app), erased)
        if stays is None:
            gone.append(case.case_id)
        else:
            moved = update(cases).where(cases.c.case_id == case.case_id)
            conn.execute(moved.values(anchor_app=stays))
    return {
        "case_entries": delete_in(conn, case_entries, case_entries.c.case_id, gone),
        "cases": delete_in(conn, cases, cases.c.case_id, gone),
    }


def _staying_application(
    conn: Connection, kind: str, holder: object | None, erased: set[str]
) -> str | None:
    """The first application (by key) of the anchor's identity or network that the erasure
    leaves; None if it leaves none, or the anchor was never linked."""
    links = schema.links
    if holder is None:
        return None
    column = links.c.identity_id if kind == "identity" else links.c.network_id
    subject = getattr(holder, "identity_id" if kind == "identity" else "network_id")
    if subject is None:
        return None
    query = select(func.min(links.c.app_key)).where(
        column == subject, links.c.app_key.not_in(sorted(erased))
    )
    found: str | None = conn.execute(query).scalar()
    return found
