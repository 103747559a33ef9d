"""The Spark engine's edge: a session, and frames across it (polars in, Spark inside).

Records arrive at the seam as polars, as the services read them, and go to Spark through
Arrow; or Spark reads them from a records file. Either way they are signed as the files
store them (``link.record_files`` says how): Spark has no unsigned integers.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Final

import polars as pl

from fauxhire.link.record_files import signed

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

DEFAULT_MASTER: Final = "local[*]"
DRIVER_MEMORY: Final = "4g"


def session(master: str | None = None) -> SparkSession:
    """The process's Spark session, made on first use: on ``master`` (a cluster URL), or in
    local mode on every core. Shuffles are few partitions at our sizes on one machine; the
    UI is off (a port per session, nothing reads it in a batch)."""
    from pyspark.sql import SparkSession  # the registry said whether it is installed

    partitions = os.cpu_count() or 2
    builder = (
        SparkSession.builder.appName("fauxhire-link")
        .master(master or DEFAULT_MASTER)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(max(partitions * 2, 4)))
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.ui.showConsoleProgress", "false")  # progress is ours to show
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        # Local mode runs the executors in the driver's JVM: its heap is the engine's memory.
        .config("spark.driver.memory", DRIVER_MEMORY)
    )
    spark = builder.getOrCreate()
    if master is None:
        # Local mode: the Python workers must be this interpreter, which has fauxhire and its
        # libraries; PySpark takes theirs from PYSPARK_PYTHON, else whatever python3 is first
        # on the PATH. On a cluster the deployment names it (docs/linking-at-scale.md).
        spark.sparkContext.pythonExec = sys.executable
    spark.sparkContext.setLogLevel("ERROR")
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
