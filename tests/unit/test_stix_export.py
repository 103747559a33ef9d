"""The STIX bundle builder (domain/stix_export.py) on hand-made personas: a value two
personas share is one observable with an indicator for each, ids are stable, an indicator's
validity runs from the first application to --valid-days after the last assessment, and a
network no exported persona is in is not said."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fauxhire.domain.stix_export import Network, Persona, Sharing, bundle, stamp

NOW = datetime(2026, 12, 1, tzinfo=UTC)
SHARING = Sharing("Hub X", "amber", "community-key-v1", 30, NOW)


def _persona(identity: str, *hashes: tuple[str, str]) -> Persona:
    return Persona(
        identity, "net-1", 0.9, "very likely", datetime(2026, 6, 1, tzinfo=UTC), 5, 2, 4,
        datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC),
        tuple(sorted(hashes)), None,
    )  # fmt: skip


def _of(made: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [o for o in made["objects"] if o["type"] == kind]


def test_a_shared_value_is_one_observable_with_an_indicator_a_persona() -> None:
    shared = ("email", "ab" * 32)
    personas = [_persona("i-1", shared), _persona("i-2", shared, ("phone", "cd" * 32))]
    networks = [Network("net-1", 0.97, "almost certain", NOW), Network("net-9", None, None, None)]
    made = bundle(SHARING, personas, networks)
    ids = [o["id"] for o in made["objects"]]
    assert len(ids) == len(set(ids))
    assert len(_of(made, "hashed-identifier")) == 2 and len(_of(made, "indicator")) == 3
    assert [n["name"] for n in _of(made, "intrusion-set")] == ["Applicant network net-1"]
    assert _of(made, "intrusion-set")[0]["confidence"] == 97
    indicator = _of(made, "indicator")[0]
    assert indicator["valid_from"] == "2025-01-02T03:04:05.678Z"
    assert indicator["valid_until"] == "2026-07-01T00:00:00.000Z"  # 30 days after assessment
    assert indicator["confidence"] == 90
    assert made == bundle(SHARING, list(personas), list(networks)), "the same bundle again"


def test_stamps_are_utc_to_the_millisecond() -> None:
    assert stamp(datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)) == "2026-01-02T03:04:05.999Z"
