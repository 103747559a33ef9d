"""No route tells a member role another member's applicant data (issue 17, item 3), on a real
server (test_serve.py's ``serving``) over a store where applicants of four companies share an
identity and infrastructure (tests/support/members_world.py), reports joined as `fauxhire run`
joins them. Every route the app serves, whatever router holds it (so a route added later is
walked too), is called by the member_analyst and the recruiter keys of two members with every
id of the store in each path parameter; no answer may hold another member's company id, an
anonymous member's name, or any of the other members' application ids, candidate ids, e-mails,
phones, names, addresses, payout accounts, report ids or identities. Echoes of what the caller
sent (a 404 naming the id asked for) are the caller's own words and are allowed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import product

import pytest
from fastapi.routing import APIRoute
from test_identity_views import BODIES, _fetch  # a body for each route that takes one
from test_serve import Server, serving

from fauxhire.api.app import create_app
from fauxhire.ports.hub import Member
from fauxhire.services.joins import resolve_joins
from fauxhire.store import SqlStore
from support.members_world import (
    APPLIED,
    HIRED,
    LEVELS,
    NAMES,
    NOW,
    PAYOUT,
    REPORTED,
    SHIPPING,
    store_world,
)

MEMBERS = [  # globex opted in to be named; initech and umbrella did not
    Member("acme", "Acme Inc", False, NOW, NOW),
    Member("globex", "Globex Corp", True, NOW, NOW),
    Member("initech", "Initech Ltd", False, NOW, NOW),
    Member("umbrella", "Umbrella Holdings", False, NOW, NOW),
]
WALKED = ("acme", "globex")  # two members whose applicants share identity i-1
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+\d{7,15}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("segregation")
    # Many requests from each key: a rate no walk reaches.
    with serving(folder, options=("--rate", "10000", "--burst", "10000")) as served:
        _store(served.db)
        yield served


def _store(db: str) -> None:
    store = SqlStore.open(db)
    try:
        store_world(store)
        resolve_joins(store)
        for member in MEMBERS:
            store.save_member(member)
    finally:
        store.close()


def _routes() -> list[tuple[str, str]]:
    """(method, path) of every route the app serves, whichever router holds it."""
    found = []
    for mounted in create_app("sqlite://").routes:
        router = getattr(mounted, "original_router", None)
        for route in router.routes if router is not None else [mounted]:
            if isinstance(route, APIRoute):
                found += [(method, route.path) for method in sorted(route.methods - {"HEAD"})]
    return found


def _ids() -> list[str]:
    """Every id the store holds that a path parameter could name."""
    companies = {m.member_id for m in MEMBERS}
    return sorted({*LEVELS, "net-7", *companies, *(row[1] for row in APPLIED)})


def _secrets(member: str) -> set[str]:
    """What ``member`` must never be shown: every other member's data it does not hold too."""
    mine = [row for row in APPLIED if row[0] == member]
    theirs = [row for row in APPLIED if row[0] != member]
    own = {v for row in mine for v in (*row[:4], *row[5:], *NAMES[row[1]]) if v}
    said = {v for row in theirs for v in (*row[:4], *row[5:], *NAMES[row[1]]) if v}
    said |= {PAYOUT, *SHIPPING, *(e for _, e, _ in HIRED)}
    said |= {r[1] for r in REPORTED if r[0] != member}  # its own reports are its own to see
    said |= {m.name for m in MEMBERS if not m.named and m.member_id != member}
    return said - own - {member}


def _paths(path: str) -> Iterator[str]:
    names = re.findall(r"{(\w+)}", path)
    for values in product(_ids(), repeat=len(names)):
        filled = path
        for name, value in zip(names, values, strict=True):
            filled = filled.replace(f"{{{name}}}", value)
        yield filled


def _walk(server: Server, token: str) -> Iterator[tuple[str, str, int, str]]:
    """(method, what was sent: the url and its body, status, raw answer) of every route
    called with every id."""
    for method, path in _routes():
        # A route added later without a body of its own is sent {}.
        body = BODIES.get(path, {}) if method in ("POST", "PUT", "PATCH") else None
        for url in _paths(path):
            status, raw, _ = _fetch(server, url, token, body, method)
            yield method, url + json.dumps(body), status, raw


@pytest.mark.parametrize("role", ["member_analyst", "recruiter"])
@pytest.mark.parametrize("member", WALKED)
def test_no_route_shows_a_member_role_another_members_data(
    server: Server, member: str, role: str
) -> None:
    token = server.key("--role", role, "--member", member)
    secrets = _secrets(member)
    seen = 0
    for method, sent, status, raw in _walk(server, token):
        assert status < 500, (method, sent, raw)
        leaked = [s for s in secrets if s in raw and s not in sent]
        assert leaked == [], (method, sent, leaked)
        seen += status == 200 and sent.startswith("/v1/identities/")
    assert seen > 0  # the walk read identities it may see, not only refusals


def test_a_member_is_shown_a_named_member_by_name_and_the_rest_in_counts(server: Server) -> None:
    token = server.key("--role", "member_analyst", "--member", "acme")
    status, raw, _ = _fetch(server, "/v1/identities/i-1", token)
    assert status == 200, raw
    elsewhere = json.loads(raw)["elsewhere"]
    assert elsewhere["named_companies"] == ["Globex Corp"]  # initech is counted, not named
    assert elsewhere["reports"] == {
        "count": 2,
        "dispositions": {"confirmed_fraud": 1, "suspected": 1},
        "named_reporters": ["Globex Corp"],
    }
    assert elsewhere["shared_with_flagged"] == [
        {"kind": "email", "flagged_identities": 1},
        {"kind": "payout_account", "flagged_identities": 1},
        {"kind": "shipping_address", "flagged_identities": 1},
    ]


def test_a_recruiter_sees_contact_details_masked_where_any_are_shown(server: Server) -> None:
    token = server.key("--role", "recruiter", "--member", "acme")
    read = masked = 0
    for method, sent, status, raw in _walk(server, token):
        # The identity page's records (/v1/identities/{id}/dossier) show a recruiter its
        # own applicants' contact details, masked (as a***@***.com); every route is held to it.
        for contact in (*EMAIL.findall(raw), *PHONE.findall(raw)):
            assert "*" in contact, (method, sent, contact)
        read += status == 200 and sent.startswith("/v1/identities/")
        masked += status == 200 and "/dossier" in sent and "***@***" in raw
    assert read > 0 and masked > 0
