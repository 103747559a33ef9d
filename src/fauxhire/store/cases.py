"""Cases on the SQL store (``case_tables``): rows written and read as the case service asks,
each subject resolved to the identity or network that holds its anchor application now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, select, update

from fauxhire.store import schema
from fauxhire.store.case_tables import case_entries, cases
from fauxhire.store.sealed import RowSealer, open_file, seal_file
from fauxhire.store.store import Store


class CaseRow(NamedTuple):
    case_id: int
    subject_kind: str
    subject_id: str  # when opened
    current_id: str | None  # the identity or network holding its anchor now (None: erased)
    title: str
    state: str
    finding: str | None
    assignee: str | None
    opened_by: str
    opened_at: datetime
    updated_at: datetime


class Entry(NamedTuple):
    entry_id: int
    at: datetime
    actor: str
    kind: str
    text: str
    file_name: str | None
    media_type: str | None
    size: int | None  # a file's bytes
    sha256: str | None
    report_key: str | None


_COLUMNS = (
    cases.c.case_id, cases.c.subject_kind, cases.c.subject_id, cases.c.title, cases.c.state,
    cases.c.finding, cases.c.assignee, cases.c.opened_by, cases.c.opened_at, cases.c.updated_at,
)  # fmt: skip


def add_case(store: Store, row: dict[str, Any], first: dict[str, Any]) -> int:
    """A new case and its first entry; its id."""
    sealing = RowSealer(store.sealer)
    row, first = sealing.seal_mapping("cases", row), sealing.seal_mapping("case_entries", first)
    with store.transaction("add_case") as conn:
        case_id = int(conn.execute(insert(cases).returning(cases.c.case_id), [row]).scalar_one())
        conn.execute(insert(case_entries), [{**first, "case_id": case_id}])
    return case_id


def add_entry(store: Store, case_id: int, entry: dict[str, Any], **changed: Any) -> int:
    """An entry appended to a case, and the case's columns ``changed`` with it."""
    entry = RowSealer(store.sealer).seal_mapping("case_entries", entry)
    if entry.get("content") is not None:
        entry["size"] = len(entry["content"])
        entry["content"] = seal_file(store.sealer, entry["content"])
    with store.transaction("add_case_entry") as conn:
        made = conn.execute(
            insert(case_entries).returning(case_entries.c.entry_id), [{**entry, "case_id": case_id}]
        ).scalar_one()
        conn.execute(
            update(cases)
            .where(cases.c.case_id == case_id)
            .values(updated_at=entry["at"], **changed)
        )
    return int(made)


def read_cases(
    store: Store,
    *,
    case_ids: Sequence[int] | None = None,
    states: Sequence[str] = (),
    assignee: str | None = None,
    anchors: Sequence[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[CaseRow]:
    """Cases by id, or filtered by state and assignee, the latest changed first."""
    query = select(*_COLUMNS, cases.c.anchor_app)
    if case_ids is not None:
        query = query.where(cases.c.case_id.in_(list(case_ids)))
    if states:
        query = query.where(cases.c.state.in_(list(states)))
    if assignee is not None:
        query = query.where(cases.c.assignee == assignee)
    if anchors is not None:
        query = query.where(cases.c.anchor_app.in_(list(anchors)))
    query = query.order_by(cases.c.updated_at.desc(), cases.c.case_id.desc())
    with store.transaction("read_cases") as conn:
        rows = conn.execute(query.limit(limit).offset(offset)).all()
        current = _holders(conn, [(row.subject_kind, row.anchor_app) for row in rows])
    titles = [row[0] for row in _opened(store, "cases", ["title"], [[r.title] for r in rows])]
    return [
        CaseRow(
            row.case_id,
            row.subject_kind,
            row.subject_id,
            current.get((row.subject_kind, row.anchor_app)),
            title,
            row.state,
            row.finding,
            row.assignee,
            row.opened_by,
            row.opened_at,
            row.updated_at,
        )
        for row, title in zip(rows, titles, strict=True)
    ]


def read_entries(store: Store, case_id: int) -> list[Entry]:
    e = case_entries
    query = (
        select(
            e.c.entry_id,
            e.c.at,
            e.c.actor,
            e.c.kind,
            e.c.text,
            e.c.file_name,
            e.c.media_type,
            e.c.size,
            e.c.sha256,
            e.c.report_key,
        )
        .where(e.c.case_id == case_id)
        .order_by(e.c.entry_id)
    )
    with store.transaction("read_case_entries") as conn:
        rows = conn.execute(query).all()
    columns = [c.name for c in query.selected_columns]
    return [Entry._make(row) for row in _opened(store, "case_entries", columns, rows)]


def read_file(store: Store, case_id: int, entry_id: int) -> tuple[str, str, bytes] | None:
    """A file of a case: its name, media type and bytes; None if the case has no such file."""
    e = case_entries
    query = select(e.c.file_name, e.c.media_type, e.c.content).where(
        e.c.case_id == case_id, e.c.entry_id == entry_id, e.c.kind == "file"
    )
    with store.transaction("read_case_file") as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    columns = ["file_name", "media_type", "content"]
    ((name, media_type, _),) = _opened(store, "case_entries", columns, [row])
    return str(name), str(media_type), open_file(store.sealer, bytes(row[2]))


def _opened(store: Store, table: str, columns: Sequence[str], rows: Sequence[Any]) -> list[Any]:
    return RowSealer(store.sealer).open_rows(table, columns, rows)


def open_case_on(store: Store, kind: str, anchors: Sequence[str]) -> dict[str, int]:
    """The open (not closed) case of each of these anchors, by anchor, where there is one."""
    query = select(cases.c.anchor_app, cases.c.case_id).where(
        cases.c.subject_kind == kind,
        cases.c.anchor_app.in_(list(anchors)),
        cases.c.state != "closed",
    )
    with store.transaction("open_cases") as conn:
        return {str(anchor): int(case_id) for anchor, case_id in conn.execute(query)}


def report_key(store: Store, company_id: str, report_id: str) -> str | None:
    """The stored key of an employer report, if the store holds it."""
    r = schema.employer_reports
    query = select(r.c.key).where(
        r.c.reporting_company_id == company_id, r.c.report_id == report_id
    )
    with store.transaction("case_report") as conn:
        found = conn.execute(query).scalar()
    return None if found is None else str(found)


def _holders(conn: Connection, anchors: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The identity or network that holds each anchor application now."""
    links = schema.links
    keys = sorted({anchor for _, anchor in anchors})
    if not keys:
        return {}
    query = select(links.c.app_key, links.c.identity_id, links.c.network_id).where(
        links.c.app_key.in_(keys)
    )
    held = {row.app_key: (row.identity_id, row.network_id) for row in conn.execute(query)}
    found: dict[tuple[str, str], str] = {}
    for kind, anchor in anchors:
        identity, network = held.get(anchor, (None, None))
        holder = identity if kind == "identity" else network
        if holder is not None:
            found[(kind, anchor)] = str(holder)
    return found
