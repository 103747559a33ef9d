"""The block index (``link.proposals``) proposes for a record the pairs the embedded engine's
blocking proposes for it as a new record (``candidate_pairs`` with ``new``), with the same
rules: on the demo world's records, for one record in seven, each taken as the new one. Also
under a tight spec (blocks capped at 20, windows of 2), where caps and windows cut often."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fauxhire.link.engines.embedded.blocking import candidate_pairs
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.link.proposals import BlockIndex
from fauxhire.link.spec import LinkSpec
from fauxhire.store import SqlStore


@pytest.fixture(scope="module")
def records(demo_world: Path) -> pl.DataFrame:
    store = SqlStore.open(f"sqlite:///{demo_world / 'fauxhire.db'}")
    try:
        apps = store.linking_frame("applications")
        values = store.linking_frame("applicant_values")
    finally:
        store.close()
    return application_records(apps, values)


TIGHT = IDENTITY_SPEC.model_copy(
    update={
        "blocking": tuple(
            rule.model_copy(update={"max_block": 20, "window": 2})
            for rule in IDENTITY_SPEC.blocking
        )
    }
)


@pytest.mark.parametrize("spec", [IDENTITY_SPEC, TIGHT], ids=["identity", "tight"])
def test_each_record_gets_the_engines_pairs(records: pl.DataFrame, spec: LinkSpec) -> None:
    rows: dict[int, dict[str, Any]] = {r["rec"]: r for r in records.iter_rows(named=True)}
    index = BlockIndex(spec)
    for rec, row in rows.items():
        index.add(rec, row)
    chosen = sorted(rows)[::7]
    differ = []
    proposed = skipped = 0
    for rec in chosen:
        pairs, report = candidate_pairs(records, spec, new=pl.Series([rec]))
        engine = {
            (b if a == rec else a): rules
            for a, b, rules in pairs.select("rec_a", "rec_b", "rules").iter_rows()
        }
        found = index.partners(rec, rows[rec])
        proposed += len(found)
        skipped += sum(report.skipped_blocks.values())
        if found != engine:
            differ.append((rec, sorted(set(engine) ^ set(found))[:5]))
    assert differ == []
    assert len(chosen) > 300 and proposed > len(chosen)  # pairs were proposed, not none
    if spec is TIGHT:
        assert skipped > 0  # blocks over the cap were met, and proposed nothing here either


@pytest.mark.parametrize("spec", [IDENTITY_SPEC, TIGHT], ids=["identity", "tight"])
def test_an_index_around_a_record_gives_it_the_same_partners(
    records: pl.DataFrame, spec: LinkSpec
) -> None:
    """Built ``around`` one record (only its blocks held), as a screen's fast link builds it,
    the index proposes for that record what the whole index does."""
    rows: dict[int, dict[str, Any]] = {r["rec"]: r for r in records.iter_rows(named=True)}
    whole = BlockIndex(spec)
    for rec, row in rows.items():
        whole.add(rec, row)
    differ = []
    proposed = 0
    for rec in sorted(rows)[::29]:
        around = BlockIndex(spec, around=rows[rec])
        for other, row in rows.items():
            around.add(other, row)
        found = around.partners(rec, rows[rec])
        proposed += len(found)
        if found != whole.partners(rec, rows[rec]):
            differ.append(rec)
    assert differ == []
    assert proposed > len(rows) // 29  # pairs were proposed, not none
