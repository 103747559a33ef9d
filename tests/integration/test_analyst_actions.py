"""The hub analyst's actions on a real server (test_serve.py's: uvicorn in its own process over
a SQLite store, keys made with the command line): why records are linked, typed and strongest
first; judgements and dispositions made in the key's name, never the body's, and read back by
the command line; every action one audit event, and the chain still verifies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from test_identity_views import _fetch, _keys, _stored
from test_serve import Server, _fauxhire
from test_serve import server as server  # the running server, as a fixture of this module

from fauxhire.ports import Edge
from fauxhire.store import SqlStore

# One identity link of i-1 (acme's and globex's applications) and one network link of net-7,
# their evidence stored weakest first: the API must answer strongest first.
IDENTITY_EVIDENCE = [
    {"comparison": "name", "level": 1, "reading": "names alike", "weight": 1.5},
    {"comparison": "phone", "level": -1, "reading": "no phone on one side", "weight": 0.0},
    {"comparison": "email", "level": 3, "reading": "same email", "weight": 9.25},
    {"comparison": "city", "level": 0, "reading": "different cities", "weight": -2.0},
]
NETWORK_EVIDENCE = [
    {"kind": "egress", "family": "network", "value": "203.0.113.9", "shared_by": 2, "weight": 0.4},
    {"kind": "payout", "family": "money", "value": "pk-99", "shared_by": 2, "weight": 2.5},
]


def _linked(server: Server) -> dict[str, str]:
    """The store of test_identity_views with the edges that explain its links."""
    app_keys = _stored(server)
    store = SqlStore.open(server.db)
    try:
        with store.unit_of_work():
            acme, globex = app_keys["app-acme-17"], app_keys["app-glx-31"]
            store.replace_edges(
                "identity", [Edge("identity", acme, globex, "i-1", 11.0, 0.999, IDENTITY_EVIDENCE)]
            )
            store.replace_edges(
                "network", [Edge("network", "i-1", "i-2", "net-7", 2.9, None, NETWORK_EVIDENCE)]
            )
    finally:
        store.close()
    return app_keys


def _audit(server: Server, admin: str, subject: str) -> list[dict[str, Any]]:
    status, raw, _ = _fetch(server, f"/v1/audit?subject={subject}", admin)
    assert status == 200, raw
    events: list[dict[str, Any]] = json.loads(raw)["events"]
    return events


def _listed(server: Server, *command: str) -> str:
    """A listing command's table, wide enough that no cell folds."""
    env = {**os.environ, "COLUMNS": "400"}
    run = [sys.executable, "-m", "fauxhire.cli", *command, "--db", server.db]
    done = subprocess.run(
        run, cwd=server.folder, capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_links_are_typed_strongest_first_and_each_read_is_audited(server: Server) -> None:
    app_keys = _linked(server)
    keys = _keys(server)
    analyst = keys["analyst"]

    status, raw, identity_request = _fetch(server, "/v1/identities/i-1/links", analyst)
    assert status == 200, raw
    body = json.loads(raw)
    assert [a["application_id"] for a in body["applications"]] == [
        "app-acme-17", "app-glx-31", "app-ini-52"
    ]  # fmt: skip
    assert "key" not in body["applications"][0]  # the store's key is not the API's name
    [link] = body["links"]
    assert (link["a"], link["b"]) == ("acme/app-acme-17", "globex/app-glx-31")
    assert (link["score"], link["probability"]) == (11.0, 0.999)
    assert [e["comparison"] for e in link["evidence"]] == ["email", "city", "name", "phone"]
    assert link["evidence"][0] == IDENTITY_EVIDENCE[2]
    assert body["borrowed"] == []

    status, raw, network_request = _fetch(server, "/v1/networks/net-7/links", analyst)
    assert status == 200, raw
    body = json.loads(raw)
    assert [i["identity_id"] for i in body["identities"]] == ["i-1", "i-2"]
    [link] = body["links"]
    assert (link["a"], link["b"], link["score"]) == ("i-1", "i-2", 2.9)
    assert link["evidence"] == [NETWORK_EVIDENCE[1], NETWORK_EVIDENCE[0]]

    assert _fetch(server, "/v1/identities/i-404/links", analyst)[0] == 404
    assert _fetch(server, "/v1/networks/net-404/links", analyst)[0] == 404

    [read] = _audit(server, keys["admin"], "identity:i-1")
    assert (read["action"], read["actor"], read["role"]) == (
        "identity:links:read", analyst.partition(".")[0], "analyst"
    )  # fmt: skip
    assert read["request_id"] == identity_request
    i_1 = ("app-acme-17", "app-glx-31", "app-ini-52")
    assert sorted(read["records"]) == sorted(app_keys[a] for a in i_1)
    [read] = _audit(server, keys["admin"], "network:net-7")
    assert read["request_id"] == network_request and read["records"] == ["i-1", "i-2"]


def test_a_judgement_is_the_keys_and_the_command_line_lists_it(server: Server) -> None:
    app_keys = _stored(server)
    keys = _keys(server)
    analyst, key_id = keys["analyst"], keys["analyst"].partition(".")[0]
    judged = {"kind": "apart", "a": "globex/app-glx-40", "b": "acme/app-acme-17"}

    impostor = judged | {"reason": "another person", "analyst": "someone-else"}
    status, raw, _ = _fetch(server, "/v1/judgements", analyst, impostor)
    assert status == 422, raw
    assert [e["loc"] for e in json.loads(raw)["detail"]] == [["body", "analyst"]]
    for field, bad in (("kind", "maybe"), ("reason", "   "), ("b", judged["a"])):
        wrong = {**judged, "reason": "another person", field: bad}
        status, raw, _ = _fetch(server, "/v1/judgements", analyst, wrong)
        assert status == 422, raw
        assert [e["loc"] for e in json.loads(raw)["detail"]] == [["body", field]]
    unknown = judged | {"a": "acme/app-404", "reason": "another person"}
    assert _fetch(server, "/v1/judgements", analyst, unknown)[0] == 404

    status, raw, request_id = _fetch(
        server, "/v1/judgements", analyst, judged | {"reason": "another person"}
    )
    assert status == 201, raw
    [stored] = json.loads(raw)["judgements"]
    assert (stored["kind"], stored["analyst"]) == ("apart", key_id)
    assert (stored["a"], stored["b"]) == ("acme/app-acme-17", "globex/app-glx-40")

    listed = _listed(server, "judge", "list")
    assert "1 judgements" in listed
    row = next(line for line in listed.splitlines() if "acme/app-acme-17" in line)
    assert "globex/app-glx-40" in row and key_id in row and "another person" in row
    assert "someone-else" not in listed

    [event] = _audit(server, keys["admin"], "application:acme/app-acme-17")
    assert (event["action"], event["actor"], event["purpose"]) == (
        "judge:apart", key_id, "another person"
    )  # fmt: skip
    assert event["request_id"] == request_id
    assert sorted(event["records"]) == sorted([app_keys["app-acme-17"], app_keys["app-glx-40"]])


def test_a_disposition_is_the_keys_listed_audited_and_the_chain_verifies(server: Server) -> None:
    app_keys = _stored(server)
    keys = _keys(server)
    analyst, key_id = keys["analyst"], keys["analyst"].partition(".")[0]
    cleared = {"identity_id": "i-1", "disposition": "cleared", "reason": "references checked"}

    status, raw, _ = _fetch(server, "/v1/dispositions", analyst, cleared | {"analyst": "x"})
    assert status == 422 and [e["loc"] for e in json.loads(raw)["detail"]] == [["body", "analyst"]]
    status, raw, _ = _fetch(server, "/v1/dispositions", analyst, cleared | {"disposition": "ok"})
    assert status == 422 and json.loads(raw)["detail"][0]["loc"] == ["body", "disposition"]
    assert _fetch(server, "/v1/dispositions", analyst, cleared | {"identity_id": "i-404"})[0] == 404
    recruiter = keys["recruiter"]
    assert _fetch(server, "/v1/dispositions", recruiter, cleared)[0] == 403

    status, raw, request_id = _fetch(server, "/v1/dispositions", analyst, cleared)
    assert status == 201, raw
    done = json.loads(raw)
    assert (done["disposition"], done["analyst"], done["before"]) == ("cleared", key_id, None)
    assert done["applications"] == 3
    confirmed = cleared | {"disposition": "confirmed", "reason": "payout account seen in scheme"}
    status, raw, _ = _fetch(server, "/v1/dispositions", analyst, confirmed)
    assert status == 201 and json.loads(raw)["before"]["disposition"] == "cleared"

    listed = _listed(server, "disposition", "list")
    row = next(line for line in listed.splitlines() if "i-1" in line)
    assert "confirmed" in row and key_id in row and "overrules cleared" in row

    events = _audit(server, keys["admin"], "identity:i-1")
    assert [e["action"] for e in events] == ["dispose:cleared", "dispose:confirmed"]
    assert events[0]["request_id"] == request_id and events[0]["actor"] == key_id
    held = sorted(app_keys[a] for a in ("app-acme-17", "app-glx-31", "app-ini-52"))
    assert all(sorted(e["records"]) == held for e in events)

    verified = _fauxhire("audit", "verify", "--db", server.db, cwd=server.folder)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # five keys made, two dispositions, and the admin's read of the trail
    assert verified.stdout.startswith("OK: 8 events")
