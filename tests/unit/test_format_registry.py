"""The format registry is the one place a format is declared: its adapter, how its items are
recognised, where its files sit in an input folder and what produces it. These tests hold the
registry to that: what other code derives from it agrees with it, and every declaration points
at something real."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fauxhire.errors import ConfigError
from fauxhire.ingest import FOLDER_LAYOUT, FORMATS, Format, get_format, sniff

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
README_ROW = re.compile(r"^\| `([a-z]+)` \| [^|]+ \| (.+) \|$", re.MULTILINE)


@pytest.mark.parametrize("fmt", list(FORMATS.values()), ids=list(FORMATS))
def test_each_format_module_has_what_its_entry_promises(fmt: Format) -> None:
    if fmt.streamed:
        assert callable(fmt.part_reader) and callable(fmt.part_parser)
    else:
        assert callable(fmt.adapter)
    assert fmt.layout, "a format without a place in an input folder cannot be found there"
    assert all(glob.endswith(fmt.suffix) for glob in fmt.layout)
    assert fmt.media in {"JSON", "JSON Lines", "CSV"}


def test_the_folder_layout_is_the_registry_in_order() -> None:
    assert [name for name, _ in FOLDER_LAYOUT] == [
        f.name for f in FORMATS.values() for _ in f.layout
    ]
    globs = [glob for _, glob in FOLDER_LAYOUT]
    assert len(globs) == len(set(globs)), "two formats claim one place"


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_at_most_one_format_recognises_a_sample_item(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    for item in items[:20]:
        if isinstance(item, dict):
            claimed = [f.name for f in FORMATS.values() if f.recognises(item)]
            assert len(claimed) <= 1, f"{path.name}: claimed by {claimed}"


def test_detect_names_registry_formats_and_describes_them_by_title() -> None:
    okta_event = {"eventType": "user.session.start", "published": "2025-01-01T00:00:00Z"}
    assert sniff.detect(okta_event) == "okta"
    assert sniff.describe("okta") == f"{FORMATS['okta'].title} (okta)"
    assert sniff.detect({"data": [okta_event]}) == "okta"  # inside a vendor's wrapper


def test_the_readme_table_says_what_produces_each_vendor_format() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(README_ROW.findall(text))
    declared = {f.name: f.produced_by for f in FORMATS.values() if f.produced_by}
    assert table == declared


def test_aliases_and_unknown_names() -> None:
    assert get_format(" Canonical ") is FORMATS["applications"]
    assert get_format("intel") is FORMATS["stix"]
    with pytest.raises(ConfigError, match="known formats: companies, ipintel"):
        get_format("workday")
