"""Search by a value (issue 18, item 4): an e-mail, phone, name, profile handle, address or
IP, normalised as ingest normalises it, then looked up by index in the store
(``store/search.py``), landing on the identities that hold it.

The hub's analyst searches every company's applications; a member's analyst or recruiter its
own company's only (a recruiter finds the candidate in front of them by e-mail or phone), so a
search cannot tell a member that a value is held elsewhere. The audit
event names the kind searched and the identities found; the value itself is not written to
the trail in clear: the trail would otherwise keep what erasure removes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, get_args

from fauxhire.domain import Value
from fauxhire.domain.normalise import address, email, ip, name, phone, url
from fauxhire.errors import InvalidQuery, PermissionDenied
from fauxhire.ports import AuditEvent
from fauxhire.services.keys import Principal
from fauxhire.store import SqlStore
from fauxhire.store.search import Found, identities_holding

SearchKind = Literal["email", "phone", "name", "handle", "address", "ip"]
KINDS: Final = get_args(SearchKind)
SEARCHERS: Final = ("analyst", "member_analyst", "recruiter")
ACTION: Final = "search"


@dataclass(frozen=True, slots=True)
class SearchResult:
    kind: str
    normalised: list[str]  # the keys looked up, as linking compares them
    found: list[Found]
    more: bool  # more identities hold it than a search returns


def search(
    store: SqlStore,
    kind: SearchKind,
    query: str,
    caller: Principal,
    *,
    purpose: str,
    request_id: str | None,
    now: datetime,
) -> SearchResult:
    """The identities holding ``query`` read as a ``kind``; ``InvalidQuery`` naming the field
    when it is not one (an e-mail with no @, a phone that is no possible number)."""
    if caller.role not in SEARCHERS:
        raise PermissionDenied(f"the role {caller.role} does not search applicants")
    values = lookups(kind, query)
    member = caller.member if caller.role != "analyst" else None
    with store.unit_of_work():
        found: dict[str, int] = {}
        more = False
        for value in values:
            held, over = identities_holding(store, value.kind.value, value.key, member=member)
            more |= over
            for hit in held:
                found[hit.identity_id] = found.get(hit.identity_id, 0) + hit.applications
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        store.append_audit(
            AuditEvent(
                actor=caller.key_id,
                action=ACTION,
                subject=f"search:{kind}",
                purpose=purpose,
                at=now,
                role=caller.role,
                member=caller.member,
                records=tuple(f"identity:{identity}" for identity, _ in ranked),
                request_id=request_id,
            )
        )
    return SearchResult(kind, [v.key for v in values], [Found(i, n) for i, n in ranked], more)


def lookups(kind: str, query: str) -> list[Value]:
    """The normalised values a search of ``kind`` looks up: one, or for a bare handle both
    the GitHub account and the LinkedIn profile of that name."""
    text = query.strip()
    if not text:
        raise InvalidQuery("q: give a value to search for", field="q")
    try:
        found = _handle(text) if kind == "handle" else _one(_NORMALISE[kind](text))
    except ValueError as exc:
        raise InvalidQuery(f"q: not a {kind}: {exc}", field="q") from None
    if not found:
        raise InvalidQuery(f"q: not a {kind}", field="q")
    return found


def _handle(text: str) -> list[Value]:
    try:
        value = url.normalise(text)
    except ValueError:
        value = None
    if value is not None and value.kind.value in ("linkedin", "github"):
        return [value]
    bare = text.removeprefix("@")
    github = url.github_handle(bare)
    profile = url.normalise(f"linkedin.com/in/{bare}")
    return [v for v in (github, profile) if v is not None]


def _one(value: Value | None) -> list[Value]:
    return [value] if value is not None else []


# The kinds of one value each, normalised as ingest normalises them (a handle may be two).
_NORMALISE: Final[dict[str, Callable[[str], Value | None]]] = {
    "email": email.normalise,
    "phone": phone.normalise,
    "name": name.normalise,
    "address": address.normalise,
    "ip": ip.normalise,
}
