"""A TAXII 2.1 server (read only) over the published collections (services/taxii.py): the
discovery, one API root, its collections, each collection's objects and manifest, paged by
the time objects were added (``added_after``, ``limit``, ``next``). Partners pull with their
key as a bearer token, as every route of the service is called; each page read is audited.

TAXII's media type is required: a request whose Accept does not take
``application/taxii+json;version=2.1`` gets 406, as TAXII 2.1 (section 1.6.8) asks. A
collection the caller may not read is a 404, as one that does not exist."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Final

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response

from fauxhire.api.auth import opened_app, principal, role_in
from fauxhire.api.schemas import PROTECTED_ERRORS, errors
from fauxhire.bootstrap import App
from fauxhire.domain.outcomes import AuditEvent
from fauxhire.services.keys import Principal
from fauxhire.services.taxii import READERS, Collection, Shared, read_page, readable

TAXII: Final = "application/taxii+json;version=2.1"
STIX: Final = "application/stix+json;version=2.1"
MAX_PAGE: Final = 1000

taxii = APIRouter(prefix="/taxii2", dependencies=[Depends(principal)], responses=PROTECTED_ERRORS)
Opened = Annotated[App, Depends(opened_app)]
_RESPONSES = {**errors(400, 403, 404), 406: {"description": "Accept does not take TAXII 2.1"},
              200: {"content": {TAXII: {}}}}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A page's query (TAXII 2.1 section 3.4): where to start, how many, which objects."""

    added_after: Annotated[str | None, Query(max_length=40)] = None
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE
    next_page: Annotated[str | None, Query(alias="next", max_length=200)] = None
    types: Annotated[str | None, Query(alias="match[type]", max_length=2000)] = None
    ids: Annotated[str | None, Query(alias="match[id]", max_length=20000)] = None


class TaxiiError(Exception):
    """A TAXII error message (section 3.6.1), answered with its status."""

    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.description = status, title, description


def answer(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), media_type=TAXII, headers=headers)


def taxii_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TaxiiError)
    body = {"title": exc.title, "description": exc.description, "http_status": str(exc.status)}
    return Response(orjson.dumps(body), status_code=exc.status, media_type=TAXII)


def _accepts_taxii(request: Request) -> None:
    accepted = request.headers.get("accept", "").replace(" ", "").lower()
    if "application/taxii+json" not in accepted or "version=2.0" in accepted:
        raise TaxiiError(406, "Not acceptable", f"send Accept: {TAXII}")


def _reader(
    request: Request, caller: Annotated[Principal, Depends(role_in(*READERS))]
) -> Principal:
    """A caller who may read collections (403 for the others), asking for TAXII (406)."""
    _accepts_taxii(request)
    return caller


Reader = Annotated[Principal, Depends(_reader)]


@taxii.get("/", response_class=Response, responses=_RESPONSES)
def discovery(request: Request, _caller: Reader) -> Response:
    """TAXII discovery: this server's one API root."""
    root = str(request.url_for("api_root"))
    return answer({
        "title": "fauxhire", "description": "Applicant personas linked to scheme infrastructure",
        "default": root, "api_roots": [root],
    })  # fmt: skip


@taxii.get("/api/", response_class=Response, responses=_RESPONSES)
def api_root(_caller: Reader) -> Response:
    return answer({
        "title": "fauxhire community", "versions": [TAXII], "max_content_length": 0,
    })  # fmt: skip


@taxii.get("/api/collections/", response_class=Response, responses=_RESPONSES)
def collections(caller: Reader) -> Response:
    """The collections the caller may read."""
    return answer({"collections": [_described(c) for c in readable(caller)]})


@taxii.get(
    "/api/collections/{collection_id}/", response_class=Response, responses=_RESPONSES,
)  # fmt: skip
def collection(collection_id: str, caller: Reader) -> Response:
    return answer(_described(_readable(caller, collection_id)))


@taxii.get(
    "/api/collections/{collection_id}/objects/", response_class=Response,
    responses=_RESPONSES,
)  # fmt: skip
def objects(
    collection_id: str,
    request: Request,
    caller: Reader,
    opened: Opened,
    asked: Annotated[PageQuery, Depends()],
) -> Response:
    """The collection's objects added after ``added_after``, a page at a time (latest
    versions only: the server keeps no other)."""
    shared, more = _page(request, caller, opened, collection_id, asked, "taxii:objects")
    # The objects as stored, spliced in unparsed: parsing a thousand objects a page only to
    # write them out again cost a millisecond or two, and a garbage collection now and then.
    objects = b",".join(s.body.encode() for s in shared)
    body = orjson.dumps(_paging(shared, more))[:-1] + b',"objects":[' + objects + b"]}"
    return Response(body, media_type=TAXII, headers=_added_headers(shared))


@taxii.get(
    "/api/collections/{collection_id}/manifest/", response_class=Response,
    responses=_RESPONSES,
)  # fmt: skip
def manifest(
    collection_id: str,
    request: Request,
    caller: Reader,
    opened: Opened,
    asked: Annotated[PageQuery, Depends()],
) -> Response:
    """What the collection holds, without the objects: id, date added, version, media type."""
    shared, more = _page(request, caller, opened, collection_id, asked, "taxii:manifest")
    listed = [
        {"id": s.object_id, "date_added": _timestamp(s.date_added), "version": s.version,
         "media_type": STIX}
        for s in shared
    ]  # fmt: skip
    return answer(_paging(shared, more) | {"objects": listed}, _added_headers(shared))


def _page(
    request: Request, caller: Principal, opened: App, collection_id: str, asked: PageQuery,
    action: str,
) -> tuple[list[Shared], bool]:  # fmt: skip
    """One page of the collection, its read audited (what was read, never what it says)."""
    found = _readable(caller, collection_id)
    after = _parsed_time(asked.added_after, "added_after") if asked.added_after else None
    shared, more = read_page(
        opened.store, found, added_after=after, after=_parsed_cursor(asked.next_page),
        limit=asked.limit, types=_listed(asked.types), ids=_listed(asked.ids),
    )  # fmt: skip
    event = AuditEvent(
        caller.key_id, action, f"collection:{found.id}", "pull", opened.now(), caller.role,
        caller.member, (f"count:objects={len(shared)}",),
        getattr(request.state, "request_id", None),
    )  # fmt: skip
    with opened.store.unit_of_work():
        opened.store.append_audit(event)
    return shared, more


def _readable(caller: Principal, collection_id: str) -> Collection:
    for found in readable(caller):
        if found.id == collection_id:
            return found
    raise TaxiiError(404, "No such collection", "or none this credential may read")


def _described(c: Collection) -> dict[str, Any]:
    return {
        "id": c.id, "title": c.title, "description": c.description, "can_read": True,
        "can_write": False, "media_types": [STIX],
    }  # fmt: skip


def _listed(given: str | None) -> list[str]:
    return [part for part in (given or "").split(",") if part]


def _timestamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _added_headers(shared: list[Shared]) -> dict[str, str]:
    if not shared:
        return {}
    return {
        "X-TAXII-Date-Added-First": _timestamp(shared[0].date_added),
        "X-TAXII-Date-Added-Last": _timestamp(shared[-1].date_added),
    }


def _paging(shared: list[Shared], more: bool) -> dict[str, Any]:
    """An envelope's ``more``, and its ``next`` when more follow."""
    return {"more": more} | ({"next": _cursor(shared[-1])} if more else {})


def _cursor(last: Shared) -> str:
    """``next``: where the page ended (time added and seq), opaque to the client."""
    raw = f"{last.date_added.isoformat()}|{last.seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parsed_cursor(given: str | None) -> tuple[datetime, int] | None:
    if not given:
        return None
    try:
        raw = base64.urlsafe_b64decode(given + "=" * (-len(given) % 4)).decode()
        at, _, seq = raw.partition("|")
        return _parsed_time(at, "next"), int(seq)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise TaxiiError(400, "Bad next", "next is not a value this server gave") from None


def _parsed_time(given: str, field: str) -> datetime:
    try:
        at = datetime.fromisoformat(given)
    except ValueError:
        raise TaxiiError(400, f"Bad {field}", f"{field} is not an RFC 3339 timestamp") from None
    if at.tzinfo is None:
        raise TaxiiError(400, f"Bad {field}", f"{field} needs a time zone (Z)")
    return at
