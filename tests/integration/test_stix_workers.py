"""A STIX bundle checked part by part in worker processes, on SQLite and PostgreSQL: what goes
in and what is quarantined, and where, is what checking it in one process gives; nothing of a
good object is lost, a bad object among good ones is quarantined alone, a second run changes
nothing, and an ingest stopped part-way resumes to the same store."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from fauxhire.domain import IntelObject, StixIndicator
from fauxhire.ingest import IngestContext, Quarantined, SourceFile, get_format, stix
from fauxhire.services import ingest_files, quarantine_entries
from fauxhire.services.parsing import ParsePool
from fauxhire.store import Store
from fauxhire.store import schema as s
from support.clock import Ticks  # tests/ is on sys.path (its conftest.py)

STIX = get_format("stix")
SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "stix21_bundle_it_worker_network.json"
BAD_PATTERN = "[ipv4-addr:value = "


def _objects(extra: int) -> list[Any]:
    """The sample bundle's objects, then ``extra`` indicators made from its first one."""
    objects: list[Any] = orjson.loads(SAMPLE.read_bytes())["objects"]
    template = next(o for o in objects if o["type"] == "indicator")
    for n in range(extra):
        obj = copy.deepcopy(template)
        obj["id"] = f"indicator--6b1b4a51-0f3a-4b41-9d6b-{n:012d}"
        obj["pattern"] = (
            f"[email-addr:value = 'dev{n}@mail.example'] OR [ipv4-addr:value = '198.51.100.{n}']"
        )
        objects.append(obj)
    return objects


def _bundle(path: Path, objects: list[Any]) -> Path:
    bundle = {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}
    path.write_bytes(orjson.dumps({**bundle, "objects": objects}, option=orjson.OPT_INDENT_2))
    return path


def _expected(path: Path) -> dict[str, Any]:
    """What checking the bundle in this process gives, in the terms the store keeps."""
    source = SourceFile(path, str(path))
    out: dict[str, Any] = {"indicators": {}, "intel": {}, "observables": set(), "quarantine": []}
    for item in stix.iter_records(source, IngestContext()):
        if isinstance(item, Quarantined):
            out["quarantine"].append((item.location, item.field, item.code, item.reason))
        elif isinstance(item, StixIndicator):
            where = item.provenance.location
            out["indicators"][where] = (item.stix_id, item.tlp, item.valid_from, item.raw)
            out["observables"] |= {(item.stix_id, *pair) for pair in item.observables}
        else:
            assert isinstance(item, IntelObject)
            out["intel"][item.provenance.location] = (item.stix_id, item.stix_type, item.raw)
    return out


def _stored(store: Store) -> dict[str, Any]:
    ind, intel, obs = s.indicators, s.intel_objects, s.indicator_observables
    indicators = store.rows(
        select(ind.c.prov_location, ind.c.stix_id, ind.c.tlp, ind.c.valid_from, ind.c.raw)
    )
    ids = {r["id"]: r["stix_id"] for r in store.rows(select(ind.c.id, ind.c.stix_id))}
    return {
        "indicators": {
            r["prov_location"]: (r["stix_id"], r["tlp"], r["valid_from"], r["raw"])
            for r in indicators
        },
        "intel": {
            r["prov_location"]: (r["stix_id"], r["stix_type"], r["raw"])
            for r in store.rows(
                select(intel.c.prov_location, intel.c.stix_id, intel.c.stix_type, intel.c.raw)
            )
        },
        "observables": {
            (ids[r["indicator_ref"]], r["path"], r["value"]) for r in store.rows(select(obs))
        },
        "quarantine": [
            (e["location"], e["field"], e["code"], e["reason"]) for e in quarantine_entries(store)
        ],
    }


@pytest.fixture
def workers(db_url: str) -> Iterator[ParsePool]:
    """Two real worker processes that parse any STIX bundle, three objects a part."""
    dialect = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    with ParsePool(dialect, 2, min_bytes=0, part_items=3) as pool:
        yield pool


def test_a_bad_pattern_among_good_objects_is_quarantined_alone(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path, workers: ParsePool
) -> None:
    objects = _objects(extra=20)
    bad_at = len(objects) - 7  # in the middle of a part, with good parts on either side
    objects[bad_at] = {**objects[bad_at], "pattern": BAD_PATTERN}
    path = _bundle(tmp_path / "feed.json", objects)
    expected = _expected(path)
    assert [(q[0], q[1]) for q in expected["quarantine"]] == [(f"/objects/{bad_at}", "pattern")]

    store = open_store(db_url)
    (result,) = ingest_files(store, STIX, [path], clock=Ticks(), pool=workers)

    assert (result.status, result.records, result.quarantined) == ("done", len(objects) - 1, 1)
    stored = _stored(store)
    assert stored["quarantine"] == expected["quarantine"]
    assert "Pattern" in stored["quarantine"][0][3]
    assert stored["indicators"] == expected["indicators"]  # every good object, whole
    assert stored["intel"] == expected["intel"]
    assert stored["observables"] == expected["observables"]
    assert len(stored["indicators"]) + len(stored["intel"]) == len(objects) - 1

    again = ingest_files(store, STIX, [path], clock=Ticks(), pool=workers)
    assert [(r.status, r.records, r.quarantined) for r in again] == [
        ("skipped", len(objects) - 1, 1)
    ]
    assert _stored(store) == stored


def test_files_in_workers_keep_their_order_and_outcomes(
    open_store: Callable[[str], Store], db_url: str, tmp_path: Path, workers: ParsePool
) -> None:
    first = _bundle(tmp_path / "a.json", _objects(extra=4))
    not_a_bundle = tmp_path / "b.json"
    not_a_bundle.write_bytes(orjson.dumps(_objects(extra=0)))  # objects outside a bundle
    empty = _bundle(tmp_path / "c.json", [])
    last = _bundle(tmp_path / "d.json", _objects(extra=9)[-9:])  # ids of their own
    store = open_store(db_url)

    results = ingest_files(
        store, STIX, [first, not_a_bundle, empty, last], clock=Ticks(), pool=workers
    )

    outcomes = [(Path(r.file).name, r.status, r.records, r.quarantined) for r in results]
    assert outcomes == [
        ("a.json", "done", len(_objects(extra=4)), 0),
        ("b.json", "refused", 0, 1),
        ("c.json", "done", 0, 0),
        ("d.json", "done", 9, 0),
    ]
    assert "outside a bundle" in (results[1].error or "")
    assert store.count("indicators") == 3 + 4 + 9 - 4  # d.json repeats a.json's four ids
    files = {Path(r["display"]).name: r["status"] for r in store.rows(select(s.ingest_files))}
    assert files == {"a.json": "done", "b.json": "refused", "c.json": "done", "d.json": "done"}


class Crash(Exception):
    pass


def test_an_ingest_stopped_part_way_resumes_to_the_same_store(
    open_store: Callable[[str], Store],
    db_url: str,
    tmp_path: Path,
    workers: ParsePool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    objects = _objects(extra=30)
    objects[25] = {**objects[25], "pattern": BAD_PATTERN}
    path = _bundle(tmp_path / "feed.json", objects)
    store = open_store(db_url)
    commits = []
    write_batch = Store.write_batch

    def crash_on_the_third(self: Store, *args: Any, **kwargs: Any) -> Any:
        commits.append(1)
        if len(commits) == 3:
            raise Crash
        return write_batch(self, *args, **kwargs)

    monkeypatch.setattr(Store, "write_batch", crash_on_the_third)
    with pytest.raises(Crash):
        ingest_files(store, STIX, [path], clock=Ticks(), pool=workers, chunk_size=8)
    monkeypatch.undo()
    assert store.count("indicators") + store.count("intel_objects") == 16  # two commits

    (result,) = ingest_files(store, STIX, [path], clock=Ticks(), pool=workers, chunk_size=8)

    assert (result.status, result.resumed_from) == ("done", 16)
    assert (result.records, result.quarantined) == (len(objects) - 1, 1)
    expected = _expected(path)
    stored = _stored(store)
    assert stored["indicators"] == expected["indicators"]
    assert stored["intel"] == expected["intel"]
    assert [q[:2] for q in stored["quarantine"]] == [("/objects/25", "pattern")]
