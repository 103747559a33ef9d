"""Cases over the API (issue 18, items 1 and 5) on a real server over a copy of the demo
world: the hub's analyst opens a case on a persona, adds a note, a file and the employer
report that names it, moves it through its states and closes it with a finding, which the
next assessment weighs as the analyst's disposition; bulk assignment from the queue opens a
case for each identity without one and assigns the open one of the rest; every step is on
the audit trail; a closed case takes nothing more; other roles get 403."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import subprocess
import sys
import urllib.request
from typing import Any

from test_dossier_api import PERSONA
from test_dossier_api import demo_server as demo_server  # a server over the demo world
from test_identity_views import _fetch
from test_serve import Server


def _call(server: Server, token: str, path: str, body: Any = None, status: int = 200) -> Any:
    code, raw, _ = _fetch(server, path, token, body)
    assert code == status, (path, raw)
    return json.loads(raw)


def _report_of(server: Server, identity: str) -> str:
    with sqlite3.connect(server.db.removeprefix("sqlite:///")) as conn:
        company, report = conn.execute(
            "SELECT r.reporting_company_id, r.report_id FROM report_matches m "
            "JOIN employer_reports r ON r.key = m.report_key JOIN links l "
            "ON l.app_key = m.app_key WHERE l.identity_id = ? ORDER BY 1, 2 LIMIT 1",
            (identity,),
        ).fetchone()
    return f"{company}/{report}"


def _assessed(server: Server, identity: str) -> tuple[str, list[str]]:
    with sqlite3.connect(server.db.removeprefix("sqlite:///")) as conn:
        level, evidence = conn.execute(
            "SELECT level, evidence FROM assessments WHERE subject_id = ?", (identity,)
        ).fetchone()
    return level, [item["indicator"] for item in json.loads(evidence)]


def test_a_case_is_worked_and_closed_and_its_finding_reaches_the_assessment(
    demo_server: Server,
) -> None:
    analyst = demo_server.key("--role", "analyst")
    opened = _call(
        demo_server, analyst, "/v1/cases",
        {"subject_kind": "identity", "subject_id": PERSONA, "title": "Payroll check"}, 201,
    )  # fmt: skip
    case = opened["case_id"]
    assert (opened["state"], opened["current_id"], opened["assignee"]) == ("new", PERSONA, None)
    assert [e["kind"] for e in opened["entries"]] == ["opened"]

    base = f"/v1/cases/{case}"
    _call(demo_server, analyst, f"{base}/notes", {"text": "Payout account shared by 12."}, 201)
    content = b"%PDF-1.4 a bank letter\n" * 40
    filed = _call(
        demo_server, analyst, f"{base}/files",
        {"name": "letter.pdf", "media_type": "application/pdf",
         "content_base64": base64.b64encode(content).decode()}, 201,
    )  # fmt: skip
    stored = filed["entries"][-1]
    assert (stored["size"], stored["sha256"]) == (len(content), hashlib.sha256(content).hexdigest())
    request = urllib.request.Request(
        f"{demo_server.base}{base}/files/{stored['entry_id']}",
        headers={"Authorization": f"Bearer {analyst}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == content
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    report = _report_of(demo_server, PERSONA)
    linked = _call(demo_server, analyst, f"{base}/reports", {"report": report}, 201)
    assert linked["entries"][-1]["report_key"]
    assert _fetch(demo_server, f"{base}/reports", analyst, {"report": "c-0/none"})[0] == 404
    for state in ("investigating", "escalated"):
        moved = _call(demo_server, analyst, f"{base}/state", {"state": state, "reason": "next"})
        assert moved["state"] == state
    # Closing takes a finding, and only closing does.
    unfound = {"state": "closed", "reason": "done"}
    assert _fetch(demo_server, f"{base}/state", analyst, unfound)[0] == 400
    early = {"state": "investigating", "reason": "x", "finding": "cleared"}
    assert _fetch(demo_server, f"{base}/state", analyst, early)[0] == 400

    assert _assessed(demo_server, PERSONA)[0] == "almost certain"
    closed = _call(
        demo_server, analyst, f"{base}/state",
        {"state": "closed", "reason": "Agency payroll, verified", "finding": "cleared"},
    )  # fmt: skip
    assert (closed["state"], closed["finding"]) == ("closed", "cleared")
    assert [e["kind"] for e in closed["entries"]] == [
        "opened", "note", "file", "report", "state", "state", "state"
    ]  # fmt: skip
    # A closed case takes nothing more.
    assert _fetch(demo_server, f"{base}/notes", analyst, {"text": "late"})[0] == 400

    assessed = subprocess.run(
        [sys.executable, "-m", "fauxhire.cli", "assess", "--db", demo_server.db],
        capture_output=True, text=True, timeout=300, cwd=demo_server.folder,
    )  # fmt: skip
    assert assessed.returncode == 0, assessed.stderr
    level, indicators = _assessed(demo_server, PERSONA)
    assert "analyst-cleared" in indicators and level != "almost certain"
    page = _call(demo_server, analyst, f"/v1/identities/{PERSONA}/dossier")
    assert "dispose:cleared" in [h["action"] for h in page["history"]]

    admin = demo_server.key("--role", "admin")
    trail = _call(demo_server, admin, f"/v1/audit?subject=case:{case}")["events"]
    assert [e["action"] for e in trail] == [
        "case:open",
        "case:note",
        "case:file",
        "case:file:read",
        "case:report",
        "case:state",
        "case:state",
        "case:state",
    ]  # refused changes append nothing: they roll back with their unit of work


def test_bulk_assignment_opens_or_assigns_one_case_an_identity(demo_server: Server) -> None:
    analyst = demo_server.key("--role", "analyst")
    queue = _call(demo_server, analyst, "/v1/queue?limit=3")["items"]
    ids = [item["identity_id"] for item in queue]
    first = _call(
        demo_server, analyst, "/v1/cases",
        {"subject_kind": "identity", "subject_id": ids[0], "title": "Already open"}, 201,
    )  # fmt: skip
    done = _call(demo_server, analyst, "/v1/cases/assign", {"identity_ids": ids, "assignee": "kim"})
    assert done["case_ids"][0] == first["case_id"] and len(set(done["case_ids"])) == 3
    mine = _call(demo_server, analyst, "/v1/cases?assignee=kim")["items"]
    assert sorted(c["case_id"] for c in mine) == sorted(done["case_ids"])
    assert {c["current_id"] for c in mine} == set(ids)
    network = _call(
        demo_server, analyst, "/v1/cases",
        {"subject_kind": "network", "subject_id": "net-1", "title": "The farm"}, 201,
    )  # fmt: skip
    assert network["current_id"] == "net-1"
    unknown = {"subject_kind": "identity", "subject_id": "i-nobody", "title": "x"}
    assert _fetch(demo_server, "/v1/cases", analyst, unknown)[0] == 404
    for role in ("admin", "member_analyst", "recruiter", "partner"):
        scoped = role in ("member_analyst", "recruiter")
        token = demo_server.key("--role", role, *(("--member", "c-00013") if scoped else ()))
        assert _fetch(demo_server, "/v1/cases", token)[0] == 403, role
