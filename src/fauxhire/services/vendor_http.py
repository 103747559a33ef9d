"""One call to an ATS vendor's API, as the write-back makes them (services/writeback.py,
services/harvest.py): a request with its credential, the answer as JSON, and every failure a
``VendorError`` that names the vendor and the status or the kind of failure, never the
request's credentials."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any, Final

import orjson

from fauxhire.errors import VendorError

TIMEOUT: Final = 10.0  # seconds a vendor's API is given to answer


def post_json(
    url: str,
    body: dict[str, Any],
    authorization: str,
    who: str,
    unauthorised: type[Exception] | None = None,
) -> Any:
    """POST ``body`` as JSON with the ``Authorization`` given: the answer (``answer_of``)."""
    request = urllib.request.Request(
        url,
        data=orjson.dumps(body),
        method="POST",
        headers={
            "Authorization": authorization,
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    return answer_of(request, who, unauthorised)


def answer_of(
    request: urllib.request.Request, who: str, unauthorised: type[Exception] | None = None
) -> Any:
    """A vendor's answer to ``request``, as JSON (None if it is not); ``VendorError`` naming
    ``who`` and the status or the kind of failure. With ``unauthorised``, a 401 raises that
    instead, for a caller that tries again with a new credential."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as refused:
        refused.close()  # its answer's socket, which nothing reads
        if refused.code == 401 and unauthorised is not None:
            raise unauthorised from None
        raise VendorError(f"{who} answered {refused.code}", status=refused.code) from None
    except OSError as failed:  # refused, unreachable, timed out: the reason's kind, not its text
        raise VendorError(f"{who} unreachable ({type(failed).__name__})") from None
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None
