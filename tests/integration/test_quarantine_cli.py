"""`fauxhire quarantine accept` and `keep` as a user runs them: an ATS export ingested, then
ingested again after the ATS changed two of its records; the changes accepted file by file or
kept by id, the decisions listed, and ingesting the same versions again changing nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fauxhire.store import SqlStore
from fauxhire.store import schema as s

FAUXHIRE = Path(sys.executable).with_name("fauxhire")
COMPANIES = "company_id,name,domain,country,naics,tags\nc-1,Northwind,northwind.example,US,51,\n"


def fauxhire(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAUXHIRE_")}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [str(FAUXHIRE), *args, "--db", "store.db"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ok(*args: str, cwd: Path) -> str:
    ran = fauxhire(*args, cwd=cwd)
    assert ran.returncode == 0, (args, ran.stdout, ran.stderr)
    assert "Traceback" not in ran.stderr
    return ran.stdout


def _application(app_id: str, *, title: str = "QA Engineer", email: str = "") -> str:
    row = {"company_id": "c-1", "application_id": app_id, "candidate_id": f"p-{app_id}",
           "applied_at": "2025-01-02T03:04:05Z", "job_title": title, "first_name": "Gina",
           "last_name": "Good", "emails": [email or f"{app_id}@example.com"]}  # fmt: skip
    return json.dumps(row) + "\n"


def _pending(folder: Path) -> list[dict[str, Any]]:
    listed = _ok("quarantine", "list", "--pending", "--json", cwd=folder)
    return [json.loads(line) for line in listed.splitlines()]


def _stored(folder: Path) -> dict[str, tuple[str, str, set[str]]]:
    """By application id: job title, file and emails as stored."""
    store = SqlStore.open(f"sqlite:///{folder / 'store.db'}", read_only=True)
    try:
        apps = store.rows(select(s.applications))
        values = store.rows(select(s.applicant_values))
    finally:
        store.close()
    return {
        a["application_id"]: (
            a["job_title"],
            a["prov_file"],
            {v["key"] for v in values if v["app_ref"] == a["id"]},
        )
        for a in apps
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A store that ingested export.jsonl, was linked, then ingested export.jsonl again after
    the ATS changed a-1's email and a-2's job title and added a-3."""
    (tmp_path / "companies.csv").write_text(COMPANIES, encoding="utf-8")
    export = tmp_path / "export.jsonl"
    export.write_text(_application("a-1") + _application("a-2"), encoding="utf-8")
    (tmp_path / "export-march.jsonl").write_bytes(export.read_bytes())  # kept by the user
    _ok("ingest", "companies", "companies.csv", cwd=tmp_path)
    _ok("ingest", "applications", "export.jsonl", cwd=tmp_path)
    _ok("link", cwd=tmp_path)
    changed = (
        _application("a-1", email="gina@example.org")
        + _application("a-2", title="Payroll Specialist")
        + _application("a-3")
    )
    export.write_text(changed, encoding="utf-8")
    _ok("ingest", "applications", "export.jsonl", cwd=tmp_path)
    return tmp_path


def test_an_updated_export_is_accepted_by_file_and_stays_accepted(folder: Path) -> None:
    pending = _pending(folder)
    assert [(e["file"], e["location"]) for e in pending] == [
        ("export.jsonl", "line 1"),
        ("export.jsonl", "line 2"),
    ]
    accepted = _ok(
        "quarantine", "accept", "--file", "export.jsonl", "--reason", "the ATS is right",
        "--analyst", "ana", cwd=folder,
    )  # fmt: skip
    assert "accepted by ana: 2 entries" in accepted
    assert "c-1/a-1 (applications): export.jsonl line 1 replaces export.jsonl line 1" in accepted
    assert "run `fauxhire link`" in accepted and "`fauxhire assess`" in accepted
    stored = _stored(folder)
    assert stored["a-1"][2] == {"gina@example.org"}
    assert stored["a-2"][0] == "Payroll Specialist"
    assert _pending(folder) == []

    # The versions are decided: ingesting them again, or the replaced ones, adds no entry.
    _ok("ingest", "applications", "export.jsonl", "export-march.jsonl", cwd=folder)
    assert _stored(folder) == stored
    listed = _ok("quarantine", "list", cwd=folder)
    assert "2 quarantined, 0 awaiting a decision" in listed
    assert listed.count("accepted by ana") == 2 and "the ATS is right" in listed

    again = fauxhire("quarantine", "keep", pending[0]["id"], "--reason", "no", cwd=folder)
    assert again.returncode == 1
    assert f"{pending[0]['id']} was accepted by ana" in again.stderr
    assert "a decision is made once" in again.stderr and "Traceback" not in again.stderr


def test_a_change_is_kept_by_id_and_the_other_stays_pending(folder: Path) -> None:
    first, second = _pending(folder)
    before = _stored(folder)
    kept = _ok(
        "quarantine", "keep", first["id"], "--reason", "a typo in the ATS", "--analyst", "bo",
        cwd=folder,
    )  # fmt: skip
    assert "kept by bo: 1 entry" in kept and "the stored records stay" in kept
    assert _stored(folder) == before
    assert [e["id"] for e in _pending(folder)] == [second["id"]]
    (decided,) = [
        json.loads(line)
        for line in _ok("quarantine", "list", "--json", cwd=folder).splitlines()
        if json.loads(line)["id"] == first["id"]
    ]
    assert decided["decision"]["decision"] == "kept"
    assert decided["decision"]["analyst"] == "bo"
    assert decided["decision"]["reason"] == "a typo in the ATS"


def test_an_unknown_id_is_named(folder: Path) -> None:
    ran = fauxhire("quarantine", "accept", "q-0123456789ab", "--reason", "x", cwd=folder)
    assert ran.returncode == 1
    assert "no quarantine entry 'q-0123456789ab'" in ran.stderr
    missing = fauxhire("quarantine", "accept", "--reason", "x", cwd=folder)
    assert missing.returncode == 1 and "by id, or all of one file by --file" in missing.stderr
