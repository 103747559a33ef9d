"""The store port (``fauxhire.ports``) in memory: tables as polars frames, outcomes as lists.

Real behaviour, not a stub: records are prepared as for SQLite (``Preparer``), so a value reads
back as the SQL store gives it, and the frames are the SQL store's own queries (``frames.QUERIES``,
``frames.FACT_QUERIES``) run by polars' SQL engine over these tables. A unit of work writes to a
copy and swaps it in on success: a reader sees the old state or the new one, and a failed unit
leaves the old one. Not held: the ingest of files (quarantine, file progress), the join stage (so
no meeting, sign-in or report reaches an application) and dispositions.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import polars as pl

from fauxhire.domain import Record
from fauxhire.domain.audit_chain import GENESIS, event_hash
from fauxhire.domain.outcomes import Assessment, LinkEdge
from fauxhire.domain.quarantine import Quarantined
from fauxhire.errors import StoreError
from fauxhire.ports import (
    ApiKey,
    AppliedApplication,
    AssessmentRow,
    AuditEntry,
    AuditEvent,
    Edge,
    FactFrame,
    Judgement,
    Link,
    LinkingFrame,
    LinkRun,
)
from fauxhire.store import outputs, schema
from fauxhire.store.dispositions import CARRIED_SCHEMA, CURRENT_COLUMNS
from fauxhire.store.frames import FACT_QUERIES, QUERIES, frame_of
from fauxhire.store.memory_frames import ScopedFrames, copied, edge_row, table_frame
from fauxhire.store.memory_members import MemoryMembers
from fauxhire.store.memory_queue import MemoryQueue
from fauxhire.store.prepare import Preparer, sqlite_datetime
from fauxhire.store.rows import MAPPINGS_BY_TABLE, PREPARED_TAIL
from fauxhire.store.schema import join_key


@dataclass
class _State:
    """Everything the store holds; a unit of work changes a copy of it."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # SQL table: rows
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # table: key -> id
    runs: list[LinkRun] = field(default_factory=list)
    assessments: list[AssessmentRow] = field(default_factory=list)
    assessed_at: dict[tuple[str, str], datetime] = field(default_factory=dict)  # by subject
    judgements: list[Judgement] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    keys: dict[str, ApiKey] = field(default_factory=dict)  # by key id, in the order added


class MemoryStore(ScopedFrames, MemoryMembers, MemoryQueue):
    """Every port of ``fauxhire.ports`` in memory: for tests, and use cases without a database."""

    def __init__(self) -> None:
        self._state: _State = _State()
        self._pending: _State | None = None
        self._lock = threading.RLock()  # one unit of work at a time
        self._preparer = Preparer("sqlite")

    # -- units of work -----------------------------------------------------------------------

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Writes inside go to a copy, swapped in whole when the block ends without error."""
        with self._lock:
            if self._pending is not None:
                yield  # inside one already: the outer unit commits
                return
            self._pending = copy.deepcopy(self._state)
            try:
                yield
                self._state = self._pending
            finally:
                self._pending = None

    @contextmanager
    def _writing(self) -> Iterator[_State]:
        with self.unit_of_work():
            assert self._pending is not None
            yield self._pending

    def _sql(self, query: str, columns: dict[str, Any]) -> pl.DataFrame:
        """A query of ``frames`` run over the committed tables."""
        state = self._state
        tables = {
            name: table_frame(name, state.rows.get(name, [])) for name in schema.metadata.tables
        }
        result = pl.SQLContext(tables).execute(query, eager=True)
        return result.select(pl.col(c).cast(t) for c, t in columns.items())

    # -- RecordWriter -------------------------------------------------------------------------

    def write_records(self, records: Sequence[Record], *, now: datetime) -> int:
        """Records as SQLite stores them. A record whose key is stored already is stored when
        its content is the same, and otherwise not (the SQL store quarantines it). The number
        of records the store now holds as given."""
        stored = 0
        stamp = sqlite_datetime(now)
        with self._writing() as state:
            for record in records:
                prepared = self._preparer.prepare(record)
                if isinstance(prepared, Quarantined):
                    continue
                ids = state.ids.setdefault(prepared.table, {})
                if prepared.key in ids:
                    # The same content again is stored already; other content is not stored.
                    held = state.rows[prepared.table][ids[prepared.key] - 1]
                    stored += held["content_hash"] == prepared.row[-1]
                    continue
                ids[prepared.key] = len(ids) + 1
                columns = (*MAPPINGS_BY_TABLE[prepared.table].columns, *PREPARED_TAIL)
                row = dict(zip(columns, prepared.row, strict=True))
                state.rows.setdefault(prepared.table, []).append(
                    row | {"id": ids[prepared.key], "file_id": 0, "ingested_at": stamp}
                )
                for child, rows in prepared.children:
                    names = [c.name for c in schema.metadata.tables[child].columns]
                    state.rows.setdefault(child, []).extend(
                        dict(zip(names, [ids[prepared.key], *row[1:]], strict=True)) for row in rows
                    )
                stored += 1
        return stored

    # -- LinkingInputs, BatchInputs -----------------------------------------------------------

    def linking_frame(self, name: LinkingFrame) -> pl.DataFrame:
        return self._sql(QUERIES[name], dict(frame_of(name, []).schema))

    def judgements(self) -> list[Judgement]:
        return list(self._state.judgements)

    def add_judgements(self, judgements: Iterable[Judgement]) -> int:
        """Keep judgements; one already given on the same pair keeps its first author."""
        with self._writing() as state:
            given = {(j.kind, j.a, j.b) for j in state.judgements}
            new = [j for j in judgements if (j.kind, j.a, j.b) not in given]
            state.judgements += new
        return len(new)

    def _applications(self) -> pl.DataFrame:
        return self.linking_frame("applications")

    def applications_after(self, rec: int) -> pl.DataFrame:
        return self._applications().filter(pl.col("rec") > rec)

    def applications_by_rec(self, recs: Sequence[int]) -> pl.DataFrame:
        return self._applications().filter(pl.col("rec").is_in(list(recs)))

    def values_of(self, recs: Sequence[int]) -> pl.DataFrame:
        return self.linking_frame("applicant_values").filter(pl.col("rec").is_in(list(recs)))

    def holders_of_values(self, values: pl.DataFrame) -> pl.DataFrame:
        wanted = values.select("kind", "key").unique()
        return self.linking_frame("applicant_values").join(wanted, on=["kind", "key"])

    def value_counts(self, values: pl.DataFrame) -> pl.DataFrame:
        held = self.holders_of_values(values).group_by("kind", "key").len("holders")
        return held.select("kind", "key", pl.col("holders").cast(pl.Int64))

    def _named(self, name_keys: Sequence[str]) -> pl.DataFrame:
        return self._applications().filter(pl.col("name_key").is_in(list(name_keys)))

    def name_counts(self, name_keys: Sequence[str]) -> pl.DataFrame:
        counts = self._named(name_keys).group_by("name_key").len("holders")
        return counts.select("name_key", pl.col("holders").cast(pl.Int64))

    def holders_of_names(self, name_keys: Sequence[str]) -> pl.DataFrame:
        return self._named(name_keys).select("rec", "name_key", "key")

    def links_of(self, recs: Sequence[int]) -> pl.DataFrame:
        return self.linking_frame("links").filter(pl.col("rec").is_in(list(recs)))

    def links_of_keys(self, keys: Sequence[str]) -> dict[str, str]:
        wanted = set(keys)
        rows = self._state.rows.get("links", [])
        return {r["app_key"]: r["identity_id"] for r in rows if r["app_key"] in wanted}

    def borrowed_pairs(self, identity_ids: Sequence[str]) -> list[tuple[str, str]]:
        edges, wanted = self._state.rows.get("link_edges", []), set(identity_ids)
        found = {(r["a"], r["b"]) for r in edges if r["stage"] == "borrowed" and r["a"] in wanted}
        return sorted(pair for pair in found if pair[1] in wanted)

    def identity_sizes(self, identity_ids: Sequence[str]) -> dict[str, int]:
        wanted = set(identity_ids)
        sizes: dict[str, int] = {}
        for row in self._state.rows.get("links", []):
            if row["identity_id"] in wanted:
                sizes[row["identity_id"]] = sizes.get(row["identity_id"], 0) + 1
        return sizes

    # -- OutcomeReader ------------------------------------------------------------------------

    def links(self, identity_id: str | None = None) -> list[Link]:
        apps = {r["key"]: r for r in self._state.rows.get("applications", [])}
        return [
            Link(app["company_id"], app["application_id"], r["identity_id"], r["network_id"])
            for r in self._state.rows.get("links", [])
            if (identity_id is None or r["identity_id"] == identity_id)
            and (app := apps.get(r["app_key"])) is not None
        ]

    def identity_applications(self, identity_id: str) -> list[AppliedApplication]:
        apps = {r["key"]: r for r in self._state.rows.get("applications", [])}
        links = [r for r in self._state.rows.get("links", []) if r["identity_id"] == identity_id]
        held = [
            # applied_at is stored as SQLite stores it (naive UTC text), read back as SQL's is.
            AppliedApplication(a["key"], a["company_id"], a["application_id"],
                               datetime.fromisoformat(a["applied_at"]).replace(tzinfo=UTC))
            for r in links if (a := apps.get(r["app_key"])) is not None
        ]  # fmt: skip
        return sorted(held, key=lambda application: (application.applied_at, application.key))

    def edges(
        self, stage: str, group_id: str, touching: str | None = None
    ) -> Sequence[LinkEdge[Any]]:
        found = [
            Edge(**{f: r[f] for f in Edge._fields})
            for r in self._state.rows.get("link_edges", [])
            if r["stage"] == stage
            and r["group_id"] == group_id
            and touching in (None, r["a"], r["b"])
        ]
        return [outputs.typed_edge(edge) for edge in sorted(found, key=lambda e: -e.score)]

    def assessments(
        self,
        subject_kind: str | None = None,
        subject_id: str | None = None,
        *,
        subject_ids: Sequence[str] | None = None,
    ) -> list[Assessment]:
        return [
            outputs.typed_assessment(r)
            for r in self._state.assessments
            if subject_kind in (None, r.subject_kind)
            and subject_id in (None, r.subject_id)
            and (subject_ids is None or r.subject_id in subject_ids)
        ]

    def latest_link_run(self) -> LinkRun | None:
        return self._state.runs[-1] if self._state.runs else None

    # -- FactReader ---------------------------------------------------------------------------

    def fact_frame(self, name: FactFrame) -> pl.DataFrame:
        if name == "dispositions":  # no analyst's disposition is held here
            return pl.DataFrame(schema=CARRIED_SCHEMA).select(CURRENT_COLUMNS)
        query, columns = FACT_QUERIES[name]
        return self._sql(query, columns)

    # -- OutcomeWriter ------------------------------------------------------------------------

    def replace_links(self, links: Iterable[Link], *, now: datetime) -> int:
        rows = [
            {
                "app_key": join_key((link.company_id, link.application_id)),
                "identity_id": link.identity_id,
                "network_id": link.network_id,
                "linked_at": sqlite_datetime(now),
            }
            for link in links
        ]
        with self._writing() as state:
            state.rows["links"] = rows
        return len(rows)

    def replace_edges(self, stage: str, edges: Iterable[Edge]) -> int:
        new = [edge_row(edge) for edge in edges]
        with self._writing() as state:
            kept = [r for r in state.rows.get("link_edges", []) if r["stage"] != stage]
            state.rows["link_edges"] = kept + new
        return len(new)

    def replace_link_frame(self, links: pl.DataFrame, *, now: datetime) -> int:
        columns = links.select("company_id", "application_id", "identity_id", "network_id")
        return self.replace_links((Link(*row) for row in columns.iter_rows()), now=now)

    def replace_edge_frame(self, stage: str, edges: pl.DataFrame) -> int:
        columns = edges.select(
            pl.lit(stage), "a", "b", "group_id", "score", "probability", "evidence"
        )
        return self.replace_edges(stage, (Edge(*row) for row in columns.iter_rows()))

    def add_links(
        self,
        links: Iterable[tuple[str, str, str | None]],
        merged: dict[str, tuple[str, str | None]],
        edges: Iterable[Edge],
        *,
        now: datetime,
    ) -> int:
        stamp = sqlite_datetime(now)
        with self._writing() as state:
            held = state.rows.setdefault("links", [])
            for row in held:
                if row["identity_id"] in merged:
                    row["identity_id"], row["network_id"] = merged[row["identity_id"]]
            for row in state.rows.setdefault("link_edges", []):
                if row["stage"] == "identity" and row["group_id"] in merged:
                    row["group_id"] = merged[row["group_id"]][0]
            new = [
                {"app_key": k, "identity_id": i, "network_id": n, "linked_at": stamp}
                for k, i, n in links
            ]
            held += new
            state.rows["link_edges"] += [edge_row(edge) for edge in edges]
        return len(new)

    def save_link_run(
        self,
        *,
        mode: str,
        spec: dict[str, Any],
        model: dict[str, Any],
        summary: dict[str, Any],
        now: datetime,
    ) -> int:
        with self._writing() as state:
            run = LinkRun(len(state.runs) + 1, mode, copied(model), copied(summary))
            state.runs.append(run)
        return run.run_id

    def refresh_statistics(self, written: str) -> None:  # no planner, no statistics
        return

    def replace_assessments(self, rows: Iterable[AssessmentRow], *, now: datetime) -> int:
        new = [row._replace(evidence=copied(row.evidence)) for row in rows]
        with self._writing() as state:
            state.assessments = new
            state.assessed_at = {(r.subject_kind, r.subject_id): now for r in new}
        return len(new)

    def upsert_assessments(self, rows: Sequence[AssessmentRow], *, now: datetime) -> int:
        subjects = {(row.subject_kind, row.subject_id) for row in rows}
        with self._writing() as state:
            kept = [r for r in state.assessments if (r.subject_kind, r.subject_id) not in subjects]
            state.assessments = kept + [r._replace(evidence=copied(r.evidence)) for r in rows]
            state.assessed_at |= dict.fromkeys(subjects, now)
        return len(rows)

    # -- AuditLog -----------------------------------------------------------------------------

    def append_audit(self, event: AuditEvent) -> int:
        with self._writing() as state:  # one unit at a time: the chain cannot fork
            prev = state.audit[-1].hash if state.audit else GENESIS
            event_id = len(state.audit) + 1
            state.audit.append(AuditEntry(event_id, event, prev, event_hash(event, prev)))
            return event_id

    def audit_events(self, subject: str | None = None) -> list[AuditEvent]:
        return [entry.event for entry in self.audit_trail(subject)]

    def audit_trail(
        self, subject: str | None = None, *, after: int = 0, limit: int | None = None
    ) -> list[AuditEntry]:
        found = [
            e
            for e in self._state.audit
            if e.event_id > after and (subject is None or e.event.subject == subject)
        ]
        return found[:limit]

    # -- ApiKeys ------------------------------------------------------------------------------

    def add_api_key(self, key: ApiKey) -> None:
        with self._writing() as state:
            if key.key_id in state.keys:  # as the SQL store's primary key refuses it
                raise StoreError("add_api_key")
            state.keys[key.key_id] = key._replace(scopes=tuple(key.scopes))

    def api_keys(self) -> list[ApiKey]:
        return sorted(self._state.keys.values(), key=lambda k: (k.created_at, k.key_id))

    def api_key(self, key_id: str) -> ApiKey | None:
        return self._state.keys.get(key_id)

    def revoke_api_key(self, key_id: str, *, at: datetime) -> ApiKey | None:
        with self._writing() as state:
            key = state.keys.get(key_id)
            if key is not None and key.revoked_at is None:
                key = state.keys[key_id] = key._replace(revoked_at=at)
            return key
