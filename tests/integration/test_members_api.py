"""`GET /v1/members` and `PUT /v1/members/{id}` on a real server (test_serve.py's): the admin
adds a member (201), changes it (200), and setting what is stored changes nothing; each change
one audit event with the request's id; a body naming another field, or a bad id, is refused
with the field named."""

from __future__ import annotations

import json

from test_identity_views import _fetch
from test_serve import Server
from test_serve import server as server  # the running server, as a fixture of this module


def _put(server: Server, token: str, member: str, body: dict[str, object]) -> tuple[int, dict]:
    status, raw, _ = _fetch(server, f"/v1/members/{member}", token, body, "PUT")
    return status, json.loads(raw)


def test_the_admin_adds_changes_and_lists_members_each_change_audited(server: Server) -> None:
    admin = server.key("--role", "admin")
    status, added = _put(server, admin, "acme", {"name": "Acme Inc"})
    assert status == 201, added
    assert (added["created"], added["changed"]) == (True, True)
    assert (added["member"]["name"], added["member"]["named"]) == ("Acme Inc", False)
    status, named = _put(server, admin, "acme", {"named": True})
    assert status == 200 and named["changed"] and named["member"]["named"] is True
    status, again = _put(server, admin, "acme", {"named": True, "name": "Acme Inc"})
    assert status == 200 and not again["changed"]
    status, raw, _ = _fetch(server, "/v1/members", admin)
    assert status == 200
    assert [(m["member_id"], m["name"], m["named"]) for m in json.loads(raw)["members"]] == [
        ("acme", "Acme Inc", True)
    ]
    status, raw, _ = _fetch(server, "/v1/audit?subject=member:acme", admin)
    events = json.loads(raw)["events"]
    assert [(e["action"], e["purpose"], e["role"]) for e in events] == [
        ("member:add", "anonymous", "admin"), ("member:update", "named", "admin")
    ]  # fmt: skip
    assert all(e["actor"] == admin.partition(".")[0] and e["request_id"] for e in events)


def test_bad_bodies_and_ids_are_refused_naming_the_field(server: Server) -> None:
    admin = server.key("--role", "admin")
    status, refused = _put(server, admin, "acme", {"name": "Acme", "analyst": "someone"})
    assert status == 422 and refused["detail"][0]["loc"] == ["body", "analyst"]
    status, refused = _put(server, admin, "acme", {"name": "   "})
    assert status == 422 and refused["detail"][0]["loc"] == ["body", "name"]
    status, refused = _put(server, admin, "acme", {"named": True})  # a new member needs a name
    assert status == 400 and "name" in refused["message"]
    status, refused = _put(server, admin, "%20acme", {"name": "Acme"})
    assert status == 422 and refused["detail"][0]["loc"] == ["path", "member_id"]
    status, raw, _ = _fetch(server, "/v1/members", admin)
    assert json.loads(raw)["members"] == []
