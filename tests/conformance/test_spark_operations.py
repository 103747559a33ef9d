"""The Spark engine's operations against the embedded engine's, on hand-made records whose
edges are where two implementations part (docs/linking-at-scale.md, section 6.1): null, ""
and empty lists; a value twice in one list; a Jaccard share exactly at a threshold (2/5);
names at Jaro-Winkler 1.0 and just under a threshold; non-ASCII names; a block of exactly
``max_block`` records and one of ``max_block + 1``; two values of a record in one block; a
windowed block larger than its window. Candidate pairs (with their rule bits and what each
represents), the blocking report, every level and every term frequency must be equal."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from fauxhire.link.engines.embedded.blocking import candidate_pairs as embedded_pairs
from fauxhire.link.engines.embedded.comparison import compare as embedded_compare
from fauxhire.link.engines.embedded.comparison import term_frequencies as embedded_tf
from fauxhire.link.spec import ORDER, Blocking, Comparison, LinkSpec

pytestmark = pytest.mark.spark
COALESCE = "spark.sql.adaptive.coalescePartitions.enabled"

SPEC = LinkSpec(
    name="edges",
    version="1",
    comparisons=(
        Comparison(
            name="name",
            column="name",
            method="jaro_winkler",
            thresholds=(1.0, 0.94, 0.85),
            term_frequency=True,
        ),
        Comparison(name="city", column="city", method="levenshtein", thresholds=(0.8,)),
        Comparison(name="code", column="code", method="exact", term_frequency=True),
        Comparison(name="email", column="emails", method="overlap", term_frequency=True),
        Comparison(name="lines", column="lines", method="jaccard", thresholds=(0.7, 0.4)),
    ),
    blocking=(
        Blocking(columns=("emails",), max_block=3),
        Blocking(columns=("code",), max_block=4, window=1),
        Blocking(columns=("lines",), max_block=50, window=2),
    ),
    list_columns=frozenset({"emails", "lines"}),
)

NAMES = ["Ana Lima", "Ana Lima", "Ana Limа", "Ana Lime", "", None, "Zoë Ørsted", "Zoe Orsted",
         "Bo", "Bob", "Ana Lima", "Jon Smith"]  # fmt: skip
CITIES = ["Austin", "Austn", None, "", "Boston", "Boston", "Dallas", "Dallas", "Ulm", "Ulm",
          "Austin", None]  # fmt: skip
CODES = ["a", "a", "a", "a", "a", "b", "b", "", None, "c", "c", "c"]
EMAILS = [["x@e"], ["x@e", "y@e"], ["x@e"], ["x@e"], [], None, ["z@e"], ["z@e"], ["q@e"], ["q@e"],
          ["w@e", "v@e"], ["w@e", "v@e"]]  # fmt: skip
LINES = [[1, 2, 3, 4, 5], [1, 2], [1, 2, 3], [9], [], None, [7, 8], [7, 8], [1, 2, 6, 7, 8],
         [1], [4, 5], [4, 5]]  # fmt: skip


@pytest.fixture(scope="module")
def records() -> pl.DataFrame:
    n = len(NAMES)
    return pl.DataFrame(
        {
            "rec": list(range(10, 10 + n)),
            "name": NAMES,
            "city": CITIES,
            "code": CODES,
            "emails": EMAILS,
            "lines": LINES,
            # A stable order unlike the records' ids, as a hash of content is.
            ORDER: [(7919 * i) % 101 for i in range(n)],
        },
        schema_overrides={"lines": pl.List(pl.UInt64), ORDER: pl.UInt64},
    )


@pytest.fixture(scope="module")
def spark_side(records: pl.DataFrame) -> Iterator[object]:
    from fauxhire.link.engines.spark.session import session, to_spark

    spark = session()
    yield to_spark(spark, records)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort("rec_a", "rec_b").select(sorted(frame.columns))


def test_candidate_pairs_and_the_report_are_the_embedded_engines(
    records: pl.DataFrame, spark_side: object
) -> None:
    from fauxhire.link.engines.spark.blocking import candidate_pairs
    from fauxhire.link.engines.spark.session import to_polars

    expected, expected_report = embedded_pairs(records, SPEC)
    pairs, report = candidate_pairs(spark_side, SPEC)  # type: ignore[arg-type]
    assert report == expected_report
    assert expected_report.skipped_blocks["emails"] == 1  # x@e: 4 records over a cap of 3
    got = to_polars(pairs)
    assert _sorted(got).equals(_sorted(expected.with_columns(pl.col("rules").cast(pl.Int64))))
    assert expected.get_column("represents").max() > 1  # a window left pairs out


def test_levels_and_term_frequencies_are_the_embedded_engines(
    records: pl.DataFrame, spark_side: object
) -> None:
    from fauxhire.link.engines.spark.comparison import compare, term_frequencies
    from fauxhire.link.engines.spark.session import session, to_polars, to_spark

    recs = records.get_column("rec").to_list()
    every = pl.DataFrame(
        [(a, b) for a in recs for b in recs if a < b], schema=["rec_a", "rec_b"], orient="row"
    )
    expected = embedded_compare(every, records, SPEC, embedded_tf(records, SPEC))
    pairs = to_spark(session(), every)
    frequencies = term_frequencies(spark_side, SPEC, records.height)  # type: ignore[arg-type]
    got = to_polars(compare(pairs, spark_side, SPEC, frequencies))  # type: ignore[arg-type]
    assert _sorted(got).equals(
        _sorted(expected.with_columns(pl.selectors.starts_with("lv_").cast(pl.Int8)))
    )
    levels = set(expected.get_column("lv_lines").to_list())
    assert {-1, 0, 1, 2} <= levels  # missing, none, at 2/5 exactly, and above 0.7
    assert set(expected.get_column("lv_name").to_list()) >= {-1, 0, 2, 3}


@pytest.mark.parametrize("across", [None, "source"])
def test_the_random_pairs_of_u_are_the_embedded_engines(across: str | None) -> None:
    """Spark numbers the records in their stable order over many partitions, with ties of
    ORDER broken by rec, and finds the same drawn pairs the embedded engine does, in the
    order drawn (u stops early, so the order counts), keeping only pairs across sources when
    the spec links sources."""
    from fauxhire.link.engines.embedded.blocking import random_pairs
    from fauxhire.link.engines.spark.session import session, to_spark
    from fauxhire.link.engines.spark.training import _random_pairs, _stable_positions

    n = 3_000
    records = pl.DataFrame(
        {
            "rec": [(104_729 * i) % 1_000_003 for i in range(n)],  # ids not in any order
            ORDER: [(7919 * i) % 997 for i in range(n)],  # three records to most orders
            "source": [f"s{i % 3}" for i in range(n)],
        },
        schema_overrides={ORDER: pl.UInt64},
    )
    spec = SPEC.model_copy(update={"random_pairs": 20_000, "across": across})
    spark = session()
    # Seven sorted partitions, which adaptive execution would merge into one at this size.
    settings = {"spark.sql.shuffle.partitions": "7", COALESCE: "false"}
    kept = {key: spark.conf.get(key) for key in settings}
    try:
        for key, value in settings.items():
            spark.conf.set(key, value)
        on_spark = to_spark(spark, records).repartition(5)
        got = _random_pairs(on_spark, n, spec, seed=3)
        parts = _stable_positions(on_spark, spec).rdd.getNumPartitions()
    finally:
        for key, value in kept.items():
            spark.conf.set(key, value)
    assert parts > 1
    expected = random_pairs(records, spec, seed=3)
    assert got.equals(expected)
    assert expected.height == (20_000 if across is None else pytest.approx(20_000 * 2 / 3, 0.05))
