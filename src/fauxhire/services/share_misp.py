"""The export as a MISP event (issue 19, item 7; docs/sharing.md): the STIX 2.1 bundle of
services/share_export.py, converted by MISP's own converter (misp-stix, the optional extra
``misp``), then given what MISP can hold and the converter cannot place.

What misp-stix makes of the bundle: each indicator a ``stix2-pattern`` object whose pattern
keeps the keyed hash, its kind and its key id (``to_ids`` set, so a MISP that holds the key
can match it); each persona a cluster of the custom galaxy ``stix-2.1-threat-actor``, on its
indicators; each network a cluster of ``stix-2.1-intrusion-set``; the TLP of each object as
its ``tlp:`` tag. It cannot load the ``hashed-identifier`` objects (their values are in the
patterns already), and it drops a sighting or an opinion of a threat actor: those are given
to the persona's cluster as meta here (applications, interviews, member companies, the
analyst's finding), and the bundle's TLP tags the whole event.

Personas and networks stay in clusters of their own, named by the hub's ids. They are never
tagged with MISP's threat-actor galaxy, whose "Famous Chollima", "UNC5267" and "Wagemole" are
synonyms of the Contagious Interview malware campaign: an event tagged so would merge two
different schemes in every MISP that receives it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from fauxhire.errors import ConfigError

log = logging.getLogger(__name__)

# Objects the converter cannot load (it logs an error for each) or cannot place on a galaxy
# cluster (it drops them): their content is carried another way (the module's docstring).
_NOT_CONVERTED: Final = frozenset({"hashed-identifier", "extension-definition", "sighting",
                                   "opinion"})  # fmt: skip
# Each indicator over a keyed hash: the converter keeps its pattern whole, and says so.
_EXPECTED_WARNING: Final = "Unable to map pattern from the Indicator"
INSTALL_HINT: Final = "pip install 'fauxhire[misp]'"


@dataclass(frozen=True, slots=True)
class MispEvent:
    event: dict[str, Any]  # {"Event": {...}}: MISP's JSON import and /events/add read it
    converter_errors: tuple[str, ...]  # what misp-stix could not convert (none expected)


def available() -> bool:
    try:
        import misp_stix_converter  # noqa: F401
    except ImportError:
        return False
    return True


def misp_event(bundle: Mapping[str, Any], *, title: str | None = None) -> MispEvent:
    """The bundle as one MISP event, titled ``title`` (by default ``misp_title``'s). Raises
    ConfigError without misp-stix."""
    try:
        from misp_stix_converter import ExternalSTIX2toMISPParser
        from misp_stix_converter.tools.stix2_loading_helpers import load_stix2_content
    except ImportError as missing:
        raise ConfigError(
            f"the MISP format needs misp-stix, the optional extra `misp`: {INSTALL_HINT}"
        ) from missing
    objects = bundle["objects"]
    producer = next(o for o in objects if o["type"] == "identity")
    kept = [o for o in objects if o["type"] not in _NOT_CONVERTED]
    parser = ExternalSTIX2toMISPParser()
    parser.load_stix_bundle(load_stix2_content({**bundle, "objects": kept}))
    parser.parse_stix_bundle(
        single_event=True, title=title or misp_title(bundle), producer=producer["name"],
        organisation_uuid=producer["id"].split("--", 1)[1],
        distribution=0, cluster_distribution=0,  # this organisation only, until MISP shares it
        cluster_sharing_group_id=None, sharing_group_id=None,
        force_contextual_data=False, galaxies_as_tags=False,
    )  # fmt: skip
    event = json.loads(parser.misp_event.to_json())
    _add_event_tlp(event, objects)
    _add_persona_meta(event, objects)
    errors = tuple(_converter_notes(parser))
    for error in errors:
        log.warning("misp-stix: %s", error)
    return MispEvent({"Event": event}, errors)


def misp_title(bundle: Mapping[str, Any]) -> str:
    """The event's title: who, how many personas, and that it is for review."""
    objects = bundle["objects"]
    producer = next(o["name"] for o in objects if o["type"] == "identity")
    personas = sum(1 for o in objects if o["type"] == "threat-actor")
    made = max((o.get("modified", "") for o in objects), default="")[:10]
    return (
        f"{producer}: {personas} applicant personas linked to scheme infrastructure "
        f"({made}; recommendations for human review)"
    )


def _converter_notes(parser: Any) -> Iterator[str]:
    for notes in parser.errors.values():
        yield from notes
    for notes in parser.warnings.values():
        yield from (note for note in notes if not note.startswith(_EXPECTED_WARNING))


def _add_event_tlp(event: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    """The bundle's TLP on the event itself, which MISP's sharing and its filters read."""
    tags = event.setdefault("Tag", [])
    for marking in objects:
        if marking["type"] == "marking-definition" and marking.get("name", "").startswith("TLP:"):
            tag = "tlp:" + marking["name"].removeprefix("TLP:").lower()
            if all(t["name"] != tag for t in tags):
                tags.append({"name": tag})


def _add_persona_meta(event: dict[str, Any], objects: list[dict[str, Any]]) -> None:
    """Each persona cluster's sighting counts and analyst finding, as cluster meta."""
    names = {o["id"]: o["name"] for o in objects if o["type"] == "threat-actor"}
    meta: dict[str, dict[str, str]] = {name: {} for name in names.values()}
    for o in objects:
        if o["type"] == "sighting" and o["sighting_of_ref"] in names:
            meta[names[o["sighting_of_ref"]]].update({
                "applications": str(o["count"]),
                "interviews": str(o.get("x_fauxhire_interviews", "")),
                "member-companies": str(o.get("x_fauxhire_companies", "")),
            })  # fmt: skip
        elif o["type"] == "opinion" and o["opinion"] == "strongly-agree":
            for ref in o["object_refs"]:
                if ref in names:
                    meta[names[ref]]["analyst-finding"] = f"confirmed {o['created'][:10]}"
    for cluster in _clusters(event):
        for key, value in meta.get(cluster["value"], {}).items():
            if value and key not in cluster.setdefault("meta", {}):
                cluster["meta"][key] = value
                cluster.setdefault("GalaxyElement", []).append({"key": key, "value": value})


def _clusters(node: Any) -> Iterator[dict[str, Any]]:
    """Every galaxy cluster of the event, on it or on its attributes and objects."""
    if isinstance(node, dict):
        yield from node.get("GalaxyCluster", ())
        for key, value in node.items():
            if key != "GalaxyCluster":
                yield from _clusters(value)
    elif isinstance(node, list):
        for item in node:
            yield from _clusters(item)
