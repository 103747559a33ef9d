"""An indicator's STIX pattern parsed once, for the libraries that would each parse it again.

Checking and reading one indicator parsed its pattern four times, with ANTLR's Python runtime:
stix2-validator's MUST check parses it for syntax (stix2patterns' ``run_validator``) and again
for the object types it names (``Pattern``), stix2 parses it once more when it builds the
Indicator (``run_validator``), and ``observables`` a fourth time. Profiled on 5,000 objects
that was 45 % of the CPU of a bundle's ingest.

``share_pattern_parses`` makes both of stix2patterns' entry points answer from one parse kept
for the next few calls: the parse that stops at the first error (``Pattern``'s), then the
checks ``run_validator`` makes once a pattern parses (the values its objects compare, and for
STIX 2.1 its qualifiers), on that same tree. A pattern that does not parse gets no shared
answer: each entry point parses it itself, so its messages are the library's word for word;
malformed patterns are few and their objects are quarantined anyway.

The answers are the library's own: a pattern the stopping parser accepts is one the
recovering parser of ``run_validator`` accepts without a message, into the same tree. The
tests hold both entry points to the unshared library on stix2patterns' own test patterns.
If a later stix2patterns moves the functions patched here, nothing is patched and every
caller parses for itself, as correct as before, only slower.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import stix2patterns.validator as _entry_points
from antlr4 import InputStream, ParseTreeWalker
from stix2patterns.v20 import object_validator as _objects20
from stix2patterns.v20.inspector import InspectionListener as _Inspection20
from stix2patterns.v20.pattern import Pattern as Pattern20
from stix2patterns.v21 import object_validator as _objects21
from stix2patterns.v21 import validator as _validator21
from stix2patterns.v21.inspector import InspectionListener as _Inspection21
from stix2patterns.v21.pattern import Pattern as Pattern21

# The patterns used by one object's checks come one after another; a few more are kept for an
# object whose lists embed other indicators, which the validator checks in between.
PARSES_KEPT = 4
_DO_PARSE = "_Pattern__do_parse"  # Pattern's private parse, as Python names it
_RUN = {"2.0": "run_validator20", "2.1": "run_validator21"}
_PATTERN_CLASS = {"2.0": Pattern20, "2.1": Pattern21}
_INSPECTION = {"2.0": _Inspection20, "2.1": _Inspection21}
_OBJECT_CHECKS = {"2.0": _objects20, "2.1": _objects21}

# The library's own functions, before share_pattern_parses replaced them.
ORIGINAL_RUN: dict[str, Any] = {v: getattr(_entry_points, name, None) for v, name in _RUN.items()}
ORIGINAL_PARSE: dict[str, Any] = {
    v: getattr(cls, _DO_PARSE, None) for v, cls in _PATTERN_CLASS.items()
}


@dataclass(frozen=True, slots=True)
class ParsedPattern:
    """A pattern that parses: its tree, what ``run_validator`` says of it (nothing when it is
    valid), and what ``Pattern.inspect`` finds in it."""

    tree: Any
    errors: tuple[str, ...]
    inspection: Any  # stix2patterns' _PatternData: comparisons, observation_ops, qualifiers


@functools.lru_cache(maxsize=PARSES_KEPT)
def parsed_pattern(pattern: str, version: str) -> ParsedPattern | None:
    """The pattern parsed, or None when it does not parse (the library then says why)."""
    cls = _PATTERN_CLASS[version]
    try:
        tree = ORIGINAL_PARSE[version](cls.__new__(cls), pattern)
    except Exception:
        # ParseException, or whatever else the grammar raises on odd input: either way the
        # library's own entry points parse this one again and answer in their own words.
        return None
    inspector = _INSPECTION[version]()
    ParseTreeWalker.DEFAULT.walk(inspector, tree)
    inspection = inspector.pattern_data()
    # run_validator's checks after a clean parse, in its order (stix2patterns v2x/validator.py)
    errors = list(_OBJECT_CHECKS[version].verify_object(inspection))
    if version == "2.1":
        try:
            ParseTreeWalker.DEFAULT.walk(_validator21.ValidationListener(), tree)
        except _validator21.DuplicateQualifierTypeError as exc:
            errors.insert(0, "FAIL: " + exc.args[0])
    return ParsedPattern(tree, tuple(errors), inspection)


def share_pattern_parses() -> bool:
    """Make stix2patterns' ``run_validator`` and ``Pattern`` answer from ``parsed_pattern``,
    once per process; False when this stix2patterns is not the one this was written for."""
    if not all(ORIGINAL_RUN.values()) or not all(ORIGINAL_PARSE.values()):
        return False
    if getattr(_entry_points, _RUN["2.1"]) is not ORIGINAL_RUN["2.1"]:
        return True  # shared already
    for version in _RUN:
        setattr(_entry_points, _RUN[version], functools.partial(_run_validator, version))
        setattr(_PATTERN_CLASS[version], _DO_PARSE, _parse_method(version))
    return True


def _run_validator(version: str, stream: Any) -> list[str]:
    """stix2patterns' run_validator20/21: the messages for a pattern given as a stream."""
    found = parsed_pattern(stream.strdata, version) if isinstance(stream, InputStream) else None
    if found is None:
        return list(ORIGINAL_RUN[version](stream))
    return list(found.errors)  # a new list: run_validator inserts into it


def _parse_method(version: str) -> Any:
    def do_parse(self: Any, pattern: str) -> Any:
        found = parsed_pattern(pattern, version) if isinstance(pattern, str) else None
        if found is None:
            return ORIGINAL_PARSE[version](self, pattern)  # raises as it always did
        return found.tree

    return do_parse
