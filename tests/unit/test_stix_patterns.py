"""One parse of a STIX pattern answers stix2patterns' run_validator and Pattern as the library
itself does, on the library's own test patterns and on ours; and one indicator is parsed once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import stix2patterns.validator as entry_points
from stix2patterns.exceptions import ParseException
from stix2patterns.v20.pattern import Pattern as Pattern20
from stix2patterns.v21.grammars.STIXPatternParser import STIXPatternParser
from stix2patterns.v21.pattern import Pattern as Pattern21

from fauxhire.ingest import stix, stix_patterns
from fauxhire.ingest.base import IngestContext, SourceFile

PATTERN_CLASS = {"2.0": Pattern20, "2.1": Pattern21}
OURS = [
    "[email-addr:value = 'dev1@mail.example']",
    "[ipv4-addr:value IN ('203.0.113.1', '203.0.113.2')] OR [email-addr:value = 'a@b.example']",
    "[user-account:account_login = 'dev-2' AND user-account:account_type = 'github']",
    "[file:hashes.'SHA-256' = 'f00']",  # parses; a bad hash for run_validator
    "[ipv4-addr:value = '198.51.100.1'] WITHIN 5 SECONDS WITHIN 6 SECONDS",  # 2.1: qualifiers
    "[ipv4-addr:value = ",
    "ipv4-addr:value = '198.51.100.1'",  # no brackets: run_validator's own check
    "[x-custom:'odd key'[*].value != 'x'] FOLLOWEDBY [a:b MATCHES '^x']",
    "",
]


def library_cases(version: str) -> list[str]:
    """stix2patterns' own test patterns (valid and invalid), as shipped in its package."""
    try:
        if version == "2.1":
            from stix2patterns.test.v21 import test_validator as cases
        else:
            from stix2patterns.test.v20 import test_validator as cases
    except ImportError:  # a stix2patterns that ships no tests: ours alone, still a test
        return []
    found = list(cases.SPEC_CASES)
    for name in dir(cases):
        if name.endswith("_CASES") and name != "SPEC_CASES":
            found += [case[0] if isinstance(case, tuple) else case for case in getattr(cases, name)]
    return [case for case in found if isinstance(case, str)]


def answers(pattern: str, version: str) -> tuple[Any, ...]:
    """What run_validator and Pattern say of the pattern, as comparable values."""
    try:
        errors: Any = entry_points.run_validator(pattern, version)
    except Exception as exc:
        errors = (type(exc), str(exc))
    try:
        data = PATTERN_CLASS[version](pattern).inspect()
        inspected: Any = (data.comparisons, data.observation_ops, data.qualifiers)
    except ParseException as exc:
        inspected = ("ParseException", str(exc))
    except Exception as exc:
        inspected = (type(exc), str(exc))
    return errors, inspected


@pytest.fixture
def unshared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The library as it came: its own run_validator and parse, each parsing for itself."""
    for version, name in (("2.0", "run_validator20"), ("2.1", "run_validator21")):
        monkeypatch.setattr(entry_points, name, stix_patterns.ORIGINAL_RUN[version])
        parse = stix_patterns.ORIGINAL_PARSE[version]
        monkeypatch.setattr(PATTERN_CLASS[version], "_Pattern__do_parse", parse)
    yield


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_shared_parses_answer_as_the_library_does(
    version: str, unshared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = list(dict.fromkeys(OURS + library_cases(version)))
    expected = [answers(case, version) for case in cases]
    monkeypatch.undo()
    assert stix_patterns.share_pattern_parses()
    assert entry_points.run_validator21 is not stix_patterns.ORIGINAL_RUN["2.1"]
    stix_patterns.parsed_pattern.cache_clear()
    assert [answers(case, version) for case in cases] == expected
    assert len(cases) > 3 * len(OURS)  # the library's own cases were there to compare


def test_an_indicator_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parses = []
    original = STIXPatternParser.pattern

    def counted(parser: Any) -> Any:
        parses.append(parser)
        return original(parser)

    monkeypatch.setattr(STIXPatternParser, "pattern", counted)
    stix_patterns.parsed_pattern.cache_clear()
    sample = Path(__file__).parents[1] / "fixtures" / "samples"
    path = tmp_path / "feed.json"
    path.write_bytes((sample / "stix21_bundle_it_worker_network.json").read_bytes())
    items = list(stix.iter_records(SourceFile(path, "feed.json"), IngestContext()))
    indicators = [i for i in items if type(i).__name__ == "StixIndicator"]
    assert len(indicators) == 3
    assert all(i.observables for i in indicators)
    patterns = {o["pattern"] for o in orjson.loads(path.read_bytes())["objects"] if "pattern" in o}
    assert len(parses) == len(patterns) == 3
