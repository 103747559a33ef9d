"""The store on both backends: migrations match the schema, writes atomic, upserts idempotent,
stage outputs replaced whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import orjson
import polars as pl
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from fauxhire.domain import (
    Application,
    Assessment,
    Company,
    IndicatorEvidence,
    LinkEdge,
    Provenance,
    SharedEvidence,
)
from fauxhire.domain.evidence import JUDGED_TOGETHER, to_json
from fauxhire.errors import ConfigError, StoreError
from fauxhire.ports import AssessmentRow, AuditEvent
from fauxhire.store import Store, normalise_url, subsets
from fauxhire.store import outputs as out
from fauxhire.store import schema as s
from fauxhire.store.frames import read_frame
from fauxhire.store.judgements import Judgement, add_judgements, read_judgements
from fauxhire.store.schema import join_key
from fauxhire.store.sealed import MASK
from fauxhire.store.writer import FileProgress
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _app(
    app_id: str,
    title: str = "Backend Engineer",
    email: str = "a@example.com",
    line: str = "line 1",
) -> Application:
    return application(app_id, title=title, email=email, line=line)


def _write(store: Store, file_id: int, *apps: Application, now: datetime = NOW) -> dict[int, int]:
    return store.write_batch(
        store.chunk_writer(),
        now=now,
        records=[(file_id, store.preparer().prepare(a)) for a in apps],
        files=[FileProgress(file_id, len(apps), len(apps), 0, "started")],
    )


def _file(store: Store, sha: str = "0" * 64) -> int:
    return store.begin_file(
        fmt="applications", company_id=None, sha256=sha, size=1, display="apps.jsonl", now=NOW
    ).file_id


def test_migrations_build_exactly_the_declared_schema(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert diff == []
    assert "alembic_version" in inspect(store.engine).get_table_names()


def test_opening_twice_is_harmless(open_store: Callable[[str], Store], db_url: str) -> None:
    open_store(db_url).close()
    store = open_store(db_url)
    assert store.count("applications") == 0


def test_records_round_trip_with_types_intact(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    _write(store, _file(store), _app("a-1"))
    (row,) = store.rows(select(s.applications))
    assert row["applied_at"] == datetime(2025, 3, 3, 14, 2, 11, 120000, tzinfo=UTC)
    assert row["stage_interview"] is True
    assert row["extra"] == {"note": ["x", 1]}
    assert row["source_system"] == "canonical"
    assert row["prov_location"] == "line 1"
    assert row["ingested_at"] == NOW
    (value,) = [v for v in store.rows(select(s.applicant_values)) if v["kind"] == "email"]
    assert value["app_ref"] == row["id"]


def test_evidence_built_as_json_text_is_upserted_as_json_not_a_string_of_it(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    """A screen's detectors give evidence as JSON text; it was stored encoded again."""
    store = open_store(db_url)
    text_evidence = '[{"indicator":"x","weight":1.5,"detail":"d","sources":[]}]'
    rows = [
        AssessmentRow("identity", "i-1", None, 0.6, "likely", text_evidence),
        AssessmentRow("identity", "i-2", None, 0.6, "likely", [{"indicator": "y", "weight": 1}]),
        AssessmentRow("identity", "i-3", None, 0.1, "very unlikely", "[]"),
    ]
    store.upsert_assessments(rows, now=NOW)
    with store.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT subject_id, evidence FROM assessments")).all())
    assert stored["i-1"] == text_evidence and stored["i-3"] == "[]"
    assert stored["i-2"] == '[{"indicator":"y","weight":1}]'


def test_audit_events_and_link_runs_are_numbered_past_32_bits(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    """A server appends events and runs for every screen: on PostgreSQL a serial id (and its
    sequence) would stop at 2**31 - 1 (migration 0019)."""
    store = open_store(db_url)
    past = 2**31 + 5
    with store.engine.begin() as conn:
        for table, column in (("audit_events", "event_id"), ("link_runs", "run_id")):
            if store.dialect == "postgresql":
                sequence = f"pg_get_serial_sequence('{table}', '{column}')"
                conn.execute(text(f"SELECT setval({sequence}, {past})"))
            else:  # SQLite numbers a row after the largest id: one is put there
                row = {"event_id": past, "actor": "a", "action": "x", "subject": "s",
                       "purpose": "p", "at": NOW, "prev_hash": "0", "hash": "0"}  # fmt: skip
                if table == "link_runs":
                    row = {"run_id": past, "created_at": NOW, "mode": "full", "spec": {},
                           "model": {}, "summary": {}}  # fmt: skip
                conn.execute(s.metadata.tables[table].insert(), row)
    event = store.append_audit(AuditEvent("ana", "identity-summary", "identity:i-1", "p", NOW))
    run = store.save_link_run(mode="full", spec={}, model={}, summary={}, now=NOW)
    assert event == run == past + 1


def test_company_countries_reads_all_or_only_those_named(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    companies = [
        Company(f"c-{i}", f"Co {i}", None, country, None, (), Provenance("companies", "f", "x"))
        for i, country in enumerate(("US", "DE", "GB"))
    ]
    _write(store, _file(store), *companies)
    assert store.company_countries() == {"c-0": "US", "c-1": "DE", "c-2": "GB"}
    assert store.company_countries(["c-2", "c-0", "c-9"]) == {"c-0": "US", "c-2": "GB"}
    assert store.company_countries([]) == {}


def test_a_stored_record_is_kept_and_one_with_other_content_quarantined(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    first, second = _file(store, "0" * 64), _file(store, "1" * 64)
    _write(store, first, _app("a-1"), _app("a-2"))
    changed = _app("a-1", title="Payroll Specialist", email="new@example.com", line="line 9")
    assert _write(store, second, changed, _app("a-2")) == {second: 1}
    rows = {r["application_id"]: r for r in store.rows(select(s.applications))}
    assert rows["a-1"]["job_title"] == "Backend Engineer"
    assert rows["a-1"]["file_id"] == rows["a-2"]["file_id"] == first
    emails = {v["key"] for v in store.rows(select(s.applicant_values)) if v["kind"] == "email"}
    assert emails == {"a@example.com"}
    (entry,) = store.rows(select(s.quarantine))
    assert (entry["file_id"], entry["location"], entry["code"]) == (
        second,
        "line 9",
        "conflicting_duplicate",
    )
    assert "'c-1/a-1' is stored already, from apps.jsonl line 1" in entry["reason"]
    progress = {r["file_id"]: r for r in store.rows(select(s.ingest_files))}
    assert (progress[second]["records"], progress[second]["quarantined"]) == (1, 1)


def test_a_record_that_changes_only_its_emails_is_a_conflict_too(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    """The content hash covers the application's own columns; its emails are child rows."""
    store = open_store(db_url)
    first, second = _file(store, "0" * 64), _file(store, "1" * 64)
    _write(store, first, _app("a-1"))
    with store.transaction("join") as conn:  # a join's mark on the row is not its content
        conn.execute(s.applications.update().values(has_meeting=True))
    assert _write(store, second, _app("a-1", line="line 2")) == {}
    assert _write(store, second, _app("a-1", email="new@example.com", line="line 3")) == {second: 1}
    (entry,) = store.rows(select(s.quarantine))
    assert json.loads(entry["excerpt"]) == {
        "applicant_values": {
            # The normalised key says which; the value as presented is not shown in clear.
            "stored": [["email", "a@example.com", MASK]],
            "new": [["email", "new@example.com", MASK]],
        }
    }
    emails = {v["key"] for v in store.rows(select(s.applicant_values))}
    assert emails == {"a@example.com"}


def test_unchanged_record_keeps_its_first_ingest_time(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    file_id = _file(store)
    _write(store, file_id, _app("a-1"))
    _write(store, file_id, _app("a-1"), now=datetime(2027, 1, 1, tzinfo=UTC))
    (row,) = store.rows(select(s.applications.c.ingested_at))
    assert row["ingested_at"] == NOW


def test_a_failed_chunk_leaves_nothing_behind(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    with pytest.raises(StoreError):
        _write(store, 999_999, _app("a-1"))  # no such ingest file: the foreign key refuses
    assert store.count("applications") == 0
    assert store.count("applicant_values") == 0


def test_begin_file_remembers_progress(open_store: Callable[[str], Store], db_url: str) -> None:
    store = open_store(db_url)
    first = store.begin_file(
        fmt="applications", company_id="c-1", sha256="a" * 64, size=3, display="x", now=NOW
    )
    _write(store, first.file_id, _app("a-1"))
    again = store.begin_file(
        fmt="applications", company_id="c-1", sha256="a" * 64, size=3, display="x", now=NOW
    )
    assert (again.file_id, again.status, again.items_done) == (first.file_id, "started", 1)


def test_database_urls(open_store: Callable[[str], Store]) -> None:
    assert normalise_url("fauxhire.db") == "sqlite:///fauxhire.db"
    assert normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    with pytest.raises(ConfigError, match="unsupported database"):
        open_store("mysql://root@127.0.0.1/test")


# -- stage outputs: links, assessments, reports -----------------------------------------


def test_links_replace_the_previous_run_and_skip_vanished_applications(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    _write(store, _file(store), _app("a-1"), _app("a-2"))
    out.replace_links(store, [out.Link("c-1", "a-1", "i-1", None)], now=NOW)
    written = out.replace_links(
        store,
        [
            out.Link("c-1", "a-1", "i-9", "n-1"),
            out.Link("c-1", "a-2", "i-9", "n-1"),
            out.Link("c-1", "a-404", "i-7", None),  # no such application in the store
        ],
        now=NOW,
    )
    assert written == 3
    assert sorted(out.read_links(store)) == [
        out.Link("c-1", "a-1", "i-9", "n-1"),
        out.Link("c-1", "a-2", "i-9", "n-1"),
    ]


def test_frames_read_whole_tables_as_typed_columns(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    empty = read_frame(store, "links")  # nothing yet: still the frame's types
    assert empty.height == 0 and empty.schema["rec"] == pl.Int64
    _write(store, _file(store), _app("a-1"), _app("a-2", email="b@example.com"))
    out.replace_links(store, [out.Link("c-1", "a-2", "i-3", None)], now=NOW)
    apps = read_frame(store, "applications").sort("application_id")
    assert apps.get_column("application_id").to_list() == ["a-1", "a-2"]
    assert apps.get_column("name_key").to_list() == ["alex example"] * 2
    assert apps.schema["rec"] == pl.Int64 and apps.schema["referred_by"] == pl.String
    values = read_frame(store, "applicant_values").filter(pl.col("kind") == "email")
    assert sorted(values.get_column("key").to_list()) == ["a@example.com", "b@example.com"]
    links = read_frame(store, "links")
    a2 = apps.filter(pl.col("application_id") == "a-2").get_column("rec").item()
    assert links.rows() == [(a2, "i-3", None)]


def test_an_incremental_batch_reads_only_what_it_shares_and_adds_its_links(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    _write(
        store,
        _file(store),
        _app("a-1", email="x@example.com"),
        _app("a-2", email="x@example.com"),
        _app("a-3", email="y@example.com"),
    )
    recs = dict(read_frame(store, "applications").select("application_id", "rec").iter_rows())
    out.replace_links(
        store,
        [out.Link("c-1", "a-1", "i-1", "n-1"), out.Link("c-1", "a-2", "i-2", None)],
        now=NOW,
    )
    asked = pl.DataFrame({"kind": ["email", "email"], "key": ["x@example.com", "z@example.com"]})
    counts = subsets.value_counts(store, asked)
    assert counts.rows() == [("email", "x@example.com", 2)]
    holders = subsets.holders_of_values(store, asked).get_column("rec").sort().to_list()
    assert holders == sorted([recs["a-1"], recs["a-2"]])
    assert subsets.name_counts(store, ["alex example", "nobody"]).rows() == [("alex example", 3)]
    after = subsets.applications_after(store, recs["a-2"])
    assert after.get_column("application_id").to_list() == ["a-3"]
    linked = subsets.links_of(store, [recs["a-1"], recs["a-3"]])
    assert linked.rows() == [(recs["a-1"], "i-1", "n-1")]
    added = subsets.add_links(
        store,
        [(join_key(("c-1", "a-3")), "i-1", "n-1")],
        {"i-2": ("i-1", "n-1")},  # a-3 linked a-1 and a-2: i-2 merges into i-1
        [],
        now=NOW,
    )
    assert added == 1
    assert sorted(out.read_links(store)) == [
        out.Link("c-1", "a-1", "i-1", "n-1"),
        out.Link("c-1", "a-2", "i-1", "n-1"),
        out.Link("c-1", "a-3", "i-1", "n-1"),
    ]
    assert subsets.identity_sizes(store, ["i-1", "i-2"]) == {"i-1": 3}


def test_assessments_round_trip_with_their_evidence(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    fired = (IndicatorEvidence("egress.vpn", 1.5, "Astrill", ("x",)),)
    rows = [
        out.AssessmentRow(
            "identity", "i-1", "n-1", 0.91, "very likely", to_json(fired), "1.0", "ab"
        ),
        out.AssessmentRow("network", "n-1", None, 0.97, "almost certain", []),
    ]
    out.replace_assessments(store, rows, now=NOW)
    out.replace_assessments(store, rows[:1], now=NOW)
    assert out.read_assessments(store) == [
        Assessment("identity", "i-1", "n-1", 0.91, "very likely", fired, "1.0", "ab")
    ]
    assert out.read_assessments(store, "network") == []


def test_the_latest_report_wins(open_store: Callable[[str], Store], db_url: str) -> None:
    store = open_store(db_url)
    assert out.latest_report(store) is None
    out.save_report(store, {"identities": 3}, {"anonymise": False}, now=NOW)
    later = datetime(2026, 2, 1, tzinfo=UTC)
    out.save_report(store, {"identities": 4, "us_share": {"interviews": 0.7}}, {}, now=later)
    assert out.latest_report(store) == {"identities": 4, "us_share": {"interviews": 0.7}}


def test_edges_replace_only_their_own_stage(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    shared = (SharedEvidence("payout", "money", "x", 2, 1.0),)
    network = out.Edge("network", "i-1", "i-2", "net-1", 1.0, None, to_json(shared))
    out.replace_edges(store, "network", [network])
    judged = (JUDGED_TOGETHER,)
    identity = out.Edge("identity", "c\x1fa-1", "c\x1fa-2", "i-1", 30.5, 0.99, to_json(judged))
    out.replace_edges(store, "identity", [identity])
    out.replace_edges(store, "identity", [identity._replace(score=31.0)])
    assert out.read_edges(store, "network", "net-1") == [
        LinkEdge("network", "i-1", "i-2", "net-1", 1.0, None, shared)
    ]
    assert out.read_edges(store, "identity", "i-1") == [
        LinkEdge("identity", "c\x1fa-1", "c\x1fa-2", "i-1", 31.0, 0.99, judged)
    ]


def test_frames_write_what_rows_write(open_store: Callable[[str], Store], db_url: str) -> None:
    # The frame writers a full link run uses store what the row writers store: the same links
    # with their time, the same edges with their evidence read back as lists.
    store = open_store(db_url)
    _write(store, _file(store), _app("a-1"), _app("a-2"))
    links = [out.Link("c-1", "a-1", "i-9", "n-1"), out.Link("c-1", "a-2", "i-8", None)]
    out.replace_links(store, [out.Link("c-1", "a-1", "i-1", None)], now=NOW)
    frame = pl.DataFrame(links, schema=list(out.Link._fields), orient="row")
    assert out.replace_link_frame(store, frame, now=NOW) == 2
    assert sorted(out.read_links(store)) == sorted(links)
    with store.transaction("read linked_at") as conn:
        times = {row[0] for row in conn.execute(select(s.links.c.linked_at))}
    assert times == {NOW}
    item = {"comparison": "email", "level": 3, "reading": "exact", "weight": 9.5}
    edge = out.Edge(
        "identity", "c\x1fa-1", "c\x1fa-2", "i-9", 30.5, 0.99, orjson.dumps([item]).decode()
    )
    out.replace_edges(store, "identity", [edge._replace(group_id="i-1")])
    edges = pl.DataFrame([edge[1:]], schema=list(out.Edge._fields[1:]), orient="row")
    assert out.replace_edge_frame(store, "identity", edges) == 1
    assert out.read_stage_edges(store, "identity", "i-1") == []
    assert out.read_stage_edges(store, "identity", "i-9") == [edge._replace(evidence=[item])]


def test_a_judgement_given_twice_keeps_its_first_author(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = open_store(db_url)
    first = Judgement("apart", "c\x1fa-1", "c\x1fa-2", "ana", "different people", NOW)
    again = first._replace(analyst="bo", created_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert add_judgements(store, [first]) == 1
    assert add_judgements(store, [again]) == 0
    assert read_judgements(store) == [first]
