"""The Spark engine against the embedded one, end to end (issue 20): `fauxhire link` with
``--engine spark`` on a copy of the demo world's store, which the embedded engine linked,
gives the same identities and networks. The smallest validation world's check is in
tests/integration/test_validation_world.py, beside its run.

Targets (issue 20): identity pairwise F1 of one engine against the other at least 0.999,
network B-cubed F1 at least 0.99. The Spark engine runs in local mode here: PySpark from the
locked environment, the machine's JDK."""

from __future__ import annotations

from pathlib import Path

import pytest

from fauxhire.enrich.pii import Sealer
from support.engine_agreement import spark_against_embedded

pytestmark = pytest.mark.spark


def test_the_demo_world_links_the_same_on_spark(
    demo_world: Path, tmp_path: Path, pii_sealer: Sealer
) -> None:
    agreed = spark_against_embedded(demo_world / "fauxhire.db", tmp_path, pii_sealer)
    assert agreed.applications > 1000
    assert agreed.identity_f1 >= 0.999, agreed
    assert agreed.network_f1 >= 0.99, agreed
    assert agreed.networks[0] > 1, "the demo world has networks to agree on"
