"""The Spark engine's shuffle partitions (``session.fit_shuffle``): one per 250,000 records
(at least the session's few) where the operator gave Spark none, and the operator's count,
as given, where they did (``--conf`` in PYSPARK_SUBMIT_ARGS, as spark-defaults.conf would)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.spark

_GIVEN = """
import json
from fauxhire.link.engines.spark.session import SHUFFLE_PARTITIONS, fit_shuffle, session
spark = session()
started = spark.conf.get(SHUFFLE_PARTITIONS)
fitted = fit_shuffle(spark, 10_000_000)
print(json.dumps([started, fitted, spark.conf.get(SHUFFLE_PARTITIONS)]))
spark.stop()
"""


def test_a_run_fits_the_partitions_to_its_records() -> None:
    from fauxhire.link.engines.spark.session import (
        SHUFFLE_PARTITIONS,
        few_partitions,
        fit_shuffle,
        session,
    )

    spark = session()
    kept = spark.conf.get(SHUFFLE_PARTITIONS)
    try:
        assert fit_shuffle(spark, 10_000_000) == 40
        assert spark.conf.get(SHUFFLE_PARTITIONS) == "40"
        assert fit_shuffle(spark, 1_000) == few_partitions()
        assert spark.conf.get(SHUFFLE_PARTITIONS) == str(few_partitions())
    finally:
        spark.conf.set(SHUFFLE_PARTITIONS, kept)


def test_the_operators_count_is_kept() -> None:
    env = {
        **os.environ,
        "PYSPARK_SUBMIT_ARGS": "--conf spark.sql.shuffle.partitions=13 pyspark-shell",
    }
    done = subprocess.run(
        [sys.executable, "-c", _GIVEN], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    started, fitted, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert (started, fitted, after) == ("13", 13, "13")
