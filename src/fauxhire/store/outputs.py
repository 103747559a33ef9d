"""What the later stages write and evaluation reads: links, assessments, reports.

Each stage replaces its whole output in one transaction, so a reader never sees half of a run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Literal, overload

import orjson
import polars as pl
from sqlalchemy import ColumnElement, Table, delete, insert, or_, select

from fauxhire.domain import evidence
from fauxhire.domain.evidence import ComparisonEvidence, IndicatorEvidence, SharedEvidence
from fauxhire.domain.outcomes import Assessment, LinkEdge
from fauxhire.domain.outcomes import Link as Link  # what services write links as
from fauxhire.ports import AppliedApplication
from fauxhire.ports import AssessmentRow as AssessmentRow
from fauxhire.ports import Edge as Edge
from fauxhire.ports import LinkRun as LinkRun
from fauxhire.store import schema
from fauxhire.store.bulk import insert_rows
from fauxhire.store.prepare import apply_converters, converters
from fauxhire.store.schema import KEY_SEP, join_key
from fauxhire.store.store import Store
from fauxhire.store.types import JsonText

BATCH = 10_000


def _replace_all(
    store: Store,
    table: Table,
    rows: Iterable[dict[str, Any]],
    operation: str,
    where: ColumnElement[bool] | None = None,
) -> int:
    """Delete every row of ``table`` (those matching ``where``, if given) and insert ``rows``,
    in one transaction, through the driver's own bulk path: a million links through
    SQLAlchemy's executemany took 14 s of per-row parameter processing."""
    columns = _written(table)
    conv = [
        (index, _json_text if isinstance(table.c[columns[index]].type, JsonText) else _cached(fn))
        for index, fn in converters(table, columns, store.dialect)
    ]
    written = 0
    with store.transaction(operation) as conn:
        conn.execute(delete(table) if where is None else delete(table).where(where))
        for batch in _batches(rows):
            tuples = [apply_converters(tuple(row[c] for c in columns), conv) for row in batch]
            insert_rows(conn, table, columns, tuples, store.dialect)
            written += len(batch)
    return written


def _cached(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A converter that converts each distinct value once: every link of a run carries the
    same time, and a million conversions of it were a second and a half."""
    return functools.lru_cache(maxsize=4096)(convert)


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _written(table: Table) -> list[str]:
    """The columns a stage output writes, in table order: all but an autoincrement key."""
    return [c.name for c in table.columns if not (c.primary_key and c.autoincrement is True)]


def _json_text(value: Any) -> str | None:
    """JSON text of a value; a value built as JSON text already (evidence in bulk) as it is."""
    if value is None or isinstance(value, str):
        return value
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def replace_links(store: Store, links: Iterable[Link], *, now: datetime) -> int:
    """Replace every link with ``links``; the number written."""
    rows = (
        {
            "app_key": join_key((link.company_id, link.application_id)),
            "identity_id": link.identity_id,
            "network_id": link.network_id,
            "linked_at": now,
        }
        for link in links
    )
    return _replace_all(store, schema.links, rows, "replace_links")


def replace_link_frame(store: Store, links: pl.DataFrame, *, now: datetime) -> int:
    """``replace_links`` from a frame (company_id, application_id, identity_id, network_id):
    the keys joined and the time converted in columns, not once a link in Python (a million
    links as tuples, dicts and converted rows took seconds)."""
    frame = links.select(
        pl.concat_str("company_id", "application_id", separator=KEY_SEP).alias("app_key"),
        "identity_id",
        "network_id",
        pl.lit(_driver_value(store, schema.links, "linked_at", now)).alias("linked_at"),
    )
    return _replace_frame(store, schema.links, frame, "replace_links")


def _driver_value(store: Store, table: Table, column: str, value: Any) -> Any:
    """One value of ``column`` as the raw driver takes it."""
    for _, convert in converters(table, [column], store.dialect):
        return convert(value)
    return value


def _replace_frame(
    store: Store,
    table: Table,
    frame: pl.DataFrame,
    operation: str,
    where: ColumnElement[bool] | None = None,
) -> int:
    """``_replace_all`` of a frame whose columns are driver-ready already (JSON as text,
    times converted): its rows go to the driver as they come out of the frame."""
    columns = _written(table)
    # In key order, each row lands beside the last in the table's B-tree instead of on a page
    # of its own: the links of a million applications went in in a third less time.
    ordered = frame.select(columns).sort([c.name for c in table.primary_key.columns])
    with store.transaction(operation) as conn:
        conn.execute(delete(table) if where is None else delete(table).where(where))
        # SQLite builds an index over sorted rows faster than it keeps one up row by row;
        # its readers go on seeing the old table and indexes until the commit.
        rebuilt = list(table.indexes) if store.dialect == "sqlite" else []
        for index in rebuilt:
            index.drop(conn, checkfirst=True)
        for part in ordered.iter_slices(BATCH):
            insert_rows(conn, table, columns, part.rows(), store.dialect)
        for index in rebuilt:
            index.create(conn)
    return frame.height


def read_links(store: Store, identity_id: str | None = None) -> list[Link]:
    """The links of the applications in the store (a link to a vanished application is not);
    with ``identity_id``, only that identity's, read by index."""
    t, a = schema.links, schema.applications
    query = select(a.c.company_id, a.c.application_id, t.c.identity_id, t.c.network_id).join(
        a, a.c.key == t.c.app_key
    )
    if identity_id is not None:
        query = query.where(t.c.identity_id == identity_id)
    with store.transaction("read_links") as conn:
        return [Link(*row) for row in conn.execute(query)]


def read_identity_applications(store: Store, identity_id: str) -> list[AppliedApplication]:
    """``identity_id``'s applications with their dates, oldest first, read by index."""
    t, a = schema.links, schema.applications
    query = (
        select(a.c.key, a.c.company_id, a.c.application_id, a.c.applied_at)
        .join(a, a.c.key == t.c.app_key)
        .where(t.c.identity_id == identity_id)
        .order_by(a.c.applied_at, a.c.key)
    )
    with store.transaction("read_identity_applications") as conn:
        return [AppliedApplication(*row) for row in conn.execute(query)]


def replace_assessments(store: Store, rows: Iterable[AssessmentRow], *, now: datetime) -> int:
    """Replace every assessment with ``rows``; the number written."""
    values = ({**row._asdict(), "assessed_at": now} for row in rows)
    return _replace_all(store, schema.assessments, values, "replace_assessments")


def upsert_assessments(store: Store, rows: Sequence[AssessmentRow], *, now: datetime) -> int:
    """Replace the assessments of the subjects ``rows`` name (a screen's few identities and
    their networks), in one transaction; the number written."""
    t = schema.assessments
    with store.transaction("upsert_assessments") as conn:
        for kind in sorted({row.subject_kind for row in rows}):
            subjects = sorted({row.subject_id for row in rows if row.subject_kind == kind})
            conn.execute(delete(t).where(t.c.subject_kind == kind, t.c.subject_id.in_(subjects)))
        if rows:
            conn.execute(insert(t), [_upserted(row, now) for row in rows])
    return len(rows)


def _upserted(row: AssessmentRow, now: datetime) -> dict[str, Any]:
    """A row as ``insert`` binds it. Evidence built in bulk is JSON text already: bound as it
    is, the column would encode it again, as one JSON string (readers cope: ``from_parsed``,
    but the review queue's indicator filter reads the JSON as stored)."""
    given = row.evidence
    return row._asdict() | {
        "evidence": orjson.loads(given) if isinstance(given, str) else given,
        "assessed_at": now,
    }


def read_assessments(
    store: Store,
    subject_kind: str | None = None,
    subject_id: str | None = None,
    *,
    subject_ids: Sequence[str] | None = None,
) -> list[Assessment]:
    """The assessments, of one kind of subject or of one subject or of several subjects
    (read by key) if asked."""
    t = schema.assessments
    columns = [t.c[name] for name in AssessmentRow._fields]
    query = select(*columns)
    if subject_kind is not None:
        query = query.where(t.c.subject_kind == subject_kind)
    if subject_id is not None:
        query = query.where(t.c.subject_id == subject_id)
    if subject_ids is not None:
        query = query.where(t.c.subject_id.in_(list(subject_ids)))
    with store.transaction("read_assessments") as conn:
        return [typed_assessment(AssessmentRow(*row)) for row in conn.execute(query)]


def typed_assessment(row: AssessmentRow) -> Assessment:
    """An assessment as stored, its evidence typed: what every store's readers return."""
    return Assessment(
        **(row._asdict() | {"evidence": evidence.from_parsed(row.evidence, IndicatorEvidence)})
    )


def save_report(
    store: Store, figures: dict[str, Any], options: dict[str, Any], *, now: datetime
) -> int:
    """Keep a written report's figures (report.json); its id."""
    with store.transaction("save_report") as conn:
        result = conn.execute(
            insert(schema.reports).values(created_at=now, options=options, figures=figures)
        )
        key: Sequence[Any] = result.inserted_primary_key or ()
        return int(key[0])


def latest_report(store: Store) -> dict[str, Any] | None:
    """The figures of the report written last, or None when none was."""
    t = schema.reports
    query = select(t.c.figures).order_by(t.c.report_id.desc()).limit(1)
    with store.transaction("latest_report") as conn:
        found = conn.execute(query).scalar_one_or_none()
    return dict(found) if found is not None else None


def latest_link_run(store: Store) -> LinkRun | None:
    """The link run saved last, or None before the first."""
    t = schema.link_runs
    query = select(t.c.run_id, t.c.mode, t.c.model, t.c.summary).order_by(t.c.run_id.desc())
    with store.transaction("latest_link_run") as conn:
        row = conn.execute(query.limit(1)).first()
    return LinkRun(int(row[0]), row[1], dict(row[2]), dict(row[3])) if row else None


def replace_edges(store: Store, stage: str, edges: Iterable[Edge]) -> int:
    """Replace the edges of one stage."""
    t = schema.link_edges
    rows = (edge._asdict() for edge in edges)
    return _replace_all(store, t, rows, f"replace_edges:{stage}", where=t.c.stage == stage)


def replace_edge_frame(store: Store, stage: str, edges: pl.DataFrame) -> int:
    """``replace_edges`` from a frame of ``Edge``'s columns, evidence as JSON text."""
    t = schema.link_edges
    frame = edges.select(pl.lit(stage).alias("stage"), *(f for f in Edge._fields if f != "stage"))
    return _replace_frame(store, t, frame, f"replace_edges:{stage}", where=t.c.stage == stage)


@overload
def read_edges(
    store: Store, stage: Literal["identity"], group_id: str
) -> list[LinkEdge[ComparisonEvidence]]: ...
@overload
def read_edges(
    store: Store, stage: Literal["network"], group_id: str
) -> list[LinkEdge[SharedEvidence]]: ...
def read_edges(
    store: Store, stage: Literal["identity", "network"], group_id: str
) -> list[LinkEdge[ComparisonEvidence]] | list[LinkEdge[SharedEvidence]]:
    """The links that hold identity or network ``group_id`` together, strongest first."""
    return [typed_edge(edge) for edge in read_stage_edges(store, stage, group_id)]


def read_stage_edges(
    store: Store, stage: str, group_id: str, touching: str | None = None
) -> list[Edge]:
    """The edges of ``stage`` that hold ``group_id`` together (those with the end
    ``touching``, if given), strongest first, as stored."""
    t = schema.link_edges
    query = (
        select(*(t.c[name] for name in Edge._fields))
        .where(t.c.stage == stage, t.c.group_id == group_id)
        .order_by(t.c.score.desc())
    )
    if touching is not None:
        query = query.where(or_(t.c.a == touching, t.c.b == touching))
    with store.transaction("read_edges") as conn:
        return [Edge(*row) for row in conn.execute(query)]


def read_borrowed(store: Store, identity_id: str) -> list[LinkEdge[ComparisonEvidence]]:
    """The edges that split ``identity_id`` from another as a possibly borrowed identity."""
    t = schema.link_edges
    query = (
        select(*(t.c[name] for name in Edge._fields))
        .where(t.c.stage == "borrowed", (t.c.a == identity_id) | (t.c.b == identity_id))
        .order_by(t.c.score.desc())
    )
    with store.transaction("read_borrowed") as conn:
        edges = [Edge(*row) for row in conn.execute(query)]
    return [typed_edge(edge) for edge in edges]


def typed_edge(edge: Edge) -> LinkEdge[Any]:
    """An edge as stored, its evidence typed by its stage's shape (``evidence.SHAPES``)."""
    shape = evidence.SHAPES[edge.stage]
    return LinkEdge(**(edge._asdict() | {"evidence": evidence.from_parsed(edge.evidence, shape)}))


def save_link_run(
    store: Store,
    *,
    mode: str,
    spec: dict[str, Any],
    model: dict[str, Any],
    summary: dict[str, Any],
    now: datetime,
) -> int:
    with store.transaction("save_link_run") as conn:
        result = conn.execute(
            insert(schema.link_runs).values(
                created_at=now, mode=mode, spec=spec, model=model, summary=summary
            )
        )
        key: Sequence[Any] = result.inserted_primary_key or ()
        return int(key[0])
