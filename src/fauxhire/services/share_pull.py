"""Pulling partners' TAXII 2.1 collections (issue 19, item 4; docs/sharing.md): for each feed,
the objects added since the last pull, through taxii2-client, kept as a STIX bundle file in
the feed's inbox folder and ingested as partner intelligence, as a bundle given to `fauxhire
ingest stix` is (provenance: the file; decay: the indicators' valid_until).

Where the last pull ended is the inbox itself: each file is named by the server's time of its
last object's addition, so the next pull asks for what was added after the latest file's,
and a pull that found nothing writes nothing.

Indicators of a non-applicant cluster are left out before anything is written: the
"Contagious Interview" campaign (fake recruiters whose malware targets developers, who are
its victims, not applicants) and its tools. Some feeds merge it with the IT-worker scheme
under one name (MISP's galaxy lists UNC5267, Wagemole and Famous Chollima as its synonyms);
a cluster that names both is left out too, since its indicators cannot be told apart. Each
left out indicator is logged with the reason.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from fauxhire.errors import ConfigError, VendorError
from fauxhire.services.oidc import check_url

log = logging.getLogger(__name__)
PAGE: Final = 1000
# Names (and aliases) of clusters whose indicators are never applicant evidence, lower case.
NON_APPLICANT: Final = (
    "contagious interview", "dev#popper", "devpopper", "deceptivedevelopment",
    "beavertail", "invisibleferret", "ottercookie",
)  # fmt: skip
_CLUSTERS: Final = ("intrusion-set", "threat-actor", "campaign", "malware", "tool")


@dataclass(frozen=True, slots=True)
class Pulled:
    feed: str
    objects: int
    left_out: int  # indicators of a non-applicant cluster
    file: Path | None  # the bundle written, None when there was nothing new
    added_last: str | None


@dataclass(frozen=True, slots=True)
class Feed:
    """A partner's collection (the setting share_feeds): its name, its URL, and the
    environment variable that holds the token (the token is read when pulling, never kept)."""

    name: str
    url: str
    token_env: str


def pull_feed(feed: Feed, token: str | None, inbox: Path) -> Pulled:
    """What the feed's collection added since the last pull, written to the inbox, read with
    ``token`` (the value of the feed's ``token_env``)."""
    from taxii2client.v21 import Collection, as_pages

    check_url(feed.url)
    if not token:
        raise ConfigError(
            f"feed {feed.name}: the environment variable {feed.token_env} holds no token",
            feed=feed.name,
        )
    folder = inbox / feed.name
    since = _last_pulled(folder)
    collection = Collection(feed.url, auth=_Bearer(token))
    query = {"added_after": since} if since else {}
    try:
        objects = [o for page in as_pages(collection.get_objects, PAGE, **query)
                   for o in page.get("objects", [])]  # fmt: skip
        added_last = _added_last(collection, objects)
    except Exception as exc:  # requests' and taxii2-client's own errors: no token in them
        raise VendorError(f"feed {feed.name} could not be read ({type(exc).__name__})",
                          feed=feed.name) from None  # fmt: skip
    if not objects or added_last is None:
        return Pulled(feed.name, 0, 0, None, since)
    kept, left_out = kept_for_evidence(objects, feed.name)
    file = _write(folder, added_last, kept)
    return Pulled(feed.name, len(kept), left_out, file, added_last)


def kept_for_evidence(objects: list[dict[str, Any]], feed: str) -> tuple[list[dict[str, Any]], int]:
    """The objects without the indicators of a non-applicant cluster, and how many went."""
    excluded = {o["id"]: _cluster_name(o) for o in objects if _non_applicant(o)}
    pointing = {
        o["source_ref"]: excluded[o["target_ref"]]
        for o in objects
        if o.get("type") == "relationship" and o.get("target_ref") in excluded
        and str(o.get("source_ref", "")).startswith("indicator--")
    }  # fmt: skip
    kept = []
    for o in objects:
        cluster = pointing.get(o.get("id", ""))
        if cluster is None:
            kept.append(o)
            continue
        log.warning("feed %s: indicator %s left out: it indicates %r, a cluster that is not "
                    "applicants (docs/sharing.md)", feed, o["id"], cluster)  # fmt: skip
    return kept, len(objects) - len(kept)


def _non_applicant(obj: dict[str, Any]) -> bool:
    if obj.get("type") not in _CLUSTERS:
        return False
    names = [obj.get("name", ""), *obj.get("aliases", []), *obj.get("x_mitre_aliases", [])]
    return any(n in str(name).lower() for name in names for n in NON_APPLICANT)


def _cluster_name(obj: dict[str, Any]) -> str:
    return str(obj.get("name", obj.get("id")))


def _added_last(collection: Any, objects: list[dict[str, Any]]) -> str | None:
    """The server's time of adding the last object: its manifest entry (the objects do not
    carry it, and taxii2-client gives no response headers)."""
    if not objects:
        return None
    listed = collection.get_manifest(id=objects[-1]["id"]).get("objects", [])
    found = [entry["date_added"] for entry in listed if entry.get("id") == objects[-1]["id"]]
    return max(found) if found else None


def _last_pulled(folder: Path) -> str | None:
    """The time the newest file of the feed's inbox was pulled up to."""
    stems = sorted(_decoded(p.name) for p in folder.glob("*.stix.json")) if folder.is_dir() else []
    return stems[-1] if stems else None


def _write(folder: Path, added_last: str, objects: Iterable[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{added_last.replace(':', '-')}.stix.json"
    bundle = {"type": "bundle", "id": f"bundle--{_uuid_of(added_last, folder.name)}",
              "objects": list(objects)}  # fmt: skip
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(bundle), encoding="utf-8")
    partial.replace(path)  # whole or not at all: a pull killed while writing leaves no file
    return path


def _decoded(name: str) -> str:
    """A file name back to the time it holds: 2026-12-06T14-20-00.123456Z, as the server said."""
    stem = name.removesuffix(".stix.json")
    day, _, clock = stem.partition("T")
    return f"{day}T{clock.replace('-', ':')}"


def _uuid_of(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(parts)))


class _Bearer:
    """The partner's token, as requests' auth: sent in the header, never in the URL."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_Bearer(***)"
