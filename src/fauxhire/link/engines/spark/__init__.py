"""The Spark engine: identity linking on Apache Spark, for stores larger than one machine
links (issue 20; docs/linking-at-scale.md).

What grows with the pairs runs on Spark: blocking (``blocking``), comparison and term
frequencies (``comparison``), the comparison of the u sample and the pattern counts EM reads
(``training``), and scoring (the embedded engine's scorer over Arrow batches, so that weights
agree to the bit). What is small, or is arithmetic on counts, runs on the driver with the
code every engine shares: the model's estimation, the random sample's indexes, the
judgements, and clustering of the links (``cluster``). The steps that work on identities
rather than applications (borrowed identities, a batch against a stored model, the evidence
forest, networks) run on the driver with the embedded engine's code, as the design says
they may: there are far fewer of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
from pyspark.sql import functions as F

from fauxhire.link.engine import Engine, Judgements, Resolution
from fauxhire.link.engines.embedded import EmbeddedEngine
from fauxhire.link.engines.embedded.blocking import _content_order, possible_pairs
from fauxhire.link.engines.embedded.linkage import resolution_of
from fauxhire.link.engines.embedded.scoring import score
from fauxhire.link.engines.spark.blocking import candidate_pairs
from fauxhire.link.engines.spark.comparison import compare, eligible, term_frequencies
from fauxhire.link.engines.spark.session import session, to_polars, to_spark
from fauxhire.link.engines.spark.training import rule_samples, sampled_u
from fauxhire.link.model import Model, estimate
from fauxhire.link.spec import ORDER, LinkSpec

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


class SparkEngine(EmbeddedEngine):
    """``Engine`` on Spark (``fauxhire.link.engine`` documents each method). A run over the
    applications is Spark's; the steps over identities are the embedded engine's, inherited
    (the module says why)."""

    name = "spark"

    def __init__(self, master: str | None = None) -> None:
        self._master = master

    def resolve(
        self,
        records: pl.DataFrame,
        spec: LinkSpec,
        *,
        seed: int = 0,
        judgements: Judgements | None = None,
    ) -> Resolution:
        spark = session(self._master)
        if ORDER not in records.columns:  # windows and samples follow content (embedded)
            records = records.with_columns(_content_order(records, spec).alias(ORDER))
        on_spark = to_spark(spark, records).persist()
        pairs, report = candidate_pairs(on_spark, spec)
        frequencies = term_frequencies(on_spark, spec, records.height)
        compared = eligible(compare(pairs, on_spark, spec, frequencies), spec).persist()
        u = sampled_u(spark, records, on_spark, spec, seed)
        model = estimate(spec, rule_samples(compared, spec), u, possible_pairs(records, spec))
        scored = to_polars(_scored(compared.drop("represents"), model)).sort("rec_a", "rec_b")
        candidates = compared.count()
        compared.unpersist()
        on_spark.unpersist()
        judged = judgements or Judgements.none()
        return resolution_of(records, model, scored, judged, report, candidates)


def _scored(compared: DataFrame, model: Model) -> DataFrame:
    """The pairs that link, scored by the embedded scorer one Arrow batch at a time."""
    threshold = model.spec.threshold
    sample = pl.DataFrame(schema=to_polars(compared.limit(0)).schema)
    schema = to_spark(compared.sparkSession, score(sample, model)).schema

    def scored(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield from score(frame, model, threshold).to_arrow().to_batches()

    return compared.mapInArrow(scored, schema).where(F.col("probability") >= threshold)


_: type[Engine] = SparkEngine  # mypy checks that the class keeps to the protocol
