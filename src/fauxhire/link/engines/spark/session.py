"""The Spark engine's edge: a session, and frames across it (polars in, Spark inside).

Records arrive at the seam as polars, as the services read them; they go to Spark through
Arrow. Two column types Spark has no match for are made signed there: resume line hashes
(``List(UInt64)``, compared for equality only: the same bits as Int64) and the stable order
(``UInt64``, whose order matters: its top bit is flipped, so the signed numbers sort as the
unsigned ones did).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Final

import polars as pl

from fauxhire.link.spec import ORDER

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

DEFAULT_MASTER: Final = "local[*]"
DRIVER_MEMORY: Final = "4g"
_TOP_BIT: Final = 1 << 63


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
    """``frame`` as a Spark DataFrame, its unsigned columns made signed (the module says how)."""
    fixed = []
    for name, dtype in frame.schema.items():
        if dtype == pl.UInt64 and name == ORDER:
            fixed.append((pl.col(name) ^ _TOP_BIT).reinterpret(signed=True).alias(name))
        elif dtype == pl.List(pl.UInt64):
            fixed.append(pl.col(name).list.eval(pl.element().reinterpret(signed=True)))
        elif dtype in (pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64):
            fixed.append(pl.col(name).cast(pl.Int64))
    if fixed:
        frame = frame.with_columns(fixed)
    return spark.createDataFrame(frame.to_arrow())


def to_polars(frame: DataFrame) -> pl.DataFrame:
    """A Spark DataFrame collected to the driver, as polars."""
    collected = pl.from_arrow(frame.toArrow())
    assert isinstance(collected, pl.DataFrame)
    return collected
