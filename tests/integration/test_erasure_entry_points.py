"""`fauxhire erase`, `fauxhire retention apply` and POST /v1/erasures as their users run them:
the command line in its own process, the API on a real uvicorn server (test_serve.py's), on a
SQLite store the whole pipeline filled from a generated folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from test_identity_views import _fetch, _keys
from test_serve import Server, serving

from fauxhire.services.assess import load_ruleset
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import Plan, run_pipeline
from fauxhire.store import SqlStore
from fauxhire.store import schema as s
from support.clock import Ticks
from support.folder import write_folder

KEY = "entry points erasure key"


def _filled(folder: Path) -> tuple[str, list[str]]:
    """A store at folder/served.db (where `serving` looks) and the e-mails of two applicants
    with one application each."""
    write_folder(folder / "input", seed=11, companies=4, candidates=30)
    db = f"sqlite:///{folder / 'served.db'}"
    store = SqlStore.open(db)
    try:
        run_pipeline(store, folder / "input", Plan(Ticks(), Linker(), load_ruleset))
        v = s.applicant_values
        emails = store.rows(
            s.applicant_values.select()
            .with_only_columns(func.min(v.c.display).label("display"))
            .where(v.c.kind == "email")
            .group_by(v.c.key)
            .having(func.count() == 1)
            .order_by("display")
        )
    finally:
        store.close()
    return db, [row["display"] for row in emails[:2]]


def _cli(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAUXHIRE_")}
    command = [sys.executable, "-m", "fauxhire.cli", *args]
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, timeout=180,
        env={**clean, "COLUMNS": "200", **env},
    )  # fmt: skip


def _held(db: str, email: str) -> int:
    store = SqlStore.open(db)
    try:
        v = s.applicant_values
        return store.count("applicant_values", v.c.display == email)
    finally:
        store.close()


def test_the_command_line_previews_then_erases_and_the_chain_verifies(tmp_path: Path) -> None:
    db, (email, _) = _filled(tmp_path)
    erase = ("erase", "--email", email, "--purpose", "ticket 9", "--db", db)

    preview = _cli(tmp_path, *erase)
    assert preview.returncode == 0, preview.stderr
    assert "would erase" in preview.stdout and "applications" in preview.stdout
    assert "nothing was deleted" in preview.stderr
    assert _held(db, email) == 1

    refused = _cli(tmp_path, *erase, "--yes")  # no erasure key: no tombstone can be made
    assert refused.returncode == 1 and "erasure_key" in refused.stderr
    assert _held(db, email) == 1

    done = _cli(tmp_path, *erase, "--yes", FAUXHIRE_ERASURE_KEY=KEY)
    assert done.returncode == 0, done.stderr
    assert "erased" in done.stdout and "tombstones added" in done.stderr
    assert _held(db, email) == 0
    verified = _cli(tmp_path, "audit", "verify", "--db", db)
    assert verified.returncode == 0, verified.stderr

    unnamed = _cli(tmp_path, "erase", "--purpose", "ticket 9", "--db", db)
    assert unnamed.returncode == 1 and "selector" in unnamed.stderr
    purposeless = _cli(tmp_path, "erase", "--email", email, "--db", db)
    assert purposeless.returncode == 2 and "--purpose" in purposeless.stderr
    invalid = _cli(tmp_path, "erase", "--email", "not an address", "--purpose", "t", "--db", db)
    assert invalid.returncode == 1 and "email: not a valid email" in invalid.stderr


def test_retention_needs_its_setting_and_a_dry_run_deletes_nothing(tmp_path: Path) -> None:
    db, (email, _) = _filled(tmp_path)
    unset = _cli(tmp_path, "retention", "apply", "--dry-run", "--db", db)
    assert unset.returncode == 1 and "retention_days" in unset.stderr

    dry = _cli(tmp_path, "retention", "apply", "--dry-run", "--db", db, FAUXHIRE_RETENTION_DAYS="1")
    assert dry.returncode == 0, dry.stderr
    assert "would delete" in dry.stdout and "applications" in dry.stdout
    assert _held(db, email) == 1
    done = _cli(tmp_path, "retention", "apply", "--db", db, FAUXHIRE_RETENTION_DAYS="1")
    assert done.returncode == 0, done.stderr
    assert _held(db, email) == 0


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, list[str]]]:
    _, emails = _filled(tmp_path)
    with serving(tmp_path, env={**os.environ, "FAUXHIRE_ERASURE_KEY": KEY}) as server:
        yield server, emails


def test_the_api_erases_for_the_hubs_admin_and_analyst_only(
    served: tuple[Server, list[str]],
) -> None:
    server, (first, second) = served
    keys = _keys(server)
    body = {"email": [first], "purpose": "request 77"}
    assert _fetch(server, "/v1/erasures", None, body)[0] == 401
    for role in ("member_analyst", "recruiter", "partner"):
        assert _fetch(server, "/v1/erasures", keys[role], body)[0] == 403, role

    status, raw, _ = _fetch(server, "/v1/erasures", keys["analyst"], body)
    assert status == 200, raw
    preview = json.loads(raw)
    assert preview["erased"] is False and preview["counts"]["applications"] == 1
    assert _held(server.db, first) == 1

    status, raw, request_id = _fetch(
        server, "/v1/erasures", keys["analyst"], body | {"confirm": True}
    )
    assert status == 200, raw
    done = json.loads(raw)
    assert done["erased"] is True and done["counts"] == preview["counts"]
    assert _held(server.db, first) == 0
    status, raw, _ = _fetch(server, "/v1/erasures", keys["admin"], {
        "email": [second], "purpose": "request 78", "confirm": True,
    })  # fmt: skip
    assert status == 200 and _held(server.db, second) == 0

    both = {"email": [first], "phone": ["+1 555 0100"], "purpose": "x"}
    assert _fetch(server, "/v1/erasures", keys["analyst"], both)[0] == 422
    status, raw, _ = _fetch(
        server, "/v1/erasures", keys["analyst"], {"email": ["nope"], "purpose": "x"}
    )
    assert status == 400 and "email" in json.loads(raw)["message"]

    status, raw, _ = _fetch(server, "/v1/audit?limit=1000", keys["admin"])
    events = [e for e in json.loads(raw)["events"] if e["action"].startswith("erase")]
    assert [e["action"] for e in events] == ["erase:preview", "erase", "erase"]
    assert events[1]["role"] == "analyst" and events[1]["request_id"] == request_id
    assert events[1]["actor"] == keys["analyst"].partition(".")[0]
    assert first not in raw and second not in raw  # the trail holds no erased value
