"""STIX 2.1 bundles from partners and feeds (docs/formats.md section 10).

Each object of the bundle is checked on its own, first by ``stix2-validator``
(``stix_validation``; its SHOULD findings are only warnings) and then parsed by ``stix2``
with custom content allowed, so a new SCO defined by an extension-definition (our
``hashed-identifier``) goes through. An object that fails either is quarantined at
``/objects/N``; the rest of the bundle goes in.

The bundle is read as a stream of JSON events (ijson), so memory does not grow with its size,
and cut into parts of consecutive objects, which a large bundle's ingest checks in worker
processes (``iter_parts``, ``parse_part``).

Indicators become ``StixIndicator`` records carrying the ``(object path, value)`` pairs their
pattern compares for equality, and their TLP level; every other object (markings, identities,
sightings, relationships, SCOs, ...) is kept whole as an ``IntelObject``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import ijson
import orjson
import stix2
from stix2patterns.inspector import INDEX_STAR
from stix2patterns.v20.pattern import Pattern as Pattern20
from stix2patterns.v21.pattern import Pattern as Pattern21

from fauxhire.domain import IntelObject, Provenance, StixIndicator
from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest.base import IngestContext, Item, Quarantined, SourceFile
from fauxhire.ingest.reading import excerpt, oversized, read_bytes
from fauxhire.ingest.sniff import describe, detect
from fauxhire.ingest.stix_patterns import parsed_pattern
from fauxhire.ingest.stix_validation import object_checker

SOURCE_SYSTEM = "stix"
WHOLE_FILE_BYTES = 64 << 20  # a broken file up to this size is read whole to say where
PART_OBJECTS = 500  # objects a part: a few hundred milliseconds of work, under a megabyte
EXPECT = 'a STIX 2.1 bundle ({"type": "bundle", "objects": [...]}, docs/formats.md section 10)'

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
# The marking ids fixed by the TLP 2.0 extension and by STIX 2.1 (TLP 1.0); a bundle may use
# them without including the marking-definition. TLP 1.0 WHITE is TLP 2.0 CLEAR.
WELL_KNOWN_TLP = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}
TLP_ORDER = ("clear", "green", "amber", "amber+strict", "red")  # least to most restrictive
_TLP1_NAMES = {"white": "clear"}

_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|[^\s,()]+")
_PLAIN_STEP = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # the grammar quotes anything else
_PATTERN = {"2.0": Pattern20, "2.1": Pattern21}


@dataclass(frozen=True, slots=True)
class Bundle:
    """What checking any one object needs to know of the whole bundle."""

    version: str | None  # the bundle's spec_version: only STIX 2.0 bundles carry one
    tlp: dict[str, str]  # marking-definition id -> TLP level


@dataclass(frozen=True, slots=True)
class Part:
    """Consecutive objects of a bundle, checked apart from the rest (in a worker process,
    when the bundle is large): each object is checked on its own, so where the bundle is cut
    changes nothing of what comes out."""

    source: SourceFile
    bundle: Bundle
    first: int  # the index of its first object among the bundle's objects
    objects: list[Any]


def iter_records(source: SourceFile, context: IngestContext) -> Iterator[Item]:
    """The bundle's records and quarantined objects, in file order."""
    for part in iter_parts(source, context):
        yield from parse_part(part, context)


def iter_parts(
    source: SourceFile, context: IngestContext, size: int = PART_OBJECTS
) -> Iterator[Part]:
    """The bundle's objects, streamed, ``size`` a part: a partner's bundle of 100,000 objects
    took 4.6 GB loaded whole. A first pass checks the whole file is JSON and finds the TLP
    markings (an indicator may come before its marking); the second reads the objects."""
    version, markings = _scan_bundle(source)
    bundle = Bundle(version, tlp_levels(markings))
    objects = _objects(source)
    first = 0
    while chunk := list(itertools.islice(objects, size)):
        yield Part(source, bundle, first, chunk)
        first += len(chunk)


def parse_part(part: Part, context: IngestContext) -> Iterator[Item]:
    """Each object of the part checked, as a record or a quarantined item."""
    source, bundle = part.source, part.bundle
    checker = object_checker()
    for index, obj in enumerate(part.objects, start=part.first):
        location = f"/objects/{index}"
        if bad := oversized(obj, context.max_field_bytes, source, location):
            yield bad
            continue
        version = "2.0" if bundle.version == "2.0" or _is_stix20(obj) else "2.1"
        problem = checker.check(obj, version)
        parsed: Any = None
        if problem is None:
            try:
                parsed = stix2.parse(obj, allow_custom=True, version=version)
            except Exception as exc:
                # stix2 raises its own errors, but also ValueError/TypeError from deep
                # inside; any of them only means this one object is unusable.
                problem = ("", f"stix2 cannot parse it: {exc}")
        if problem is not None:
            field, reason = problem
            raw = orjson.dumps(obj).decode("utf-8", "replace") if obj is not None else "null"
            yield Quarantined(source.display, location, field, reason, "invalid_stix", excerpt(raw))
            continue
        provenance = Provenance(SOURCE_SYSTEM, source.display, location, source.company_id)
        if obj["type"] == "indicator":
            yield to_indicator(obj, parsed, version, bundle.tlp, provenance)
        else:
            yield IntelObject(obj["id"], obj["type"], obj, provenance)


def _objects(source: SourceFile) -> Iterator[Any]:
    with source.path.open("rb") as fh:
        yield from ijson.items(fh, "objects.item", use_float=True)


def _scan_bundle(source: SourceFile) -> tuple[str | None, list[Any]]:
    """The bundle's spec_version (only STIX 2.0 bundles carry one) and its marking
    definitions, reading the file as a stream of JSON events. A file that is not a bundle is
    loaded whole to say what it is instead (``load_bundle``); invalid JSON refuses the file
    before anything of it is stored."""
    head: dict[str, Any] = {}
    markings: list[Any] = []
    read_bytes_head(source)
    try:
        with source.path.open("rb") as fh:
            events = ijson.parse(fh, use_float=True)
            for prefix, event, value in events:
                if prefix == "" and event == "start_array":
                    break  # a list of objects, not a bundle: load_bundle says so
                if prefix in ("type", "spec_version") and event == "string":
                    head[prefix] = value
                elif prefix == "objects" and event not in ("start_array", "end_array"):
                    head["objects"] = event  # not a list: load_bundle says so
                elif prefix == "objects.item" and event == "start_map":
                    obj = _build(events, prefix)
                    if obj.get("type") == "marking-definition":
                        markings.append(obj)
    except ijson.JSONError as exc:
        # The stream parser does not say where; orjson does, reading the file whole, which
        # is only worth it for a file of ordinary size.
        if source.path.stat().st_size <= WHOLE_FILE_BYTES:
            load_bundle(source)
        reason = " ".join(str(exc).split())
        raise IngestError(
            f"invalid or truncated JSON: {reason}", source=source.display, code="invalid_json"
        ) from exc
    if head.get("type") != "bundle" or "objects" in head:
        load_bundle(source)  # raises, naming what the file is
    return head.get("spec_version"), markings


def _build(events: Iterator[tuple[str, str, Any]], prefix: str) -> dict[str, Any]:
    """The object whose start_map event was just read, built from the events that follow."""
    builder = ijson.ObjectBuilder()
    builder.event("start_map", None)
    depth = 1
    for _, event, item in events:
        builder.event(event, item)
        if event in ("start_map", "start_array"):
            depth += 1
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    built: dict[str, Any] = builder.value
    return built


def read_bytes_head(source: SourceFile) -> None:
    """An unreadable or empty file fails here with its own message, reading little."""
    with source.path.open("rb") as fh:
        if not fh.read(1 << 16).strip() and not fh.read(1).strip():
            read_bytes(source)  # raises empty_file (or finds late data, read whole)


def load_bundle(source: SourceFile) -> dict[str, Any]:
    """The bundle as a dict, or WrongFormatError saying what the file is instead."""
    data = read_bytes(source)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise IngestError(
            f"invalid or truncated JSON: {exc}",
            source=source.display,
            location=f"line {exc.lineno} col {exc.colno}",
            code="invalid_json",
        ) from exc
    if isinstance(doc, dict) and doc.get("type") == "bundle":
        if not isinstance(doc.get("objects", []), list):
            raise WrongFormatError(
                f"expected {EXPECT}, but its objects are not a list",
                source=source.display,
                field="objects",
            )
        return doc
    first = doc[0] if isinstance(doc, list) and doc else doc
    found = detect(first)
    if found == "stix":
        looks = "STIX objects outside a bundle"
    elif found is not None:
        looks = describe(found)
    else:
        looks = f"a JSON {type(doc).__name__} that is not a bundle"
    raise WrongFormatError(f"expected {EXPECT}, but this looks like {looks}", source=source.display)


def _is_stix20(obj: Any) -> bool:
    """An SDO without spec_version is STIX 2.0 content, as the validator reads it in a bundle."""
    return isinstance(obj, dict) and "spec_version" not in obj and "created" in obj


def tlp_levels(objects: list[Any]) -> dict[str, str]:
    """Marking-definition id to TLP level, from the bundle and the well-known ids."""
    levels: dict[str, str] = {}
    for obj in objects:
        is_marking = isinstance(obj, dict) and obj.get("type") == "marking-definition"
        if is_marking and isinstance(obj.get("id"), str) and (level := _tlp_of(obj)):
            levels[obj["id"]] = level
    levels.update(WELL_KNOWN_TLP)  # a bundle cannot redefine the standard markings
    return levels


def _tlp_of(marking: dict[str, Any]) -> str | None:
    extensions = marking.get("extensions")
    ext = extensions.get(TLP2_EXTENSION) if isinstance(extensions, dict) else None
    if isinstance(ext, dict) and isinstance(ext.get("tlp_2_0"), str):
        return str(ext["tlp_2_0"]).strip().lower()
    definition = marking.get("definition")
    if marking.get("definition_type") == "tlp" and isinstance(definition, dict):
        level = str(definition.get("tlp") or "").strip().lower()
        return _TLP1_NAMES.get(level, level) or None
    return None


def object_tlp(obj: dict[str, Any], levels: dict[str, str]) -> str | None:
    """The most restrictive TLP among the object's markings."""
    found = [levels[ref] for ref in obj.get("object_marking_refs") or () if ref in levels]
    known = [level for level in found if level in TLP_ORDER]
    if known:
        return max(known, key=TLP_ORDER.index)
    return found[0] if found else None


def to_indicator(
    obj: dict[str, Any], parsed: Any, version: str, tlp: dict[str, str], provenance: Provenance
) -> StixIndicator:
    pattern_type = obj.get("pattern_type") or "stix"  # STIX 2.0 indicators have no pattern_type
    return StixIndicator(
        stix_id=obj["id"],
        name=obj.get("name"),
        pattern=obj["pattern"],
        pattern_type=pattern_type,
        indicator_types=tuple(obj.get("indicator_types") or obj.get("labels") or ()),
        valid_from=_utc(parsed["valid_from"]),
        valid_until=_utc(parsed["valid_until"]) if "valid_until" in parsed else None,
        confidence=obj.get("confidence"),
        created_by=obj.get("created_by_ref"),
        tlp=object_tlp(obj, tlp),
        observables=observables(obj["pattern"], version) if pattern_type == "stix" else (),
        description=obj.get("description"),
        provenance=provenance,
        raw=obj,
    )


def _utc(value: datetime) -> datetime:
    """stix2's timestamps are a datetime subclass; store plain UTC datetimes."""
    value = value.astimezone(UTC)
    return datetime.combine(value.date(), value.time(), tzinfo=UTC)


def observables(pattern: str, version: str = "2.1") -> tuple[tuple[str, str], ...]:
    """The (object path, value) pairs a STIX pattern tests with ``=`` or ``IN``.

    ``[ipv4-addr:value = '198.51.100.23'] OR [autonomous-system:number = 64500]`` gives
    ``("ipv4-addr:value", "198.51.100.23"), ("autonomous-system:number", "64500")``. Negated,
    ordering and MATCHES/LIKE comparisons name no value and are left out.
    """
    found = parsed_pattern(pattern, version)
    inspection = found.inspection if found else _PATTERN[version](pattern).inspect()  # raises
    out: dict[tuple[str, str], None] = {}
    for object_type, comparisons in inspection.comparisons.items():
        for path, operator, literal in comparisons:
            if operator not in ("=", "IN"):
                continue
            key = f"{object_type}:{_path_text(path)}"
            body = literal[1:-1] if operator == "IN" else literal
            texts = _LITERAL.findall(body) if operator == "IN" else [literal]
            for text in texts:
                out[(key, _unquote(text))] = None
    return tuple(out)


def _path_text(path: list[Any]) -> str:
    text = ""
    for step in path:
        if step is INDEX_STAR:
            text += "[*]"
        elif isinstance(step, int):
            text += f"[{step}]"
        else:
            name = step if _PLAIN_STEP.fullmatch(step) else f"'{step}'"
            text += f".{name}" if text else name
    return text


def _unquote(literal: str) -> str:
    if len(literal) >= 2 and literal[0] == literal[-1] == "'":
        return literal[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    return literal
