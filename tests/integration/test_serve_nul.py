"""A NUL character (U+0000) in a request's path, query or body text is a 422 saying where,
on SQLite and on PostgreSQL, whose text columns refuse it: it was the store's failure, a 503
(real uvicorn server on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import Server, serving


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    db = None if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))
    with serving(tmp_path, db=db) as served:
        yield served


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/v1/identities/i-1%00x", ["path"]),
        ("/v1/identities/i-1%00x/links", ["path"]),
        ("/v1/networks/n%00/links", ["path"]),
        ("/v1/identities/i-1?purpose=a%00b", ["query", "purpose"]),
    ],
)
def test_a_nul_in_the_path_or_query_is_a_422_saying_where(
    server: Server, path: str, where: list[str]
) -> None:
    token = server.key("--role", "analyst")
    status, body = server.get(path, token)
    assert status == 422, body
    assert body["detail"] == [
        {"type": "nul_character", "loc": where,
         "msg": "text may not hold a NUL character (U+0000)"}
    ]  # fmt: skip


def test_a_nul_in_a_bodys_text_is_a_422_naming_the_field(server: Server) -> None:
    token = server.key("--role", "analyst")
    status, body = server.post(
        "/v1/dispositions",
        {"identity_id": "i-1", "disposition": "cleared", "reason": "checked\u0000 by phone"},
        token,
    )
    assert status == 422, body
    assert [error["loc"] for error in body["detail"]] == [["body", "reason"]]
    assert "checked" not in json.dumps(body)  # the value is never echoed
    status, body = server.post(
        "/v1/screen", {"application": {"company_id": "c-1"}, "purpose": "hiring\u0000"}, token
    )
    assert status == 422, body
    assert ["body", "purpose"] in [error["loc"] for error in body["detail"]]
