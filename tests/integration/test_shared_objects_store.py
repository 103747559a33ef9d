"""The published objects of the TAXII collections (store/shared_objects.py) on SQLite and on
PostgreSQL: publishing the same objects again adds nothing, nor does a version that differs
only in its time (every assessment moves every persona's); a newer version with other content
replaces the older and is added anew; the same version with other content becomes a new
version; and pages follow the order objects were added in, by cursor, by time and by type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fauxhire.store import SqlStore
from fauxhire.store.shared_objects import counts, page, publish

T0 = datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=UTC)


def _actor(n: int, modified: str = "2026-11-01T00:00:00.000Z", **more: Any) -> dict[str, Any]:
    return {"type": "threat-actor", "id": f"threat-actor--{n:08d}", "name": f"Persona i-{n}",
            "created": "2026-01-01T00:00:00.000Z", "modified": modified, **more}  # fmt: skip


def test_publishing_and_paging(db_url: str) -> None:
    store = SqlStore.open(db_url)
    try:
        marking = {"type": "marking-definition", "id": "marking-definition--1", "name": "TLP"}
        first = [marking, *(_actor(n) for n in range(5))]
        assert publish(store, "c1", first, T0).added == 6
        assert publish(store, "c1", first, T0 + timedelta(minutes=1)).added == 0
        assert publish(store, "c2", first[:2], T0).added == 2  # another collection, apart
        t1 = T0 + timedelta(hours=1)
        reassessed = _actor(2, "2026-11-02T00:00:00.000Z")  # only its time moved
        newer = _actor(3, "2026-11-02T00:00:00.000Z", description="now very likely")
        same_version_other_content = _actor(4, description="valid for longer now")
        done = publish(store, "c1", [*first[:3], reassessed, newer, same_version_other_content], t1)
        assert (done.added, done.unchanged) == (2, 4)
        assert counts(store) == {"c1": 6, "c2": 2}

        ids: list[str] = []
        after = None
        while True:
            shared, more = page(store, "c1", added_after=None, after=after, limit=2)
            ids += [s.object_id for s in shared]
            if not more:
                break
            after = (shared[-1].date_added, shared[-1].seq)
        assert ids[-2:] == ["threat-actor--00000003", "threat-actor--00000004"]  # added last
        assert sorted(ids) == sorted(o["id"] for o in first) and len(ids) == 6

        late, more = page(store, "c1", added_after=T0 + timedelta(minutes=30), after=None, limit=10)
        assert [s.object_id for s in late] == ["threat-actor--00000003", "threat-actor--00000004"]
        assert not more and all(s.date_added == t1 for s in late)
        bumped = next(s for s in late if s.object_id == "threat-actor--00000004")
        assert bumped.version == "2026-12-01T10:00:00.123Z", "a new version, modified now"
        kept = next(s for s in late if s.object_id == "threat-actor--00000003")
        assert kept.version == "2026-11-02T00:00:00.000Z", "a newer version keeps its time"
        actors, _ = page(store, "c1", added_after=None, after=None, limit=10,
                         types=["marking-definition"])  # fmt: skip
        assert [s.object_id for s in actors] == ["marking-definition--1"]
        one, _ = page(store, "c1", added_after=None, after=None, limit=10,
                      ids=["threat-actor--00000002"])  # fmt: skip
        assert [s.object_id for s in one] == ["threat-actor--00000002"]
    finally:
        store.close()
