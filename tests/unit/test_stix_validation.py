"""stix2-validator made fast (jsonschema-rs accepting first, each schema file read once,
each timestamp parsed once) says of every object what it said before: the same verdict and the
same messages, on thousands of mutations of the sample bundle's objects (wrong types, bad
formats, odd characters, missing and extra properties); and the regexes Rust may read are only
those it cannot read more loosely."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import stix2validator.validator as validator_module
from stix2validator import ValidationOptions, validate_instance

from fauxhire.ingest import stix_validation
from fauxhire.ingest.stix_validation import _CompiledFirst, _narrower_in_rust, _portable

SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "stix21_bundle_it_worker_network.json"
OPTIONS = ValidationOptions(disabled=["all"])
REPLACEMENTS: list[Any] = [
    None, True, 0, -1, 101, 1.5, 2**70, "", "x", "\x1c", "\u0663", "\ud800", [], ["x"], {"a": 1},
]  # fmt: skip
ADDITIONS: dict[str, Any] = {
    "x_custom": "kept",
    "BadKey": 1,
    "ab": 1,
    "note_bin": "not base64!",
    "note_hex": "zz",
    "severity": "high",  # a property the core schema forbids
    "extensions": {"bad": {}},
    "granular_markings": [{"selectors": ["name"]}],
    "external_references": [{"source_name": "cve", "external_id": "CVE-2024-\u0663\u0663\u0663"}],
}


def _string_variants(text: str) -> list[str]:
    arabic = text.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    return [text + "\n", "-" + text, text[:-1], text.upper(), arabic, text + "\x1f"]


def _paths(node: Any, path: tuple[Any, ...] = (), depth: int = 3) -> Iterator[tuple[Any, ...]]:
    if depth == 0:
        return
    keys = node.keys() if isinstance(node, dict) else range(len(node))
    for key in keys:
        value = node[key]
        yield (*path, key)
        if isinstance(value, dict | list):
            yield from _paths(value, (*path, key), depth - 1)


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(obj)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _delete(obj: Any, path: tuple[Any, ...]) -> Any:
    out = copy.deepcopy(obj)
    node = out
    for key in path[:-1]:
        node = node[key]
    if isinstance(node, dict):
        del node[path[-1]]
    else:
        node.pop(path[-1])
    return out


def mutants() -> list[dict[str, Any]]:
    objects = orjson.loads(SAMPLE.read_bytes())["objects"]
    out = list(objects)
    for obj in objects:
        for path in _paths(obj):
            current = _get(obj, path)
            news = REPLACEMENTS + (_string_variants(current) if isinstance(current, str) else [])
            out += [_set(obj, path, new) for new in news if new != current]
            out.append(_delete(obj, path))
        out += [{**obj, key: value} for key, value in ADDITIONS.items()]
    return [m for m in out if isinstance(m.get("id"), str) and isinstance(m.get("type"), str)]


def _get(obj: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        obj = obj[key]
    return obj


def verdicts(objects: list[dict[str, Any]]) -> list[tuple[bool, list[str]] | str]:
    out: list[tuple[bool, list[str]] | str] = []
    for obj in objects:
        try:
            result = validate_instance(obj, OPTIONS)
        except Exception as exc:
            out.append(f"{type(exc).__name__}: {exc}")
            continue
        out.append((result.is_valid, [str(e) for e in result.errors]))
    return out


@pytest.fixture
def python_alone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """stix2-validator's schemas judged by python-jsonschema alone, each object's schema file
    read from disk each time, as before (each schema's validator still built once)."""
    stix_validation.object_checker()  # the validator's schema validators are ours
    monkeypatch.setattr(stix_validation, "_compiled", lambda schema, schema_dir: None)
    monkeypatch.setattr(validator_module, "load_schema", stix_validation._LOAD_SCHEMA)
    stix_validation._schema_validator.cache_clear()
    yield
    stix_validation._schema_validator.cache_clear()


def test_the_fast_paths_judge_as_the_library_does(
    python_alone: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects = mutants()
    expected = verdicts(objects)
    monkeypatch.undo()
    stix_validation._schema_validator.cache_clear()
    assert validator_module.load_schema is stix_validation._schema_read_once

    accepted = []  # Rust's verdict, each time stix2-validator asked a schema
    iter_errors = _CompiledFirst.iter_errors

    def counted(self: _CompiledFirst, instance: Any) -> Any:
        try:
            accepted.append(bool(self._compiled.is_valid(instance)))
        except Exception:
            accepted.append(False)
        return iter_errors(self, instance)

    monkeypatch.setattr(_CompiledFirst, "iter_errors", counted)
    assert verdicts(objects) == expected
    valid = sum(1 for v in expected if isinstance(v, tuple) and v[0])
    assert len(objects) > 2000
    assert 0.1 * len(objects) < valid < 0.9 * len(objects)  # both kinds, many of each
    assert sum(accepted) > 0.8 * valid  # and Rust decided for most of the valid ones


@pytest.mark.parametrize(
    ("regex", "narrower"),
    [
        (r"^[0-9]{4}-(0[1-9]|1[012])$", True),
        (r"T\d{2}:\d{2}:\d{2}\.\d{3,}Z$", True),  # Rust's \d is ASCII: it matches less
        (r"^\-?[a-z0-9]+(-[a-z0-9]+)*\-?$", True),
        (r"(\[\d+\])", True),  # escaped brackets: no class
        (r"[]\d]", True),  # a "]" first in a class is the character
        (r"[^\d]", False),  # negated: Rust's ASCII \d would let other digits through
        (r"[^]\d]", False),
        (r"[^\s=]+", False),
        (r"^\s*$", False),
        (r"\w+", False),
        (r"\bword", False),
        (r"\p{L}", False),
        (r"\\s", True),  # a backslash, then the letter s
        (r"(a)\1", True),
    ],
)
def test_which_regexes_rust_may_read(regex: str, narrower: bool) -> None:
    assert _narrower_in_rust(regex) is narrower


def test_a_schema_rust_could_read_otherwise_is_not_compiled() -> None:
    draft7 = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}
    spaces = {"properties": {"a": {"pattern": r"^[^\s]+$"}}}
    names = {"patternProperties": {r"^\w+$": {}}}
    assert _portable(draft7) is None
    assert _portable(spaces) is None
    assert _portable(names) is None
    plain = {"$schema": "https://json-schema.org/draft/2020-12/schema#", "pattern": r"^\d+$"}
    assert _portable(plain) == {**plain, "$schema": "https://json-schema.org/draft/2020-12/schema"}


def test_timestamps_parsed_once_are_judged_as_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import dateutil.parser
    from stix2validator.v21 import musts

    stix_validation.object_checker()
    assert musts.parser is stix_validation._KnownTimestamps  # remembered, in this process
    sample = orjson.loads(SAMPLE.read_bytes())["objects"]
    indicator = next(o for o in sample if o["type"] == "indicator")
    texts = [
        "2025-04-08T10:00:00.000Z",
        "2025-02-30T10:00:00.000Z",  # the schema's regex takes it; dateutil does not
        "2024-02-29T10:00:00.000Z",
        "2025-02-29T10:00:00.000Z",
        "2025-12-31T23:59:60.000Z",
    ]
    objects = [
        {**indicator, "created": text, "modified": text, "valid_from": text} for text in texts
    ] * 2  # the second time from memory
    remembered = verdicts(objects)
    monkeypatch.setattr(musts, "parser", dateutil.parser)
    assert verdicts(objects) == remembered
    valid = [v[0] for v in remembered if isinstance(v, tuple)]
    assert valid == [True, False, True, False, False] * 2
