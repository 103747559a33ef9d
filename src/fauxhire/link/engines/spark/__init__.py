"""The Spark engine: identity linking on Apache Spark, for stores larger than one machine
links (issue 20; docs/linking-at-scale.md).

What grows with the pairs runs on Spark: blocking (``blocking``), comparison and term
frequencies (``comparison``), the comparison of the u sample and the pattern counts EM reads
(``training``), scoring (the embedded engine's scorer over Arrow batches, so that weights
agree to the bit), the judgements, and connected components of the links (``cluster``).
What is small, or is arithmetic on counts, runs on the driver with the code every engine
shares: the model's estimation, the random sample's indexes, and the rebuilding of the few
components that hold a pair an analyst judged apart. The steps that work on identities
rather than applications (borrowed identities, a batch against a stored model, the evidence
forest, networks) run on the driver with the embedded engine's code, as the design says
they may: there are far fewer of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
from pyspark.sql import functions as F

from fauxhire.link import record_files
from fauxhire.link.engine import (
    BlockingReport,
    Engine,
    Judgements,
    Resolution,
    ResolvedFiles,
    in_link_order,
)
from fauxhire.link.engines.embedded import EmbeddedEngine
from fauxhire.link.engines.embedded.blocking import pairs_between
from fauxhire.link.engines.embedded.scoring import score
from fauxhire.link.engines.spark import jdbc
from fauxhire.link.engines.spark.blocking import candidate_pairs
from fauxhire.link.engines.spark.cluster import clusters
from fauxhire.link.engines.spark.comparison import compare, eligible, term_frequencies
from fauxhire.link.engines.spark.session import fit_shuffle, session, to_polars, to_spark
from fauxhire.link.engines.spark.training import rule_samples, sampled_u
from fauxhire.link.model import Model, estimate
from fauxhire.link.record_files import content_order
from fauxhire.link.spec import ORDER, LinkSpec

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


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
            records = records.with_columns(content_order(records, spec).alias(ORDER))
        run = _run(to_spark(spark, records), spec, seed, judgements or Judgements.none())
        resolution = Resolution(
            model=run.model,
            links=in_link_order(to_polars(run.links)),
            clusters=to_polars(run.clusters).sort("rec"),
            blocking=run.blocking,
            candidate_pairs=run.candidates,
        )
        run.release()
        return resolution

    def resolve_files(
        self, records: str, out: str, spec: LinkSpec, *, seed: int = 0, table: str | None = None
    ) -> ResolvedFiles:
        spark = session(self._master)
        on_spark, judged = _source(spark, records, table, spec)
        run = _run(on_spark, spec, seed, judged)
        folder = Path(out)
        run.links.write.mode("overwrite").parquet(str(folder / record_files.LINKS))
        run.clusters.write.mode("overwrite").parquet(str(folder / record_files.CLUSTERS))
        document = record_files.run_document(run.model, run.blocking, run.candidates, self.name)
        record_files.write_run(folder, document)
        written = ResolvedFiles(
            records=run.clusters.count(),
            links=run.links.count(),
            clusters=run.clusters.select("cluster").distinct().count(),
            model=run.model,
        )
        run.release()
        return written


@dataclass(frozen=True)
class _Run:
    """One run's result, on Spark: the links and clusters persisted until released."""

    model: Model
    blocking: BlockingReport
    candidates: int
    links: DataFrame
    clusters: DataFrame
    held: tuple[DataFrame, ...]

    def release(self) -> None:
        for frame in self.held:
            frame.unpersist()


def _run(on_spark: DataFrame, spec: LinkSpec, seed: int, judged: Judgements) -> _Run:
    """Block, compare, train, score, judge and cluster records held by Spark. The driver
    holds counts and samples, never a column of the records."""
    spark = on_spark.sparkSession
    on_spark = on_spark.persist()
    total = on_spark.count()
    fit_shuffle(spark, total)
    pairs, report = candidate_pairs(on_spark, spec)
    frequencies = term_frequencies(on_spark, spec, total)
    compared = eligible(compare(pairs, on_spark, spec, frequencies), spec).persist()
    u = sampled_u(spark, on_spark, total, spec, seed)
    model = estimate(spec, rule_samples(compared, spec), u, _possible_pairs(on_spark, total, spec))
    links = _judged(_scored(compared.drop("represents"), model), judged).persist()
    return _Run(
        model=model,
        blocking=report,
        candidates=compared.count(),
        links=links,
        clusters=clusters(on_spark, links, judged.apart),
        held=(links, compared, on_spark),
    )


def _possible_pairs(on_spark: DataFrame, total: int, spec: LinkSpec) -> float:
    """``embedded.blocking.possible_pairs``, from the records' count and, when the spec links
    sources, each source's (a few rows)."""
    if spec.across is None:
        return pairs_between(total)
    sizes = to_polars(on_spark.groupBy(spec.across).count()).get_column("count")
    return pairs_between(total, sizes.to_numpy())


def _source(
    spark: SparkSession, records: str, table: str | None, spec: LinkSpec
) -> tuple[DataFrame, Judgements]:
    """The records and judgements of a records folder, or of a database's tables; a
    ``ValueError`` when there are none, or they lack a column ``spec`` compares."""
    if table is None:
        path = f"{records}/{record_files.RECORDS}"
        on_spark = _read(spark, path)
        if on_spark is None:
            raise ValueError(f"{path}: no such records file")
        judged = _judgements(_read(spark, f"{records}/{record_files.JUDGEMENTS}"))
        where = path
    else:
        db = jdbc.database(records)
        on_spark = jdbc.read_records(spark, db, table)
        if on_spark is None:
            raise ValueError(f"{db.url}: no table {table!r}")
        judged = _judgements(jdbc.read_judgements(spark, db, table))
        where = f"table {table} in {db.url}"
    record_files.check_records(on_spark.columns, spec, where)
    return on_spark, judged


def _judgements(frame: DataFrame | None) -> Judgements:
    """Judgements read by Spark (a small file or table, collected to the driver); none
    without one (a pipeline of the user's that records no judgements)."""
    return Judgements.none() if frame is None else record_files.judgements_of(to_polars(frame))


def _read(spark: SparkSession, path: str) -> DataFrame | None:
    """A Parquet file or folder read by Spark; None where there is none."""
    from pyspark.errors import AnalysisException

    try:
        return spark.read.parquet(path)
    except AnalysisException as missing:
        if missing.getCondition() == "PATH_NOT_FOUND":
            return None
        raise ValueError(f"{path}: {missing}") from missing


def _judged(links: DataFrame, judgements: Judgements) -> DataFrame:
    """Links minus the pairs judged apart, plus the pairs judged together (weight +inf,
    probability 1, no levels), as ``embedded.linkage`` applies them."""
    spark = links.sparkSession
    pairs = ["rec_a", "rec_b"]
    if judgements.apart.height:
        links = links.join(to_spark(spark, judgements.apart.select(pairs)), pairs, "left_anti")
    if judgements.together.height == 0:
        return links
    confirmed = to_spark(spark, judgements.together.select(pairs)).join(links, pairs, "left_anti")
    confirmed = confirmed.select(
        *pairs, F.lit(float("inf")).alias("weight"), F.lit(1.0).alias("probability")
    )
    return links.unionByName(confirmed, allowMissingColumns=True)


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
