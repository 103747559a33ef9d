"""Checking one STIX object with stix2-validator (the OASIS validator: JSON schemas plus the
spec's MUST rules), answering the field and the reason of its first error.

Why object by object: given a whole bundle the validator returns one result for the bundle,
its errors only prefixed by an object's id (ids need not be unique, and a broken object may
have none), so the place in the file is lost. Its checks do not look across objects
(reference checks are off by default), so validating each object alone finds the same errors,
each with its place. The cost is the validator's either way, since it rebuilds its schema
registry for every object: measured on 10,000 objects, about 28 s object by object against
21 s for one bundle call, and about 37 s for the whole adapter, before that registry was
built once (``_reuse_schema_validators``).

Its SHOULD checks only make warnings, which we do not keep: they are not run. An indicator's
pattern is parsed once for the validator, stix2 and its observables (``stix_patterns``).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import stix2validator.validator as _validator_module
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from stix2validator import ValidationOptions, validate_instance

from fauxhire.ingest.stix_patterns import share_pattern_parses

# "Field: message" and "'field' is a required property", as the validator words its errors.
_FIELD_FIRST = re.compile(r"^([\w.\[\]-]+): (.+)$", re.DOTALL)
_REQUIRED = re.compile(r"^'([^']+)' is a required property")


@functools.cache
def object_checker() -> ObjectChecker:
    """The process's checker: its validators are built on first use and kept."""
    return ObjectChecker()


class ObjectChecker:
    """stix2-validator, one object at a time; answers (field, reason) for the first error."""

    def __init__(self) -> None:
        # SHOULD checks only make warnings, which we do not keep: not run at all.
        self._options = {
            "2.1": ValidationOptions(disabled=["all"]),
            "2.0": ValidationOptions(version="2.0", disabled=["all"]),
        }
        _reuse_schema_validators()
        share_pattern_parses()

    def check(self, obj: Any, version: str) -> tuple[str, str] | None:
        if not isinstance(obj, dict):
            return "", f"a STIX object must be a JSON object, not a {type(obj).__name__}"
        for key in ("type", "id"):
            if not isinstance(obj.get(key), str) or not obj[key]:
                return key, "required field is missing"
        if obj["type"] == "indicator" and obj.get("pattern") == "":
            # The pattern parser fails on "" with an internal error ("cannot access local
            # variable 'c'"), which says nothing to whoever fixes the bundle.
            return "pattern", "the pattern is empty"
        try:
            result = validate_instance(obj, self._options[version])
        except Exception as exc:
            # The validator raises on content it cannot handle (bad schema refs, odd types);
            # that is a verdict on this object, not a reason to stop the bundle.
            return "", f"the STIX validator failed on it: {exc}"
        if result.is_valid:
            return None
        messages = [_strip_prefix(str(err), obj["id"]) for err in result.errors]
        field, reason = _field_of(messages[0])
        if len(messages) > 1:
            reason = f"{reason} (and {len(messages) - 1} more problems)"
        return field, reason


def _reuse_schema_validators() -> None:
    """Make stix2-validator build each schema's validator once, not once per object.

    Its ``load_validator`` makes a new schema registry on every call, and every $ref then
    re-crawls the schemas: three quarters of the validator's time, and most of a large
    bundle's ingest. The validator built here is the one it would build (its own patched
    schema, its retrieval, its validator class), with every schema file of the folder in the
    registry, crawled once. If a later stix2-validator changes these internals the patch is
    not made, and validation is as correct as before, only slower.
    """
    names = ("load_validator", "_PATCHED_SCHEMAS", "patch_schema", "load_schema")
    if _validator_module.load_validator is _cached_load_validator or not all(
        hasattr(_validator_module, name) for name in (*names, "retrieve_from_filesystem")
    ):
        return
    _validator_module.load_validator = _cached_load_validator


def _cached_load_validator(schema_path: str, schema: Any, schema_dir: str) -> Any:
    return _schema_validator(schema_path, schema_dir)


@functools.cache
def _schema_validator(schema_path: str, schema_dir: str) -> Any:
    v = _validator_module
    schema = v._PATCHED_SCHEMAS.get(schema_path)
    if schema is None:
        schema = v._PATCHED_SCHEMAS[schema_path] = v.patch_schema(
            v.load_schema(schema_path), schema_path
        )
    retrieve = functools.partial(v.retrieve_from_filesystem, schema_dir=schema_dir)
    registry = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
        schema_path, DRAFT202012.create_resource(schema)
    )
    for path in sorted(Path(schema_dir).rglob("*.json")):
        uri = str(path)
        if uri != schema_path and "examples" not in path.parts:
            other = v.patch_schema(v.load_schema(uri), uri)
            registry = registry.with_resource(uri, DRAFT202012.create_resource(other))
    return v.STIXValidator(
        schema, registry=registry.crawl(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _strip_prefix(message: str, object_id: str) -> str:
    prefix = f"{object_id}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _field_of(message: str) -> tuple[str, str]:
    if message.startswith("Pattern "):  # the validator's pattern check names no field
        return "pattern", message
    if match := _REQUIRED.match(message):
        return match.group(1), "required field is missing"
    if (match := _FIELD_FIRST.match(message)) and not match.group(1)[0].isdigit():
        return match.group(1), match.group(2)
    return "", message
