"""The sample world (examples/sample-world, built from the shared vendor samples) goes in whole,
on SQLite and on PostgreSQL, with every cross-source join right and re-ingest a no-op."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from fauxhire.services import resolve_joins, run_folder, store_stats
from fauxhire.store import Store
from fauxhire.store import schema as s

WORLD = Path(__file__).parents[2] / "examples" / "sample-world"


def clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def _load(open_store: Callable[[str], Store], url: str) -> Store:
    store = open_store(url)
    results = run_folder(store, WORLD, clock=clock)
    assert all(r.status == "done" for r in results), [r for r in results if r.status != "done"]
    resolve_joins(store)
    return store


def test_every_record_is_counted_exactly(open_store: Callable[[str], Store], db_url: str) -> None:
    stats = store_stats(_load(open_store, db_url))
    assert stats["companies"] == 3
    assert stats["ip_ranges"] == 3
    assert stats["applications"] == 3  # one Greenhouse, one Lever, one canonical
    assert stats["meeting_participants"] == 2
    assert stats["signin_events"] == 3  # two Okta events, one Entra sign-in
    assert stats["hires"] == 1
    assert stats["employer_reports"] == 1
    assert stats["indicators"] == 3
    assert stats["quarantined"] == 0
    assert stats["by_source"]["greenhouse"] == {"applications": 1}


def test_fields_survive_the_round_trip(open_store: Callable[[str], Store], db_url: str) -> None:
    store = _load(open_store, db_url)
    app = s.applications
    (gh,) = store.rows(select(app).where(app.c.source_system == "greenhouse"))
    assert gh["company_id"] == "c-0001"
    assert gh["application_id"] == "910001"
    assert gh["candidate_id"] == "510001"
    assert gh["applied_at"] == datetime(2025, 3, 3, 14, 2, 11, 120000, tzinfo=UTC)
    assert gh["job_title"] == "Senior Backend Engineer (Remote, US)"
    assert gh["stage"] == "Technical Interview"
    assert gh["stage_interview"] is True
    assert gh["prov_file"] == "greenhouse/c-0001.json"
    assert gh["prov_location"] == "/0/applications/0"
    assert "backend services in Go" in gh["resume_text"]
    values = {
        (r["kind"], r["key"])
        for r in store.rows(
            select(s.applicant_values).where(s.applicant_values.c.app_ref == gh["id"])
        )
    }
    assert ("email", "alex.example.dev@example.com") in values
    assert ("phone", "+15125550147") in values
    assert ("github", "example-dev-0001") in values
    assert ("linkedin", "linkedin.com/in/example-dev-0001") in values

    (lever,) = store.rows(select(app).where(app.c.source_system == "lever"))
    assert lever["applied_at"] == datetime.fromtimestamp(1741010531, tz=UTC)
    assert lever["candidate_id"] == "6a5c9d2e-2222-4b3c-8d4e-000000000002"

    (okta,) = store.rows(
        select(s.signin_events).where(s.signin_events.c.event_type == "user.session.start")
    )
    assert okta["ip_address"] == "198.51.100.23"
    assert okta["is_proxy"] is True
    assert okta["risk_level"] == "medium"
    assert okta["behaviors"]["New Device"] == "POSITIVE"


def test_cross_source_joins(open_store: Callable[[str], Store], db_url: str) -> None:
    store = _load(open_store, db_url)
    mp = s.meeting_participants
    joined = {r["user_name"]: (r["app_key"], r["match_method"]) for r in store.rows(select(mp))}
    gh_key = "c-0001\x1f910001"
    assert joined["Alex Example"] == (gh_key, "name")  # blank email: a unique name in c-0001
    assert joined["Ivan Interviewer"] == (None, None)  # the host is nobody's candidate
    (gh,) = store.rows(select(s.applications.c.has_meeting).where(s.applications.c.key == gh_key))
    assert gh["has_meeting"] is True

    events = store.rows(select(s.signin_events.c.source_system, s.signin_events.c.hire_key))
    okta = [e["hire_key"] for e in events if e["source_system"] == "okta"]
    assert okta == ["c-0001\x1fE-2001", "c-0001\x1fE-2001"]  # through hr/ by work email

    matches = store.rows(select(s.report_matches))
    assert [(m["app_key"], m["matched_on"]) for m in matches] == [
        ("c-0042\x1fa-1", "candidate_id,email,name")
    ]


def test_running_the_folder_again_changes_nothing(
    open_store: Callable[[str], Store], db_url: str
) -> None:
    store = _load(open_store, db_url)
    before = store_stats(store)
    snapshot = store.rows(select(s.applications).order_by(s.applications.c.key))
    again = run_folder(store, WORLD, clock=lambda: datetime(2027, 1, 1, tzinfo=UTC))
    resolve_joins(store)
    assert {r.status for r in again} == {"skipped"}
    assert store_stats(store) == before
    assert store.rows(select(s.applications).order_by(s.applications.c.key)) == snapshot
