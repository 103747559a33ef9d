"""The report names each identity's strongest indicators, whatever weighs against it."""

from __future__ import annotations

import orjson
import polars as pl

from fauxhire.services.report import _strongest


def _evidence(*pairs: tuple[str, float]) -> str:
    return orjson.dumps([{"indicator": i, "weight": w} for i, w in pairs]).decode()


def test_positive_indicators_strongest_first_beside_negative_ones() -> None:
    frame = pl.DataFrame(
        {
            "evidence": [
                _evidence(("a", 1.0), ("cleared", -4.0), ("b", 3.0), ("c", 2.0), ("d", 0.5)),
                _evidence(("cleared", -4.0)),
                _evidence(),
                None,
            ]
        }
    )
    got = frame.select(_strongest(pl.col("evidence")).alias("top"))["top"].to_list()
    assert got == [["b", "c", "a"], [], [], []]
