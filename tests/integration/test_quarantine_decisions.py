"""An analyst's decision on a conflicting duplicate, on SQLite and PostgreSQL: the later
version is held whole at ingest; accepting it replaces the stored record and its child rows
with the later file's provenance, keeping the replaced version with the decision; keeping the
stored record dismisses it; each decision is recorded once, and a decided version coming in
again from another file quarantines nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select

from fauxhire.domain import Application, Hire, Provenance, SignIn
from fauxhire.domain.quarantine import Quarantined
from fauxhire.domain.values import Value, ValueKind
from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.services.joins import resolve_joins
from fauxhire.services.quarantine import Decided, decide, entry_id, quarantine_entries
from fauxhire.store import Store
from fauxhire.store import schema as s
from fauxhire.store.database import make_engine, migrate
from fauxhire.store.schema import join_key
from fauxhire.store.sealed import RowSealer
from fauxhire.store.writer import FileProgress, QuarantineEntry
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LATER_AT = datetime(2026, 1, 8, tzinfo=UTC)
DECIDED = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)


def _app(
    file: str, line: str, *, title: str = "Backend Engineer", email: str = "a@example.com"
) -> Application:
    return application(title=title, email=email, phone="+1 555 0100", file=file, line=line)


FIRST = _app("applications/export-1.jsonl", "line 1")
LATER = _app("applications/export-2.jsonl", "line 3", title="Payroll", email="new@example.com")


def _ingest(store: Store, *apps: Application, now: datetime = NOW) -> int:
    """The applications as one new file's ingest; its file id."""
    file_id = store.begin_file(
        fmt="applications",
        company_id=None,
        sha256=f"{store.count('ingest_files'):064d}",
        size=1,
        display=apps[0].provenance.file,
        now=now,
    ).file_id
    store.write_batch(
        store.chunk_writer(),
        now=now,
        records=[(file_id, store.preparer().prepare(a)) for a in apps],
        files=[FileProgress(file_id, len(apps), len(apps), 0, "done")],
    )
    return file_id


def _stored(store: Store) -> tuple[dict[str, object], set[tuple[str, str]]]:
    """The application row and its values (kind, key)."""
    (row,) = store.rows(select(s.applications))
    values = {(v["kind"], v["key"]) for v in store.rows(select(s.applicant_values))}
    return row, values


def _pending(store: Store) -> list[str]:
    return [e["id"] for e in quarantine_entries(store, pending=True)]


@pytest.fixture
def store(open_store: Callable[[str], Store], db_url: str) -> Store:
    """A store holding FIRST, with LATER quarantined as its conflicting duplicate."""
    opened = open_store(db_url)
    _ingest(opened, FIRST)
    _ingest(opened, LATER, now=LATER_AT)
    return opened


def _decide(store: Store, decision: str, *ids: str, file: str | None = None) -> Decided:
    return decide(
        store,
        decision,
        ids=ids,
        file=file,
        analyst="ana",
        reason="the ATS export of March is right",
        now=DECIDED,
    )


def test_the_later_version_is_held_whole_beside_its_entry(store: Store) -> None:
    (entry,) = quarantine_entries(store)
    assert (entry["code"], entry["pending"], entry["decision"]) == (
        "conflicting_duplicate",
        True,
        None,
    )
    assert entry["id"].startswith("q-") and len(entry["id"]) == 14
    (held,) = store.rows(select(s.held_records))
    assert held["record_table"] == "applications"
    assert held["row"]["job_title"] == "Payroll"
    assert held["row"]["prov_file"] == "applications/export-2.jsonl"
    sealed = held["children"]["applicant_values"]
    assert all(display.startswith("pii1:") for _, _, display in sealed)  # held encrypted too
    assert sorted(RowSealer(store.sealer).open_children(held["children"])["applicant_values"]) == [
        ["email", "new@example.com", "new@example.com"],
        ["phone", "+15550100", "+1 555 0100"],
    ]


def test_accepting_replaces_the_record_and_its_children_with_the_later_provenance(
    store: Store,
) -> None:
    with store.transaction("join") as conn:  # a meeting was joined to the application
        conn.execute(s.applications.update().values(has_meeting=True))
    before, _ = _stored(store)
    (entry,) = quarantine_entries(store)
    done = _decide(store, "accepted", entry["id"])
    row, values = _stored(store)
    assert row["id"] == before["id"]  # child rows and `link --new` go by it
    assert row["has_meeting"] is True and row["stage_interview"] is True
    assert row["ingested_at"] == LATER_AT  # when the accepted version came in
    assert row["job_title"] == "Payroll"
    assert (row["prov_file"], row["prov_location"]) == ("applications/export-2.jsonl", "line 3")
    assert row["file_id"] != before["file_id"]
    assert row["applied_at"] == before["applied_at"] and row["extra"] == {"note": ["x", 1]}
    assert values == {("email", "new@example.com"), ("phone", "+15550100")}
    assert [(r.replaced_file, r.file) for r in done.replaced] == [
        ("applications/export-1.jsonl", "applications/export-2.jsonl")
    ]
    (decision,) = store.rows(select(s.quarantine_decisions))
    assert (decision["decision"], decision["analyst"], decision["decided_at"]) == (
        "accepted",
        "ana",
        DECIDED,
    )
    assert decision["reason"] == "the ATS export of March is right"
    kept = decision["replaced"]  # nothing that went in is lost
    assert kept["row"]["job_title"] == "Backend Engineer"
    assert "a@example.com" not in [d for *_, d in kept["children"]["applicant_values"]]
    opened = RowSealer(store.sealer).open_children(kept["children"])
    assert ["email", "a@example.com", "a@example.com"] in opened["applicant_values"]
    (listed,) = quarantine_entries(store)
    assert listed["pending"] is False
    assert listed["decision"]["decision"] == "accepted"
    assert _pending(store) == []


def test_keeping_leaves_the_stored_record_and_records_the_decision(store: Store) -> None:
    before = _stored(store)
    (entry,) = quarantine_entries(store)
    done = _decide(store, "kept", entry["id"])
    assert _stored(store) == before
    assert done.replaced == []
    (decision,) = store.rows(select(s.quarantine_decisions))
    assert (decision["decision"], decision["analyst"], decision["replaced"]) == (
        "kept",
        "ana",
        None,
    )
    assert _pending(store) == []


@pytest.mark.parametrize("first", ["accepted", "kept"])
def test_a_decision_is_made_once(store: Store, first: str) -> None:
    (entry,) = quarantine_entries(store)
    _decide(store, first, entry["id"])
    for again in ("accepted", "kept"):
        with pytest.raises(JudgementRefused, match=f"{entry['id']} was {first} by ana 2026-02-01"):
            _decide(store, again, entry["id"])
        with pytest.raises(JudgementRefused, match="is decided already"):
            _decide(store, again, file="applications/export-2.jsonl")
    assert store.count("quarantine_decisions") == 1


def test_what_cannot_be_decided_is_refused_with_nothing_stored(store: Store) -> None:
    with pytest.raises(NotFound, match="no quarantine entry 'q-000000000000'"):
        _decide(store, "accepted", "q-000000000000")
    with pytest.raises(NotFound, match=r"no conflicting duplicate quarantined from 'nope\.jsonl'"):
        _decide(store, "kept", file="nope.jsonl")
    (entry,) = quarantine_entries(store)
    with pytest.raises(JudgementRefused, match="needs a reason"):
        decide(store, "kept", ids=[entry["id"]], analyst="ana", reason=" ", now=DECIDED)
    with pytest.raises(JudgementRefused, match="needs its analyst"):
        decide(store, "kept", ids=[entry["id"]], analyst="", reason="why", now=DECIDED)
    with pytest.raises(JudgementRefused, match="by id, or all of one file"):
        _decide(store, "kept", entry["id"], file="applications/export-2.jsonl")
    assert store.count("quarantine_decisions") == 0


def test_an_entry_that_is_no_conflict_is_not_decided(store: Store) -> None:
    file_id = store.count("ingest_files")  # the later file's
    bad = Quarantined("applications/export-2.jsonl", "line 4", "applied_at", "not a date")
    store.write_batch(
        store.chunk_writer(), now=NOW, quarantined=[QuarantineEntry("bad", file_id, "x", bad)]
    )
    with pytest.raises(JudgementRefused, match="quarantined as invalid_record, not a conflict"):
        _decide(store, "kept", entry_id("bad"))
    done = _decide(store, "kept", file="applications/export-2.jsonl")  # its conflicts alone
    assert len(done.named) == 1


def test_a_decided_version_ingested_again_quarantines_nothing(store: Store) -> None:
    (entry,) = quarantine_entries(store)
    _decide(store, "accepted", entry["id"])
    again = _app("applications/export-3.jsonl", "line 7", title="Payroll", email="new@example.com")
    first_again = replace(FIRST, provenance=Provenance("canonical", "old.jsonl", "line 1", "c-1"))
    _ingest(store, again)  # the accepted version: what is stored
    _ingest(store, first_again)  # the version it replaced: decided against
    assert store.count("quarantine") == 1
    row, values = _stored(store)
    assert (row["job_title"], row["prov_file"]) == ("Payroll", "applications/export-2.jsonl")
    assert ("email", "new@example.com") in values


def test_a_dismissed_version_ingested_again_quarantines_nothing(store: Store) -> None:
    (entry,) = quarantine_entries(store)
    _decide(store, "kept", entry["id"])
    _ingest(store, replace(LATER, provenance=Provenance("canonical", "w3.jsonl", "line 2", "c-1")))
    assert store.count("quarantine") == 1
    other = _app("applications/export-4.jsonl", "line 1", title="Another title")
    _ingest(store, other)  # a version nobody decided on: put to the analyst
    assert len(_pending(store)) == 1


def test_pending_entries_of_the_same_version_are_decided_with_it(store: Store) -> None:
    same = replace(LATER, provenance=Provenance("canonical", "week-3.jsonl", "line 5", "c-1"))
    _ingest(store, same)
    other = _app("week-4.jsonl", "line 1", title="Another title")
    _ingest(store, other)
    by_file = {e["file"]: e["id"] for e in quarantine_entries(store)}
    done = _decide(store, "accepted", file="applications/export-2.jsonl")
    assert done.named == [by_file["applications/export-2.jsonl"]]
    assert done.alongside == [by_file["week-3.jsonl"]]
    assert _pending(store) == [by_file["week-4.jsonl"]]
    assert store.count("quarantine_decisions") == 2
    assert len(store.rows(select(s.quarantine_decisions.c.replaced_version))) == 2


def test_two_versions_of_one_record_are_not_accepted_at_once(store: Store) -> None:
    _ingest(store, _app("week-4.jsonl", "line 1", title="Another title"))
    ids = [e["id"] for e in quarantine_entries(store)]
    with pytest.raises(JudgementRefused, match="'c-1/a-1' has 2 versions among these entries"):
        _decide(store, "accepted", *ids)
    _decide(store, "kept", *ids)  # both dismissed: nothing contradicts
    assert _pending(store) == []


def test_an_entry_quarantined_before_versions_were_held_can_be_kept_not_accepted(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    """A store of schema 0005 held a conflict's excerpt alone; migrated, its entry is pending."""
    engine = make_engine(db_url)
    migrate(engine, "0005")
    with engine.begin() as conn:
        file_id = conn.execute(
            insert(s.ingest_files).returning(s.ingest_files.c.file_id),
            {"format": "applications", "sha256": "0" * 64, "size": 1, "display": "x.jsonl",
             "status": "done", "started_at": NOW},
        ).scalar_one()  # fmt: skip
        key = join_key(("conflicting_duplicate", str(file_id), "applications", "c-1", "a-1"))
        conn.execute(
            insert(s.quarantine),
            {"key": key, "file_id": file_id, "format": "applications", "file": "x.jsonl",
             "location": "line 2", "field": "application_id", "reason": "conflicting duplicate",
             "code": "conflicting_duplicate", "excerpt": "{}", "created_at": NOW},
        )  # fmt: skip
    engine.dispose()
    store = open_store(db_url)  # migrated to the newest schema
    assert _pending(store) == [entry_id(key)]
    with pytest.raises(JudgementRefused, match="nothing to accept: keep it"):
        _decide(store, "accepted", entry_id(key))
    _decide(store, "kept", entry_id(key))
    assert _pending(store) == []


def test_entry_ids_are_short_and_stable() -> None:
    assert entry_id("k") == entry_id("k") != entry_id("l")
    assert entry_id("k").startswith("q-") and len(entry_id("k")) == 14


def _signin(user: str, file: str) -> SignIn:
    return SignIn(
        source_system="okta",
        event_id="e-1",
        company_id="c-1",
        observed_at=datetime(2025, 5, 1, 8, tzinfo=UTC),
        event_type="user.session.start",
        outcome="SUCCESS",
        user=Value(ValueKind.EMAIL, user, user),
        user_display_name=None,
        ip_address="203.0.113.9",
        city=None,
        state=None,
        country="US",
        user_agent=None,
        device=None,
        asn=64500,
        as_org=None,
        isp=None,
        is_proxy=True,
        risk_level=None,
        risk_reasons=("new device",),
        behaviors={"New Geo-Location": "POSITIVE"},
        ip_chain=("203.0.113.9",),
        provenance=Provenance("okta", file, "/0", "c-1"),
    )


def _hire(employee: str, email: str) -> Hire:
    return Hire(
        company_id="c-1",
        candidate_id=f"p-{employee}",
        employee_id=employee,
        work_email=Value(ValueKind.EMAIL, email, email),
        legal_name=None,
        start_date=date(2025, 4, 1),
        end_date=None,
        shipping_address=None,
        payout_method=None,
        payout_account=None,
        device_id=None,
        provenance=Provenance("hr", "hr/c-1.csv", "line 2", "c-1"),
    )


def test_an_accepted_record_is_joined_again_by_its_new_content(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    """A sign-in's hire is a join its own row holds: made again for the accepted version."""
    store = open_store(db_url)
    _ingest(store, _hire("h-1", "one@c1.example"), _hire("h-2", "two@c1.example"))
    _ingest(store, _signin("one@c1.example", "okta/c-1.json"))
    resolve_joins(store)
    (joined,) = store.rows(select(s.signin_events.c.hire_key))
    assert joined["hire_key"] == join_key(("c-1", "h-1"))
    _ingest(store, _signin("two@c1.example", "okta/c-1-later.json"))
    (entry,) = quarantine_entries(store)
    _decide(store, "accepted", entry["id"])
    (row,) = store.rows(select(s.signin_events))
    assert (row["user_key"], row["hire_key"]) == ("two@c1.example", join_key(("c-1", "h-2")))
    assert (row["is_proxy"], row["asn"], row["behaviors"]) == (
        True,
        64500,
        {"New Geo-Location": "POSITIVE"},
    )
    assert row["risk_reasons"] == ["new device"]
    assert row["prov_file"] == "okta/c-1-later.json"
