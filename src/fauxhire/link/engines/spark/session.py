"""The Spark engine's edge: a session, and frames across it (polars in, Spark inside).

Records arrive at the seam as polars, as the services read them, and go to Spark through
Arrow; or Spark reads them from a records file. Either way they are signed as the files
store them (``link.record_files`` says how): Spark has no unsigned integers.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from fauxhire.link.record_files import signed

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

DEFAULT_MASTER: Final = "local[*]"
DRIVER_MEMORY: Final = "4g"
# A shuffle task's share at 1M records on 4 partitions, where the engine was measured
# (bench/RESULTS.md): past it, more partitions rather than larger ones.
RECORDS_PER_PARTITION: Final = 250_000
# PostgreSQL's JDBC driver where Debian's libpostgresql-jdbc-java puts it: records tables are
# read over JDBC (``jdbc``). Elsewhere the deployment puts a driver on the classpath.
MACHINE_JARS: Final = (Path("/usr/share/java/postgresql.jar"),)


def few_partitions() -> int:
    return max((os.cpu_count() or 2) * 2, 4)


SHUFFLE_PARTITIONS: Final = "spark.sql.shuffle.partitions"


def fit_shuffle(spark: SparkSession, records: int) -> int:
    """Set the shuffle partitions for a run over ``records``: the session's few up to a
    million, then one more per quarter million, so that a task holds as many records' pairs
    at 10M as at 1M. Adaptive execution merges partitions that come out small.

    A count the operator gave Spark (``--conf`` in PYSPARK_SUBMIT_ARGS, spark-defaults.conf)
    is kept as given: on a cluster it comes from the executors' memory, which we cannot see."""
    given = _operators_shuffle(spark)
    if given is not None:
        return given
    partitions = max(few_partitions(), math.ceil(records / RECORDS_PER_PARTITION))
    spark.conf.set(SHUFFLE_PARTITIONS, str(partitions))
    return partitions


def _operators_shuffle(spark: SparkSession) -> int | None:
    """The shuffle partitions the Spark context was started with, if any were given: the
    session below never sets them there, only in each run's SQL settings."""
    given = spark.sparkContext.getConf().get(SHUFFLE_PARTITIONS)
    return None if given is None else int(given)


def session(master: str | None = None) -> SparkSession:
    """The process's Spark session, made on first use: on ``master`` (a cluster URL), or in
    local mode on every core. Shuffles are few partitions at our sizes on one machine, unless
    the operator gave Spark a count (``fit_shuffle``); the UI is off (a port per session,
    nothing reads it in a batch)."""
    from pyspark.sql import SparkSession  # the registry said whether it is installed

    builder = (
        SparkSession.builder.appName("fauxhire-link")
        .master(master or DEFAULT_MASTER)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")  # progress is ours to show
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        # Local mode runs the executors in the driver's JVM: its heap is the engine's memory.
        .config("spark.driver.memory", DRIVER_MEMORY)
    )
    jars = [str(jar) for jar in MACHINE_JARS if jar.is_file()]
    if jars:
        builder = builder.config("spark.jars", ",".join(jars))
    spark = builder.getOrCreate()
    if master is None:
        # Local mode: the Python workers must be this interpreter, which has fauxhire and its
        # libraries; PySpark takes theirs from PYSPARK_PYTHON, else whatever python3 is first
        # on the PATH. On a cluster the deployment names it (docs/linking-at-scale.md).
        spark.sparkContext.pythonExec = sys.executable
    spark.sparkContext.setLogLevel("ERROR")
    if _operators_shuffle(spark) is None:  # the session's few, until a run fits them
        spark.conf.set(SHUFFLE_PARTITIONS, str(few_partitions()))
    return spark


def to_spark(spark: SparkSession, frame: pl.DataFrame) -> DataFrame:
    """``frame`` as a Spark DataFrame, its unsigned columns made signed as the record files
    store them (``link.record_files.signed``)."""
    return spark.createDataFrame(signed(frame).to_arrow())


def to_polars(frame: DataFrame) -> pl.DataFrame:
    """A Spark DataFrame collected to the driver, as polars."""
    collected = pl.from_arrow(frame.toArrow())
    assert isinstance(collected, pl.DataFrame)
    return collected
