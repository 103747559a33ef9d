"""Every vendor sample ingests as the vendor writes it: the files of tests/fixtures/samples,
copied byte for byte into an input folder, run through the real folder ingest into a real
store (SQLite, and PostgreSQL when configured), with what each gives and nothing quarantined.

The samples are one person seen by every system, so each sample file is its own company here:
two views of one application at one company would be one key twice.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fauxhire.services import quarantine_entries
from fauxhire.services.ingest import run_folder
from fauxhire.store import Store
from fauxhire.store import schema as s

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"

# (sample file, where it goes in the input folder, format, records it gives)
LAYOUT = (
    ("greenhouse_harvest_v1_candidate.json", "greenhouse/c-gh.json", "greenhouse", 1),
    ("greenhouse_harvest_v1_application.json", "greenhouse/c-gha.json", "greenhouse", 1),
    ("lever_opportunities_list.json", "lever/c-lv.json", "lever", 1),
    ("lever_application.json", "lever/c-lva.json", "lever", 1),
    ("ashby_candidate_info.json", "ashby/c-ab.json", "ashby", 1),
    # The API page names no meeting: its file name does, and its folder the company.
    ("zoom_dashboard_meeting_participants.json", "zoom/c-zm/meeting-85012345678.json", "zoom", 2),
    ("teams_callrecord_session.json", "teams/c-tm.json", "teams", 2),
    ("okta_system_log_events.json", "okta/c-ok.json", "okta", 2),
    ("entra_signin_logs.json", "entra/c-en.json", "entra", 1),
    ("gworkspace_login_activities.json", "gworkspace/c-gw.json", "gworkspace", 5),
    ("stix21_bundle_it_worker_network.json", "intel/partner.json", "stix", None),
)
COMPANIES = ("c-gh", "c-gha", "c-lv", "c-lva", "c-ab", "c-zm", "c-tm", "c-ok", "c-en", "c-gw")


def _clock() -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC)


def _sample_folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir(parents=True)
    rows = [f"{c},Company {c},{c}.example,US,541511," for c in COMPANIES]
    (folder / "companies.csv").write_text(
        "company_id,name,domain,country,naics,tags\n" + "\n".join(rows) + "\n"
    )
    for sample, place, _, _ in LAYOUT:
        target = folder / place
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / sample, target)
    return folder


def _url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if backend == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_sample_ingests_as_is(
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    open_store: Callable[[str], Store],
) -> None:
    store = open_store(_url(backend, tmp_path, request))
    results = run_folder(store, _sample_folder(tmp_path), clock=_clock, workers=1)
    by_file = {r.file: r for r in results}
    for _, place, fmt, records in LAYOUT:
        result = by_file[place]
        assert (result.format, result.status, result.quarantined) == (fmt, "done", 0), result
        if records is not None:
            assert result.records == records, place
    assert quarantine_entries(store) == []

    with store.engine.connect() as conn:
        zoom = conn.execute(
            select(s.meeting_participants).where(s.meeting_participants.c.company_id == "c-zm")
        ).all()
        teams = conn.execute(
            select(s.meeting_participants).where(s.meeting_participants.c.company_id == "c-tm")
        ).all()
        apps = conn.execute(select(s.applications.c.company_id, s.applications.c.job_title)).all()
    assert {row.meeting_id for row in zoom} == {"85012345678"}
    assert {row.ip_address for row in zoom} == {"192.0.2.10", "198.51.100.23"}
    guest = next(row for row in teams if row.ip_address)
    assert (guest.user_name, guest.ip_address, guest.camera, guest.pc_name) == (
        "Alex Example",
        "198.51.100.23",
        "OBS Virtual Camera",
        "DESKTOP-EX4MPL3",
    )
    assert dict(apps) == {
        "c-gh": "Senior Backend Engineer (Remote, US)",
        "c-gha": "Senior Backend Engineer (Remote, US)",
        "c-lv": "(unknown posting)",
        "c-lva": "posting:p-0001",
        "c-ab": "(unknown job)",
    }

    again = run_folder(store, _sample_folder(tmp_path / "again"), clock=_clock, workers=1)
    assert {r.status for r in again} == {"skipped"}  # the same content: nothing changes
