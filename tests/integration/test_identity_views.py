"""GET /v1/identities/{id} on a real server (test_serve.py's: uvicorn in its own process over
a SQLite store, keys made with the command line): every route of the app answered for every
role and without a key as a table says; a member's keys never see another member's company,
applications or evidence in the raw body; every read leaves one audit event and the chain
still verifies."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.routing import APIRoute
from test_serve import Server, _fauxhire
from test_serve import server as server  # the running server, as a fixture of this module

from fauxhire.api.app import create_app
from fauxhire.domain.api_roles import ROLES
from fauxhire.ports import AssessmentRow, Link
from fauxhire.store import SqlStore
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
# Identity i-1 applied at three members: acme in January, globex in March, initech in May.
# i-2 applied at globex only.
APPLIED = [
    ("acme", "app-acme-17", "i-1", datetime(2025, 1, 10, 9, 0, tzinfo=UTC)),
    ("globex", "app-glx-31", "i-1", datetime(2025, 3, 5, 9, 0, tzinfo=UTC)),
    ("initech", "app-ini-52", "i-1", datetime(2025, 5, 20, 9, 0, tzinfo=UTC)),
    ("globex", "app-glx-40", "i-2", datetime(2025, 4, 1, 9, 0, tzinfo=UTC)),
]
# Filled in as the assessment fills an indicator's sentence: with other members' values.
EVIDENCE = [
    {
        "indicator": "shared-payout-account",
        "weight": 3.2,
        "detail": "Payout account pk-99 also paid at globex.",
        "sources": ["application:globex/app-glx-31", "hire:initech/h-5"],
    }
]


def _stored(server: Server) -> dict[str, str]:
    """The store the server serves, written through the port as link and assess leave it;
    the application keys by application id."""
    store = SqlStore.open(server.db)
    try:
        store.write_records(
            [
                replace(application(app_id), company_id=company, applied_at=at)
                for company, app_id, _, at in APPLIED
            ],
            now=NOW,
        )
        store.replace_links(
            [Link(company, app_id, identity, "net-7") for company, app_id, identity, _ in APPLIED],
            now=NOW,
        )
        store.replace_assessments(
            [AssessmentRow("identity", "i-1", "net-7", 0.93, "very likely", EVIDENCE)], now=NOW
        )
        return {
            a.application_id: a.key
            for identity in ("i-1", "i-2")
            for a in store.identity_applications(identity)
        }
    finally:
        store.close()


def _fetch(
    server: Server,
    path: str,
    token: str | None,
    body: dict[str, Any] | None = None,
    method: str | None = None,
) -> tuple[int, str, str | None]:
    """The status, the raw body and the X-Request-ID of a GET, or of a POST (or ``method``)
    of ``body``."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(server.base + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers["X-Request-ID"]
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(), refused.headers["X-Request-ID"]


def _keys(server: Server) -> dict[str, str]:
    return {
        "admin": server.key("--role", "admin"),
        "analyst": server.key("--role", "analyst"),
        "member_analyst": server.key("--role", "member_analyst", "--member", "acme"),
        "recruiter": server.key("--role", "recruiter", "--member", "acme"),
        "partner": server.key("--role", "partner"),
    }


def _app_paths() -> set[str]:
    """Every route path the app serves, whichever router holds it."""
    paths = set()
    for mounted in create_app("sqlite://").routes:
        router = getattr(mounted, "original_router", None)
        for route in router.routes if router is not None else [mounted]:
            if isinstance(route, APIRoute):
                paths.add(route.path)
    return paths


PAYOUT_TITLE = "Payout account shared by employees"  # the ruleset's words for it
_HUB_ANALYST_ONLY = {
    "admin": 403, "analyst": 200, "member_analyst": 403, "recruiter": 403, "partner": 403
}  # fmt: skip
_ADMIN_ONLY = {
    "admin": 200, "analyst": 403, "member_analyst": 403, "recruiter": 403, "partner": 403
}  # fmt: skip
# What each route answers: without a key, then for each role (of member acme, for the member
# roles). A route the app serves that is not here fails the test: add its row.
STATUS: dict[str, tuple[int, dict[str, int]]] = {
    "/v1/health": (200, dict.fromkeys(ROLES, 200)),
    "/v1/ready": (200, dict.fromkeys(ROLES, 200)),
    "/v1/whoami": (401, dict.fromkeys(ROLES, 200)),
    # Sign-in through the IdP needs no key; this server has no console client: the 404 says so.
    "/v1/sign-in": (200, dict.fromkeys(ROLES, 200)),
    "/v1/sign-in/token": (404, dict.fromkeys(ROLES, 404)),
    "/v1/openapi.json": (401, dict.fromkeys(ROLES, 200)),
    "/v1/audit": (
        401,
        {"admin": 200, "analyst": 403, "member_analyst": 403, "recruiter": 403, "partner": 403},
    ),
    "/v1/identities/{identity_id}": (
        401,
        {"admin": 403, "analyst": 200, "member_analyst": 200, "recruiter": 200, "partner": 403},
    ),
    "/v1/identities/{identity_id}/links": (401, _HUB_ANALYST_ONLY),
    "/v1/networks/{network_id}/links": (401, _HUB_ANALYST_ONLY),
    "/v1/networks/{network_id}/graph": (401, _HUB_ANALYST_ONLY),
    # This store has no report yet: the analyst's answer is the 404 that says so.
    "/v1/reports/latest": (401, _HUB_ANALYST_ONLY | {"analyst": 404}),
    "/v1/networks/{network_id}/split": (401, _HUB_ANALYST_ONLY | {"analyst": 201}),
    "/v1/judgements": (401, _HUB_ANALYST_ONLY | {"analyst": 201}),
    "/v1/dispositions": (401, _HUB_ANALYST_ONLY | {"analyst": 201}),
    "/v1/members": (401, _ADMIN_ONLY),
    "/v1/members/{member_id}": (401, _ADMIN_ONLY | {"admin": 201}),  # admin adds it first
    # The screeners' answer is the 422 of an empty application: the role was let through.
    "/v1/screen": (
        401,
        {"admin": 403, "analyst": 422, "member_analyst": 422, "recruiter": 422, "partner": 403},
    ),
    # The vendor's signature, not a key, lets a delivery in: every key is refused alike.
    "/v1/webhooks/{vendor}/{member}": (401, dict.fromkeys(ROLES, 401)),
    "/v1/erasures": (401, _HUB_ANALYST_ONLY | {"admin": 200}),
    # This server has no community key: the analyst's answer is the 404 that says so.
    "/v1/share/exports": (401, _HUB_ANALYST_ONLY | {"analyst": 404}),
    # TAXII: the hub's analyst and partners read; without TAXII's Accept, the 406 it asks for.
    **{
        path: (401, _HUB_ANALYST_ONLY | {"analyst": 406, "partner": 406})
        for path in (
            "/taxii2/", "/taxii2/api/", "/taxii2/api/collections/",
            "/taxii2/api/collections/{collection_id}/",
            "/taxii2/api/collections/{collection_id}/objects/",
            "/taxii2/api/collections/{collection_id}/manifest/",
        )
    },
    "/v1/queue": (401, _HUB_ANALYST_ONLY | {"member_analyst": 200}),
    "/v1/identities/{identity_id}/dossier": (
        401,
        {"admin": 403, "analyst": 200, "member_analyst": 200, "recruiter": 200, "partner": 403},
    ),
    # Cases, in the order the walk works one: assigning opens case 1 on i-1; its first entry
    # is its opening, the note the second, the file the third.
    "/v1/cases/assign": (401, _HUB_ANALYST_ONLY),
    "/v1/cases": (401, _HUB_ANALYST_ONLY),
    "/v1/cases/{case_id}": (401, _HUB_ANALYST_ONLY),
    "/v1/cases/{case_id}/notes": (401, _HUB_ANALYST_ONLY | {"analyst": 201}),
    "/v1/cases/{case_id}/files": (401, _HUB_ANALYST_ONLY | {"analyst": 201}),
    "/v1/cases/{case_id}/files/{entry_id}": (401, _HUB_ANALYST_ONLY),
    # This store holds no employer report: the analyst's answer is the 404 that says so.
    "/v1/cases/{case_id}/reports": (401, _HUB_ANALYST_ONLY | {"analyst": 404}),
    "/v1/cases/{case_id}/assign": (401, _HUB_ANALYST_ONLY),
    "/v1/cases/{case_id}/state": (401, _HUB_ANALYST_ONLY),
    # Without its query the search is the 422 that names it: the role was let through.
    "/v1/search": (
        401, _HUB_ANALYST_ONLY | {"analyst": 422, "member_analyst": 422, "recruiter": 422}
    ),
}  # fmt: skip
METHODS = {"/v1/members/{member_id}": "PUT"}
# What the POST routes of the table are sent: a body each role's answer is valid for.
BODIES: dict[str, dict[str, Any]] = {
    "/v1/judgements": {
        "kind": "together", "a": "acme/app-acme-17", "b": "globex/app-glx-31", "reason": "same"
    },
    "/v1/dispositions": {"identity_id": "i-1", "disposition": "cleared", "reason": "checked"},
    "/v1/networks/{network_id}/split": {"identity_id": "i-2", "reason": "a household"},
    "/v1/cases/assign": {"identity_ids": ["i-1"], "assignee": "kim"},
    "/v1/cases/{case_id}/notes": {"text": "a note"},
    "/v1/cases/{case_id}/files": {
        "name": "a.txt", "media_type": "text/plain", "content_base64": "aGVsbG8="
    },
    "/v1/cases/{case_id}/reports": {"report": "acme/rep-404"},
    "/v1/cases/{case_id}/assign": {"assignee": "lee"},
    "/v1/cases/{case_id}/state": {"state": "investigating", "reason": "looking"},
    "/v1/members/{member_id}": {"name": "Globex Corp", "named": True},
    "/v1/screen": {"application": {}},
    "/v1/webhooks/{vendor}/{member}": {"action": "ping"},
    "/v1/erasures": {"identity": ["i-404"], "purpose": "request 1"},  # a preview of no one
    "/v1/share/exports": {"purpose": "agreement 1"},
    "/v1/sign-in/token": {
        "code": "c", "code_verifier": "v" * 43, "redirect_uri": "http://127.0.0.1:1/console/"
    },
}  # fmt: skip


def test_every_route_answers_every_role_as_the_table_says(server: Server) -> None:
    _stored(server)
    keys = _keys(server)
    assert _app_paths() == set(STATUS)
    for path, (anonymous, by_role) in STATUS.items():
        url = path.replace("{identity_id}", "i-1").replace("{network_id}", "net-7")
        url = url.replace("{member_id}", "globex").replace("{case_id}", "1")
        url = url.replace("{entry_id}", "3")
        url = url.replace("{vendor}", "greenhouse").replace("{member}", "acme")
        body, method = BODIES.get(path), METHODS.get(path)
        assert _fetch(server, url, None, body, method)[0] == anonymous, path
        assert set(by_role) == set(keys)
        for role, token in keys.items():
            assert _fetch(server, url, token, body, method)[0] == by_role[role], (path, role)


def test_a_member_sees_its_own_applications_and_only_counts_of_the_rest(server: Server) -> None:
    app_keys = _stored(server)
    keys = _keys(server)
    globex = server.key("--role", "member_analyst", "--member", "globex")
    others = ("globex", "initech", "app-glx-31", "app-glx-40", "app-ini-52", "pk-99", "h-5")
    for role in ("member_analyst", "recruiter"):
        status, raw, _ = _fetch(server, "/v1/identities/i-1", keys[role])
        assert status == 200, raw
        for secret in (*others, app_keys["app-glx-31"], app_keys["app-ini-52"]):
            assert secret not in raw, (role, secret)
        body = json.loads(raw)
        assert body["member"] == "acme"
        assert body["applications"] == [
            {"application_id": "app-acme-17", "applied_at": "2025-01-10T09:00:00+00:00"}
        ]
        elsewhere = body["elsewhere"]
        assert (elsewhere["companies"], elsewhere["applications"]) == (2, 2)
        # The server's clock is the real one: the days since initech's application in May.
        since = (datetime.now(UTC) - APPLIED[2][3]).days
        assert elsewhere["months"] == 3 and elsewhere["last_applied_days_ago"] in (since - 1, since)
        verdict = body["verdict"]
        assert (verdict["level"], verdict["probability"]) == ("very likely", pytest.approx(0.93))
        assert verdict["evidence"] == [
            {"indicator": "shared-payout-account", "title": PAYOUT_TITLE, "weight": 3.2}
        ]
        assert body["next_steps"][0].startswith("Ask your security team")  # very likely
        assert "human review" in body["recommendation"]

    status, raw, _ = _fetch(server, "/v1/identities/i-1", globex)
    assert status == 200 and "acme" not in raw and "app-acme-17" not in raw
    elsewhere = json.loads(raw)["elsewhere"]
    assert (elsewhere["companies"], elsewhere["applications"], elsewhere["months"]) == (2, 2, 5)

    # i-2 applied at globex only: to acme it does not exist, word for word as an unknown id.
    status, absent, _ = _fetch(server, "/v1/identities/i-2", keys["member_analyst"])
    unknown = _fetch(server, "/v1/identities/i-404", keys["member_analyst"])
    assert status == unknown[0] == 404
    assert json.loads(absent)["message"].replace("i-2", "") == json.loads(unknown[1])[
        "message"
    ].replace("i-404", "")

    status, raw, _ = _fetch(server, "/v1/identities/i-1", keys["analyst"])
    hub = json.loads(raw)
    assert [(a["company_id"], a["application_id"]) for a in hub["applications"]] == [
        ("acme", "app-acme-17"), ("globex", "app-glx-31"), ("initech", "app-ini-52")
    ]  # fmt: skip
    assert hub["network_id"] == "net-7"
    assert hub["verdict"]["evidence"] == [{**EVIDENCE[0], "title": PAYOUT_TITLE}]


def test_every_read_leaves_one_audit_event_and_the_chain_verifies(server: Server) -> None:
    app_keys = _stored(server)
    keys = _keys(server)
    reads: list[dict[str, Any]] = []
    for role, purpose in (("analyst", "case 12"), ("recruiter", None), ("member_analyst", None)):
        query = f"?purpose={purpose.replace(' ', '%20')}" if purpose else ""
        status, _, request_id = _fetch(server, f"/v1/identities/i-1{query}", keys[role])
        assert status == 200
        reads.append({"role": role, "purpose": purpose or "review", "request_id": request_id})
    for refused in (("admin", "i-1"), ("partner", "i-1"), ("recruiter", "i-2")):
        assert _fetch(server, f"/v1/identities/{refused[1]}", keys[refused[0]])[0] in (403, 404)

    status, raw, _ = _fetch(server, "/v1/audit?subject=identity:i-1", keys["admin"])
    events = json.loads(raw)["events"]
    assert [e["request_id"] for e in events] == [read["request_id"] for read in reads]
    everything = sorted(app_keys[a] for a in ("app-acme-17", "app-glx-31", "app-ini-52"))
    for event, read in zip(events, reads, strict=True):
        role = read["role"]
        assert event["actor"] == keys[role].partition(".")[0]
        assert (event["action"], event["role"], event["purpose"]) == (
            "identity:read", role, read["purpose"]
        )  # fmt: skip
        assert event["member"] == (None if role == "analyst" else "acme")
        shown = everything if role == "analyst" else [app_keys["app-acme-17"]]
        assert sorted(event["records"]) == shown
    status, raw, _ = _fetch(server, "/v1/audit?subject=identity:i-2", keys["admin"])
    assert json.loads(raw)["events"] == []  # a refused read reads nothing, so records nothing

    verified = _fauxhire("audit", "verify", "--db", server.db, cwd=server.folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # five keys made, three reads of i-1, and the admin's two reads of the trail
    assert verified.stdout.startswith("OK: 10 events")
