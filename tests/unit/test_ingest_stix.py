"""STIX 2.1 bundles -> Indicators and IntelObjects, validated object by object."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from fauxhire.domain import IntelObject, StixIndicator
from fauxhire.errors import IngestError, WrongFormatError
from fauxhire.ingest import stix
from fauxhire.ingest.base import IngestContext, Quarantined, SourceFile

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"
AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
TLP1_RED = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
TLP1_WHITE = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"


def bundle() -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(
        (SAMPLES / "stix21_bundle_it_worker_network.json").read_bytes()
    )
    return data


def indicator(**changes: Any) -> dict[str, Any]:
    obj = copy.deepcopy(next(o for o in bundle()["objects"] if o["type"] == "indicator"))
    obj.update(changes)
    return obj


def write(tmp_path: Path, data: Any) -> SourceFile:
    path = tmp_path / "feed.json"
    path.write_bytes(orjson.dumps(data))
    return SourceFile(path, "intel/feed.json")


def run(source: SourceFile) -> tuple[list[StixIndicator], list[IntelObject], list[Quarantined]]:
    items = list(stix.iter_records(source, IngestContext()))
    indicators = [i for i in items if isinstance(i, StixIndicator)]
    others = [i for i in items if isinstance(i, IntelObject)]
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(indicators) + len(others) + len(bad) == len(items)
    return indicators, others, bad


def test_sample_bundle(tmp_path: Path) -> None:
    indicators, others, bad = run(write(tmp_path, bundle()))
    assert bad == []
    assert len(indicators) == 3
    assert len(others) == len(bundle()["objects"]) - 3
    email, vpn, github = indicators
    assert email.stix_id == "indicator--2e155df0-5722-4e88-b5f3-88c5def07777"
    assert email.tlp == "amber"
    assert email.observables == (
        (
            "hashed-identifier:hmac_sha256",
            "a2346f1460671fb616f1e2946d75d7c81c2779cb58144d82ea88db1089b4fd8e",
        ),
        ("hashed-identifier:identifier_type", "email"),
    )
    assert email.valid_from == datetime(2025, 4, 8, 10, 0, tzinfo=UTC)
    assert type(email.valid_from) is datetime
    assert email.valid_until == datetime(2026, 4, 8, 10, 0, tzinfo=UTC)
    assert email.confidence == 70
    assert email.created_by == "identity--24fdf059-89a1-4b2c-b07b-0f9743a55186"
    assert email.indicator_types == ("attribution",)
    assert email.pattern_type == "stix"
    assert email.provenance.location == "/objects/11"
    assert vpn.observables == (
        ("ipv4-addr:value", "198.51.100.23"),
        ("autonomous-system:number", "64500"),
    )
    assert github.valid_until is None
    types = {o.stix_type for o in others}
    assert {
        "marking-definition",
        "identity",
        "extension-definition",
        "hashed-identifier",
        "sighting",
        "relationship",
        "observed-data",
        "ipv4-addr",
    } <= types
    custom = next(o for o in others if o.stix_type == "hashed-identifier")
    assert custom.raw["key_id"] == "community-key-v1"
    assert custom.provenance.location == "/objects/3"


def test_invalid_objects_are_quarantined_and_the_rest_go_in(tmp_path: Path) -> None:
    data = bundle()
    no_valid_from = indicator(id="indicator--6b1b4a51-0f3a-4b41-9d6b-1d1c0d5c0b01")
    del no_valid_from["valid_from"]
    bad_confidence = indicator(
        id="indicator--6b1b4a51-0f3a-4b41-9d6b-1d1c0d5c0b02", confidence="high"
    )
    bad_pattern = indicator(
        id="indicator--6b1b4a51-0f3a-4b41-9d6b-1d1c0d5c0b03", pattern="[ipv4-addr:value = "
    )
    start = len(data["objects"])
    data["objects"] += [no_valid_from, bad_confidence, bad_pattern, "not an object", {"id": "x"}]
    indicators, others, bad = run(write(tmp_path, data))
    assert len(indicators) == 3
    assert len(others) == start - 3
    located = [(q.location, q.field) for q in bad]
    assert located == [
        (f"/objects/{start}", "valid_from"),
        (f"/objects/{start + 1}", "confidence"),
        (f"/objects/{start + 2}", "pattern"),
        (f"/objects/{start + 3}", ""),
        (f"/objects/{start + 4}", "type"),
    ]
    assert "integer" in bad[1].reason
    assert "Pattern" in bad[2].reason
    assert bad[0].code == "invalid_stix"


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ([AMBER], "amber"),
        ([TLP1_WHITE], "clear"),
        ([TLP1_WHITE, TLP1_RED], "red"),
        (["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"], "clear"),
        ([], None),
    ],
)
def test_tlp_of_an_indicator(tmp_path: Path, refs: list[str], expected: str | None) -> None:
    data = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [indicator(object_marking_refs=refs)],
    }
    if not refs:
        del data["objects"][0]["object_marking_refs"]  # type: ignore[index]
    [found], _, bad = run(write(tmp_path, data))
    assert bad == []
    assert found.tlp == expected


def test_tlp_from_markings_defined_in_the_bundle() -> None:
    own_green = {
        "type": "marking-definition",
        "id": "marking-definition--0b1c2d3e-0000-4000-8000-000000000001",
        "extensions": {
            stix.TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": "GREEN"}
        },
    }
    tlp1_style = {
        "type": "marking-definition",
        "id": "marking-definition--0b1c2d3e-0000-4000-8000-000000000002",
        "definition_type": "tlp",
        "definition": {"tlp": "white"},
    }
    levels = stix.tlp_levels([own_green, tlp1_style, "junk"])
    assert levels[own_green["id"]] == "green"  # type: ignore[index]
    assert levels[tlp1_style["id"]] == "clear"  # type: ignore[index]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            "[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]",
            (("ipv4-addr:value", "192.0.2.1"), ("ipv4-addr:value", "192.0.2.2")),
        ),
        (
            "[email-addr:value = 'o\\'brien@example.com']",
            (("email-addr:value", "o'brien@example.com"),),
        ),
        (
            "[file:hashes.'SHA-256' = 'aa' AND file:name MATCHES '^x']",
            (("file:hashes.'SHA-256'", "aa"),),
        ),
        ("[email-addr:value != 'a@example.com']", ()),
        (
            "[url:value = 'https://github.com/x'] AND [domain-name:value = 'example.com']",
            (("url:value", "https://github.com/x"), ("domain-name:value", "example.com")),
        ),
        (
            "[user-account:extensions.'unix-account-ext'.groups[*] = 'wheel']",
            (("user-account:extensions.'unix-account-ext'.groups[*]", "wheel"),),
        ),
    ],
)
def test_observables_of_a_pattern(pattern: str, expected: tuple[tuple[str, str], ...]) -> None:
    assert stix.observables(pattern) == expected


def test_non_stix_pattern_has_no_observables(tmp_path: Path) -> None:
    sigma = indicator(pattern_type="sigma", pattern="title: x\ndetection: {}")
    data = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [sigma],
    }
    [found], _, bad = run(write(tmp_path, data))
    assert bad == []
    assert (found.pattern_type, found.observables) == ("sigma", ())


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (orjson.loads((SAMPLES / "okta_system_log_events.json").read_bytes()), "Okta System Log"),
        (
            [{"type": "indicator", "id": "indicator--2e155df0-5722-4e88-b5f3-88c5def07777"}],
            "STIX objects outside a bundle",
        ),
        ({"hello": "world"}, "a JSON dict that is not a bundle"),
    ],
)
def test_a_file_that_is_not_a_bundle_is_refused(tmp_path: Path, data: Any, looks_like: str) -> None:
    with pytest.raises(WrongFormatError) as info:
        run(write(tmp_path, data))
    assert str(info.value).startswith("intel/feed.json: expected a STIX 2.1 bundle")
    assert looks_like in str(info.value)


def test_invalid_json_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(b'{"type": "bundle",\n "objects": [}')
    with pytest.raises(IngestError) as info:
        run(SourceFile(path, "intel/feed.json"))
    assert info.value.code == "invalid_json"
    assert info.value.location.startswith("line 2")


@pytest.mark.parametrize("objects", [{"a": {"type": "identity"}}, "x", None])
def test_objects_that_are_not_a_list_are_refused(tmp_path: Path, objects: Any) -> None:
    data = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}
    with pytest.raises(WrongFormatError) as info:
        run(write(tmp_path, {**data, "objects": objects}))
    assert "its objects are not a list" in str(info.value)


def test_a_good_bundle_is_never_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a file that is not a bundle is read whole, to say what it is: the end of a good
    bundle's objects once read it whole too, 200 MiB for bench/stix's 53 MiB."""

    def whole(source: SourceFile) -> bytes:
        raise AssertionError(f"{source.display} read whole")

    monkeypatch.setattr(stix, "read_bytes", whole)
    indicators, others, bad = run(write(tmp_path, bundle()))
    assert (len(indicators), len(others), bad) == (3, len(bundle()["objects"]) - 3, [])
