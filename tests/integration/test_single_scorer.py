"""The single-pair scorer (``link.single``) gives every pair what the embedded engine gives it.

On the demo world: its records as a full run builds them, every candidate pair the engine's
blocking proposes and a sample of random pairs (most of them strangers, failing a
requirement), scored by the engine (``compare_eligible`` then ``score``) and one at a time
by ``SingleScorer``, with the store's model and the records' term frequencies. The same pairs
are eligible, with the same level for every comparison, the same weights and the same
decision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fauxhire.link.engine import level_column, weight_column
from fauxhire.link.engines.embedded.blocking import candidate_pairs, random_pairs
from fauxhire.link.engines.embedded.comparison import compare_eligible, term_frequencies
from fauxhire.link.engines.embedded.scoring import score
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.link.model import Model
from fauxhire.link.single import SingleScorer
from fauxhire.store import SqlStore


@pytest.fixture(scope="module")
def world(demo_world: Path) -> tuple[pl.DataFrame, Model]:
    store = SqlStore.open(f"sqlite:///{demo_world / 'fauxhire.db'}")
    try:
        apps = store.linking_frame("applications")
        values = store.linking_frame("applicant_values")
        run = store.latest_link_run()
    finally:
        store.close()
    assert run is not None
    return application_records(apps, values), Model.from_json(IDENTITY_SPEC, run.model)


def _pairs(records: pl.DataFrame) -> pl.DataFrame:
    proposed, _ = candidate_pairs(records, IDENTITY_SPEC)
    strangers = random_pairs(records, IDENTITY_SPEC, seed=3).head(20_000)
    ordered = strangers.select(
        pl.min_horizontal("rec_a", "rec_b").alias("rec_a"),
        pl.max_horizontal("rec_a", "rec_b").alias("rec_b"),
    )
    return pl.concat([proposed.select("rec_a", "rec_b"), ordered]).unique().sort("rec_a", "rec_b")


def test_every_pair_scores_as_the_engine_scores_it(world: tuple[pl.DataFrame, Model]) -> None:
    records, model = world
    frequencies = term_frequencies(records, IDENTITY_SPEC)
    pairs = _pairs(records)
    engine = score(compare_eligible(pairs, records, IDENTITY_SPEC, frequencies), model)
    by_rec: dict[int, dict[str, Any]] = {row["rec"]: row for row in records.iter_rows(named=True)}
    tf = {
        column: dict(frame.select("value", "tf").iter_rows())
        for column, frame in frequencies.items()
    }
    scorer = SingleScorer(model)
    expected = {(row["rec_a"], row["rec_b"]): row for row in engine.iter_rows(named=True)}
    found = {}
    for a, b in pairs.iter_rows():
        scored = scorer.score(by_rec[a], by_rec[b], tf)
        if scored is not None:
            found[(a, b)] = scored
    assert pairs.height > 20_000 and len(expected) > 1_000
    assert set(found) == set(expected)
    comparisons = IDENTITY_SPEC.comparisons
    differ = []
    for pair, scored in found.items():
        row = expected[pair]
        levels = tuple(row[level_column(c)] for c in comparisons)
        weights = tuple(row[weight_column(c)] for c in comparisons)
        # To the bit: a screen's stored link (services.fast_link) must be the engine's.
        same = (
            levels == scored.levels
            and weights == scored.weights
            and row["weight"] == scored.weight
            and row["probability"] == scored.probability
            and (row["probability"] >= IDENTITY_SPEC.threshold) == scorer.links(scored)
        )
        if not same:
            differ.append((pair, levels, scored.levels, row["weight"], scored.weight))
    assert differ == []
    assert any(scorer.links(s) for s in found.values())
    assert not all(scorer.links(s) for s in found.values())
    # The pairs exercised each branch of the arithmetic, not only exact agreements: the top
    # level of every comparison, a disagreement on every list (the name is required to
    # agree), every grade of the name's similarity, and a missing side somewhere.
    seen = [{s.levels[i] for s in found.values()} for i in range(len(comparisons))]
    for index, comparison in enumerate(comparisons):
        wanted = {comparison.levels}
        if comparison.column in IDENTITY_SPEC.list_columns:
            wanted.add(0)
        assert wanted <= seen[index], (comparison.name, seen[index])
    name = IDENTITY_SPEC.comparison("name")
    assert seen[comparisons.index(name)] == set(range(1, name.levels + 1))
    assert any(-1 in levels for levels in seen)
