"""`link --new` reads, of a common name's holders, only those a window reaches: the same
partners the engine's blocking gives a new application in a full run."""

from __future__ import annotations

import polars as pl

from fauxhire.link.engines.embedded.blocking import candidate_pairs
from fauxhire.link.identities import IDENTITY_SPEC, NAME_WINDOW, record_order
from fauxhire.link.spec import ORDER
from fauxhire.services.increment import _window_neighbours


def _holders(names: dict[str, int]) -> pl.DataFrame:
    rows = [
        (rec, name, f"c-{rec % 7}\x1fa-{rec * 7919 % 10007}")
        for rec, name in enumerate((n for n, count in names.items() for _ in range(count)), 1)
    ]
    return pl.DataFrame(rows, schema=["rec", "name_key", "key"], orient="row")


def _partners_in_full_run(holders: pl.DataFrame, new: list[int]) -> set[int]:
    rule = next(rule for rule in IDENTITY_SPEC.blocking if rule.columns == ("name",))
    spec = IDENTITY_SPEC.model_copy(update={"blocking": (rule,)})
    records = holders.select(
        "rec", pl.col("name_key").alias("name"), record_order(pl.col("key")).alias(ORDER)
    )
    pairs, _ = candidate_pairs(records, spec, new=pl.Series(new))
    return set(pairs.get_column("rec_a").to_list()) | set(pairs.get_column("rec_b").to_list())


def test_the_window_reaches_what_a_full_run_compares() -> None:
    holders = _holders({"james smith": 120, "maria garcia": 40, "ann lee": 4})
    new = [3, 77, 119, 130, 161, 163]  # two in one block, one in a small one, ends of blocks
    read = set(_window_neighbours(holders, new, NAME_WINDOW))
    assert read == _partners_in_full_run(holders, new) | set(new)
    assert len(read) < holders.height / 3  # the point: most holders are not read


def test_without_a_window_every_holder_is_read() -> None:
    holders = _holders({"james smith": 30})
    assert sorted(_window_neighbours(holders, [5], None)) == list(range(1, 31))
