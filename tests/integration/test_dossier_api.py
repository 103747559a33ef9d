"""The identity page's records and the search (issue 18, items 2 and 4) on a real server
(test_serve.py's) over a copy of the session's demo world: the hub's analyst reads the
timeline of a persona of the demo's operator network across companies, its contact values
with where each was seen, and who looked at it; a member's analyst and recruiter read their
own company's records only, the recruiter's values masked; the search finds the persona by
each kind of value it holds, and a member only among its own applications. Expectations are
read from the store with SQL of the test's own."""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_identity_views import _fetch
from test_serve import Server, serving

PERSONA = "i-19"  # the demo world's (seed 5) most active persona: 148 applications, net-1


@pytest.fixture(scope="module")
def demo_server(demo_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("dossier")
    shutil.copyfile(demo_world / "fauxhire.db", folder / "store.db")
    with serving(folder, db=f"sqlite:///{folder / 'store.db'}") as served:
        yield served


def _rows(server: Server, query: str, *params: Any) -> list[tuple[Any, ...]]:
    path = server.db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return conn.execute(query, params).fetchall()


def _get(server: Server, path: str, token: str, status: int = 200) -> dict[str, Any]:
    code, raw, _ = _fetch(server, path, token)
    assert code == status, raw
    body: dict[str, Any] = json.loads(raw)
    return body


def _dossier(server: Server, token: str, identity: str = PERSONA) -> dict[str, Any]:
    return _get(server, f"/v1/identities/{identity}/dossier", token)


def _first_company(server: Server) -> str:
    company: str = _rows(
        server,
        "SELECT MIN(a.company_id) FROM links l JOIN applications a ON a.key = l.app_key "
        "WHERE l.identity_id = ?",
        PERSONA,
    )[0][0]
    return company


def test_the_analyst_reads_the_timeline_values_and_history(demo_server: Server) -> None:
    analyst = demo_server.key("--role", "analyst")
    _get(demo_server, f"/v1/identities/{PERSONA}", analyst)  # a read the history will show
    page = _dossier(demo_server, analyst)
    events = page["timeline"]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_kind.setdefault(event["kind"], []).append(event)
    applied = _rows(
        demo_server,
        "SELECT COUNT(*), COUNT(DISTINCT a.company_id) FROM links l "
        "JOIN applications a ON a.key = l.app_key WHERE l.identity_id = ?",
        PERSONA,
    )[0]
    assert len(by_kind["application"]) == applied[0] == 148
    assert len({e["company_id"] for e in by_kind["application"]}) == applied[1]
    meetings = _rows(
        demo_server,
        "SELECT COUNT(*) FROM meeting_participants m JOIN links l ON l.app_key = m.app_key "
        "WHERE l.identity_id = ?",
        PERSONA,
    )[0][0]
    assert len(by_kind["meeting"]) == meetings > 0
    assert by_kind["hire"] and by_kind["report"] and by_kind["signin"]
    timed = [e["at"][:19] for e in events if e["at"] is not None]
    assert timed == sorted(timed)  # oldest first
    assert all(e["summary"] and "@" not in e["summary"] for e in events)  # no contact detail
    # Every record of its own the assessment cites is one click away: on the timeline (a
    # referral cites the referrer's application, which is another identity's).
    own = {
        "application:" + key.replace("\x1f", "/")
        for (key,) in _rows(demo_server, "SELECT app_key FROM links WHERE identity_id = ?", PERSONA)
    }
    cited = {
        source
        for (evidence,) in _rows(
            demo_server, "SELECT evidence FROM assessments WHERE subject_id = ?", PERSONA
        )
        for item in json.loads(evidence)
        for source in item["sources"]
        if source.split(":")[0] in ("meeting", "hire", "report", "signin") or source in own
    }
    assert cited and cited <= {e["source"] for e in events}

    values = page["values"]
    emails = {v["value"] for v in values if v["kind"] == "email"}
    assert emails and all("@" in e for e in emails) and page["masked"] is False
    stored = _rows(
        demo_server,
        "SELECT COUNT(*) FROM links l JOIN applications a ON a.key = l.app_key "
        "JOIN applicant_values v ON v.app_ref = a.id WHERE l.identity_id = ?",
        PERSONA,
    )[0][0]
    assert len(values) == stored
    shared = max(values, key=lambda v: v["held_by"])
    assert shared["held_by"] > 1  # a persona's contact is held by its other applications
    assert [h["action"] for h in page["history"]][:1] == ["identity:read"]


def test_a_member_reads_its_own_records_and_a_recruiter_sees_them_masked(
    demo_server: Server,
) -> None:
    company = _first_company(demo_server)
    member = demo_server.key("--role", "member_analyst", "--member", company)
    recruiter = demo_server.key("--role", "recruiter", "--member", company)
    own = _dossier(demo_server, member)
    assert own["history"] is None and own["masked"] is False
    assert {e["company_id"] for e in own["timeline"]} == {None}
    assert [e["kind"] for e in own["timeline"]].count("application") == 1
    # Nothing of another member: no record of another company is named.
    assert all(e["source"].split(":", 1)[1].startswith(f"{company}/") for e in own["timeline"])
    assert own["values"] and {v["company_id"] for v in own["values"]} == {None}
    masked = _dossier(demo_server, recruiter)
    assert masked["masked"] is True and len(masked["values"]) == len(own["values"])
    for clear, hidden in zip(own["values"], masked["values"], strict=True):
        assert hidden["key"] is None and "***" in hidden["value"]
        assert hidden["value"] != clear["value"]
        if clear["kind"] == "email":
            assert clear["value"].split("@")[0][1:] not in hidden["value"]
    elsewhere = demo_server.key("--role", "member_analyst", "--member", "c-99999")
    assert _fetch(demo_server, f"/v1/identities/{PERSONA}/dossier", elsewhere)[0] == 404


def test_the_search_finds_the_persona_by_each_kind_of_value(demo_server: Server) -> None:
    analyst = demo_server.key("--role", "analyst")
    page = _dossier(demo_server, analyst)
    asked = {v["kind"]: v["value"] for v in page["values"]}
    ip = next(
        e["summary"].split("from ")[1].split(",")[0]
        for e in page["timeline"]
        if e["kind"] == "meeting" and "from " in e["summary"]
    )
    queries = {
        "email": asked["email"].upper(),  # normalised as ingest does: case does not matter
        "phone": asked["phone"],
        "address": asked.get("address"),
        "handle": asked.get("github") or asked.get("linkedin"),
        "ip": ip,
    }
    for kind, query in queries.items():
        if query is None:  # this persona gave none of that kind
            continue
        found = _search(demo_server, analyst, kind, query)
        assert PERSONA in [hit["identity_id"] for hit in found["identities"]], (kind, query)
    (name,) = _rows(
        demo_server,
        "SELECT a.name_display FROM links l JOIN applications a ON a.key = l.app_key "
        "WHERE l.identity_id = ? LIMIT 1",
        PERSONA,
    )[0]
    assert PERSONA in [
        h["identity_id"] for h in _search(demo_server, analyst, "name", name)["identities"]
    ]
    # A profile handle, as a URL or bare: the identity of an application that gave one.
    for kind, handle, holder in _rows(
        demo_server,
        "SELECT v.kind, v.key, l.identity_id FROM applicant_values v JOIN applications a "
        "ON a.id = v.app_ref JOIN links l ON l.app_key = a.key "
        "WHERE v.kind IN ('github', 'linkedin') GROUP BY v.kind ORDER BY v.kind",
    ):
        asked_as = f"https://github.com/{handle}" if kind == "github" else handle.split("/")[-1]
        hits = _search(demo_server, analyst, "handle", asked_as)["identities"]
        assert holder in [h["identity_id"] for h in hits], (kind, asked_as)
    bad = _fetch(demo_server, "/v1/search?kind=email&q=not-an-email", analyst)
    assert bad[0] == 422 and '"q"' in bad[1]
    # A member searches its own applications only: another company's value finds nothing.
    company = _first_company(demo_server)
    member = demo_server.key("--role", "member_analyst", "--member", company)
    own_email = _dossier(demo_server, member)["values"][0]
    mine = _search(demo_server, member, own_email["kind"], own_email["value"])
    assert [h["identity_id"] for h in mine["identities"]] == [PERSONA]
    assert mine["identities"][0]["applications"] == 1  # its own application, not the 148
    # The trail names what was found, never the value searched for.
    admin = demo_server.key("--role", "admin")
    trail = _get(demo_server, "/v1/audit?subject=search:email", admin)["events"]
    assert trail and all(f"identity:{PERSONA}" in e["records"] for e in trail)
    assert queries["email"].lower() not in json.dumps(trail).lower()


def _search(server: Server, token: str, kind: str, query: str) -> dict[str, Any]:
    encoded = urllib.parse.urlencode({"kind": kind, "q": query})
    return _get(server, f"/v1/search?{encoded}", token)
