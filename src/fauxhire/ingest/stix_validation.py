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

Its JSON-schema checks were then half of a bundle's CPU (profiled: python-jsonschema makes a
new validator for each of the 70-odd subschemas an object meets). So each schema also gets a
validator compiled by jsonschema-rs, a Rust implementation of the same draft, over the same
schema files, with python-jsonschema's own format checks plugged in (``_CompiledFirst``): an
object it accepts has no schema errors; any other object is python-jsonschema's to judge, as
before, so each message is the one it always was. That holds only if Rust never accepts what
Python refuses: both implement draft 2020-12 and are checked against its official test
suite, and where their regexes differ Rust must match less, or the schema is not compiled
(``_narrower_in_rust``). The tests hold the two to the same verdicts on thousands of mutated
objects. Side by side on the 100,000 objects of bench/stix's bundle, on a busy machine, Rust
took 1.6 s and python-jsonschema 205 s.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dateutil.parser
import jsonschema_rs
import stix2validator.validator as _validator_module
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from stix2validator import ValidationOptions, validate_instance
from stix2validator.v20 import musts as _musts20
from stix2validator.v21 import musts as _musts21

from fauxhire.ingest.stix_patterns import share_pattern_parses

# "Field: message" and "'field' is a required property", as the validator words its errors.
_FIELD_FIRST = re.compile(r"^([\w.\[\]-]+): (.+)$", re.DOTALL)
_REQUIRED = re.compile(r"^'([^']+)' is a required property")
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


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
        _remember_timestamps()
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
    _validator_module.load_schema = _schema_read_once


# stix2-validator's own, before _reuse_schema_validators replaced it
_LOAD_SCHEMA: Any = getattr(_validator_module, "load_schema", None)


@functools.cache
def _schema_read_once(schema_path: str) -> Any:
    """stix2-validator reads an object's schema file again for every object (a tenth of the
    check, once the rest was made fast), only to hand it to ``load_validator``, which now
    builds from its own copy and does not look at it. The library writes into the copy it
    read for observed-data and bundles: the same values each time, read by nobody."""
    assert _LOAD_SCHEMA is not None  # _reuse_schema_validators replaces none without it
    return _LOAD_SCHEMA(schema_path)


class _KnownTimestamps:
    """dateutil's parser as stix2-validator's MUST checks call it, ``parser.parse(text)``:
    a text parsed before is answered from memory (a raising one is parsed again)."""

    parse = staticmethod(functools.lru_cache(maxsize=4096)(dateutil.parser.parse))


def _remember_timestamps() -> None:
    """The timestamp check parses each of an object's timestamps with dateutil, only to see
    that it parses: a fifth of the validator's time once the schemas were compiled, while an
    object's timestamps are mostly one (created, modified, valid_from, first_seen, ...), and
    a feed's objects share many. Each distinct text is parsed once."""
    for musts in (_musts20, _musts21):
        if getattr(musts, "parser", None) is dateutil.parser:
            musts.parser = _KnownTimestamps


def _cached_load_validator(schema_path: str, schema: Any, schema_dir: str) -> Any:
    return _schema_validator(schema_path, schema_dir)


@functools.cache
def _schema_validator(schema_path: str, schema_dir: str) -> Any:
    v = _validator_module
    schema = v._PATCHED_SCHEMAS.get(schema_path)
    if schema is None:
        schema = v._PATCHED_SCHEMAS[schema_path] = v.patch_schema(
            _LOAD_SCHEMA(schema_path), schema_path
        )
    retrieve = functools.partial(v.retrieve_from_filesystem, schema_dir=schema_dir)
    registry = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
        schema_path, DRAFT202012.create_resource(schema)
    )
    for path in sorted(Path(schema_dir).rglob("*.json")):
        uri = str(path)
        if uri != schema_path and "examples" not in path.parts:
            other = v.patch_schema(_LOAD_SCHEMA(uri), uri)
            registry = registry.with_resource(uri, DRAFT202012.create_resource(other))
    checker = v.STIXValidator(
        schema, registry=registry.crawl(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    compiled = _compiled(schema, schema_dir)
    return checker if compiled is None else _CompiledFirst(compiled, checker)


class _CompiledFirst:
    """A schema's validator for stix2-validator, which asks it only ``iter_errors``: an object
    the compiled validator accepts has no errors; any other is python-jsonschema's to judge,
    so every message is the one it always was."""

    def __init__(self, compiled: jsonschema_rs.Validator, checker: Any) -> None:
        self._compiled = compiled
        self._checker = checker

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        try:
            if self._compiled.is_valid(instance):
                return iter(())
        except Exception:
            # A value Rust cannot take (a lone surrogate, an integer past 64 bits): not
            # accepted here, so python-jsonschema judges it.
            pass
        return iter(self._checker.iter_errors(instance))


def _compiled(schema: dict[str, Any], schema_dir: str) -> jsonschema_rs.Validator | None:
    """The schema compiled by jsonschema-rs, or None where its verdict could differ."""
    registry = _compiled_registry(schema_dir)
    portable = _portable(schema)
    if registry is None or portable is None:
        return None
    # python-jsonschema's own format checks, so that a format means what it means there; a
    # format only Rust knows is checked by Rust, which can only refuse more.
    checks = Draft202012Validator.FORMAT_CHECKER
    try:
        return jsonschema_rs.validator_for(
            portable,
            registry=registry,
            validate_formats=True,
            formats={name: _python_format(name) for name in checks.checkers},
            offline=True,  # every schema is in the registry: nothing is fetched
        )
    except Exception:  # a schema Rust cannot compile (a regex of another dialect): not used
        return None


def _python_format(name: str) -> Callable[[str], bool]:
    checks = Draft202012Validator.FORMAT_CHECKER

    def conforms(value: str) -> bool:
        return bool(checks.conforms(value, name))

    return conforms


@functools.cache
def _compiled_registry(schema_dir: str) -> jsonschema_rs.Registry | None:
    """Every schema file of the folder, as _schema_validator registers them, or None when
    any of them could be judged differently by jsonschema-rs (``_portable``)."""
    if jsonschema_rs.is_valid({"pattern": "^\\d$"}, "\u0663"):
        return None  # Rust's \d takes other digits than ASCII: its Unicode may not be ours
    v = _validator_module
    resources = []
    for path in sorted(Path(schema_dir).rglob("*.json")):
        if "examples" not in path.parts:
            schema = _portable(v.patch_schema(_LOAD_SCHEMA(str(path)), str(path)))
            if schema is None:
                return None
            resources.append((schema.get("$id") or path.as_uri(), schema))
    try:
        return jsonschema_rs.Registry(resources, draft=jsonschema_rs.Draft202012)
    except Exception:
        return None


def _portable(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The schema as jsonschema-rs must read it to judge as python-jsonschema does, or None.

    python-jsonschema reads these schemas as draft 2020-12 (the validator's class, and the
    ``$schema`` of each file), so the copy names that draft in one spelling. Its regexes are
    Python's, and Rust must never match what Python does not (``_narrower_in_rust``).
    """
    declared = str(schema.get("$schema", DRAFT_2020_12)).rstrip("#")
    if declared != DRAFT_2020_12 or not all(map(_narrower_in_rust, _regexes(schema))):
        return None
    return {**schema, "$schema": DRAFT_2020_12}


def _narrower_in_rust(regex: str) -> bool:
    """Whether Rust's reading of the regex matches no text Python's does not.

    The syntax of these schemas' regexes means the same in both but for the escapes that name
    a class of characters: Rust's ``\\d`` is ASCII, Python's any Unicode digit, so a ``\\d``
    matches less in Rust, unless it stands in a negated class (``[^\\d]``); ``\\s``, ``\\w``
    and the rest each take some characters the other does not, and are not let through.
    (Python's ``$`` also matches before a final newline, Rust's does not: Rust matches less.)
    """
    negated: bool | None = None  # in a character class: whether it is negated
    i = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex):
            escaped = regex[i + 1]
            if escaped.isalpha() and (escaped != "d" or negated):
                return False
            i += 2
            continue
        if negated is None and char == "[":
            negated = regex.startswith("^", i + 1)
            i += 2 if negated else 1
            if regex.startswith("]", i):  # a "]" first in a class is the character itself
                i += 1
            continue
        if negated is not None and char == "]":
            negated = None
        i += 1
    return True


def _regexes(node: Any) -> Iterator[str]:
    """The ``pattern`` values and ``patternProperties`` names anywhere in a schema."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            elif key == "patternProperties" and isinstance(value, dict):
                yield from value
            yield from _regexes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _regexes(item)


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
