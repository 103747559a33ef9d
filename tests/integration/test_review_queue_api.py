"""GET /v1/queue on a real server (test_serve.py's: uvicorn in its own process over a SQLite
store): the hub's analyst works the whole queue, marked new until read; a member's analyst
sees only its own candidates' identities, without the hub's findings, and cannot filter its
way to another member's; each page read is on the audit trail. (Every role's answer without
a filter is in test_identity_views.py's table.)"""

from __future__ import annotations

import json
from typing import Any

from test_identity_views import _fetch, _keys
from test_serve import Server
from test_serve import server as server  # the running server, as a fixture of this module

from fauxhire.domain.levels import ESTIMATIVE_TERMS
from fauxhire.store import SqlStore
from support.members_world import store_world

QUEUE = "/v1/queue"


def _stored(server: Server) -> None:
    store = SqlStore.open(server.db)
    try:
        store_world(store)  # i-1 and i-3 very likely, i-2 likely, i-4 unlikely, all net-7
    finally:
        store.close()


def _page(server: Server, token: str, query: str = "") -> dict[str, Any]:
    status, raw, _ = _fetch(server, QUEUE + query, token)
    assert status == 200, raw
    page: dict[str, Any] = json.loads(raw)
    return page


def test_the_analyst_works_the_queue_and_what_was_read_is_no_longer_new(server: Server) -> None:
    _stored(server)
    keys = _keys(server)
    page = _page(server, keys["analyst"])
    assert [(i["identity_id"], i["level"], i["new"]) for i in page["items"]] == [
        ("i-3", "very likely", True), ("i-1", "very likely", True), ("i-2", "likely", True)
    ]  # fmt: skip  # assessed together: the higher id first
    first = page["items"][1]
    assert first["indicators"] == ["shared-payout-account"] and first["applications"] == 3
    assert first["network_id"] == "net-7" and page["next_offset"] is None
    assert _fetch(server, "/v1/identities/i-1", keys["analyst"])[0] == 200
    again = _page(server, keys["analyst"], "?limit=2")
    assert [(i["identity_id"], i["new"]) for i in again["items"]] == [("i-3", True), ("i-1", False)]
    assert again["next_offset"] == 2
    rest = _page(server, keys["analyst"], "?limit=2&offset=2")
    assert [i["identity_id"] for i in rest["items"]] == ["i-2"] and rest["next_offset"] is None
    lower = _page(server, keys["analyst"], "?level=unlikely&level=likely")  # by level
    assert [i["identity_id"] for i in lower["items"]] == ["i-2", "i-4"]
    assert [
        i["identity_id"] for i in _page(server, keys["analyst"], "?member=umbrella")["items"]
    ] == ["i-3"]
    status, raw, _ = _fetch(server, "/v1/audit?subject=queue", keys["admin"])
    assert status == 200, raw
    reads = json.loads(raw)["events"]
    assert [(e["action"], e["role"], e["records"]) for e in reads[:3]] == [
        ("queue:read", "analyst", ["i-3", "i-1", "i-2"]),
        ("queue:read", "analyst", ["i-3", "i-1"]),
        ("queue:read", "analyst", ["i-2"]),
    ]


def test_a_member_sees_its_own_candidates_and_nothing_of_the_hub(server: Server) -> None:
    _stored(server)
    keys = _keys(server)
    status, raw, _ = _fetch(
        server, QUEUE + "?level=unlikely&level=very%20likely", keys["member_analyst"]
    )
    assert status == 200, raw
    items = json.loads(raw)["items"]
    assert [i["identity_id"] for i in items] == ["i-1"]  # acme's only candidate
    assert items[0]["network_id"] is None and items[0]["disposition"] is None
    for hidden in ("net-7", "globex", "initech", "umbrella", "i-3", "i-4"):
        assert hidden not in raw, hidden
    for query in ("?member=globex", "?network=net-7", "?disposition=none", "?sector=51"):
        status, raw, _ = _fetch(server, QUEUE + query, keys["member_analyst"])
        assert status == 403, (query, raw)
    assert _page(server, keys["member_analyst"], "?member=acme")["items"][0]["identity_id"] == "i-1"


def test_a_bad_filter_is_a_422_naming_it(server: Server) -> None:
    keys = _keys(server)
    for query, field in (
        ("?level=maybe", "level"), ("?limit=0", "limit"), ("?limit=201", "limit"),
        ("?offset=-1", "offset"), ("?indicator=Not%20An%20Id", "indicator"),
        ("?disposition=sure", "disposition"),
    ):  # fmt: skip
        status, raw, _ = _fetch(server, QUEUE + query, keys["analyst"])
        assert status == 422, (query, raw)
        assert json.loads(raw)["detail"][0]["loc"][:2] == ["query", field]  # level: and which


def test_the_levels_the_route_takes_are_the_estimative_terms() -> None:
    from typing import get_args

    from fauxhire.api.queue import Level

    assert get_args(Level) == ESTIMATIVE_TERMS
