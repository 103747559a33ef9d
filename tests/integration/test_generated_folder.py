"""A generated input folder (tests/support/folder.py) goes in whole on both backends: every
count exact, fields spot-checked, and every cross-source join exactly as the generator built it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fauxhire.services import resolve_joins, run_folder, store_stats
from fauxhire.store import Store
from fauxhire.store import schema as s
from fauxhire.store.schema import KEY_SEP
from support.folder import Expected, write_folder  # tests/ is on sys.path (its conftest.py)


def clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(params=[(7, 6, 120), (11, 9, 300)], ids=["seed7", "seed11"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Expected]:
    seed, companies, candidates = request.param
    root = tmp_path / "world"
    return root, write_folder(root, seed=seed, companies=companies, candidates=candidates)


def _split(key: str) -> tuple[str, ...]:
    return tuple(key.split(KEY_SEP))


def test_generated_folder_is_reproduced_exactly(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Expected]
) -> None:
    root, expected = world
    store = open_store(db_url)
    results = run_folder(store, root, clock=clock)
    assert {r.status for r in results} == {"done"}, [r for r in results if r.status != "done"]
    resolve_joins(store)
    stats = store_stats(store)

    assert {k: stats[k] for k in expected.totals()} == expected.totals()
    assert stats["quarantined"] == 0
    assert stats["joins"] == expected.joins()

    meetings = {
        (r["company_id"], r["meeting_id"], r["participant_key"]): r["app_key"]
        for r in store.rows(select(s.meeting_participants))
    }
    for participant, app in expected.meeting_matches.items():
        assert meetings[participant] is not None, participant
        assert _split(meetings[participant]) == app, participant
    for participant in expected.meeting_unmatched:
        assert meetings[participant] is None, participant

    signins = {
        (r["source_system"], r["company_id"], r["event_id"]): r["hire_key"]
        for r in store.rows(select(s.signin_events))
    }
    for event, hire in expected.signin_hires.items():
        assert signins[event] is not None and _split(signins[event]) == hire, event

    found: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for m in store.rows(select(s.report_matches)):
        found.setdefault(_split(m["report_key"]), set()).add(_split(m["app_key"]))
    assert found == {r: apps for r, apps in expected.report_apps.items() if apps}


def test_spot_checked_fields(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Expected]
) -> None:
    root, expected = world
    store = open_store(db_url)
    run_folder(store, root, clock=clock)
    resolve_joins(store)
    app, val = s.applications, s.applicant_values
    for label, spot in expected.spot.items():
        (row,) = store.rows(
            select(app).where(
                app.c.company_id == spot["company_id"],
                app.c.application_id == spot["application_id"],
            )
        )
        assert row["candidate_id"] == spot["candidate_id"], label
        assert row["applied_at"] == datetime.fromisoformat(spot["applied_at"]), label
        assert row["stage_interview"] == spot["is_interview"], label
        if "job_title" in spot:
            assert row["job_title"] == spot["job_title"], label
        emails = {v["key"] for v in store.rows(select(val).where(val.c.app_ref == row["id"]))}
        assert spot["email"].lower() in emails, label
        if "resume_contains" in spot:
            assert spot["resume_contains"] in (row["resume_text"] or ""), label


def test_join_counts_say_what_was_joined(
    open_store: Callable[[str], Store], db_url: str, world: tuple[Path, Expected]
) -> None:
    root, expected = world
    store = open_store(db_url)
    run_folder(store, root, clock=clock)
    first = resolve_joins(store)
    assert first["signin_events"] == len(expected.signin_hires)  # not every event touched
    assert first["meeting_participants"] == len(expected.meeting_matches)
    again = resolve_joins(store)
    assert again["signin_events"] == 0  # joins fill only what is still unjoined
    assert again["meeting_participants"] == 0
