"""Whether two linking engines agree on one store: the Spark engine's full `fauxhire link`
(services.linker.Linker) run on a copy of a store the embedded engine linked, then the two
stores' links compared. Identities: pairwise F1 of one engine's clusters of applications
against the other's. Networks: B-cubed F1 over applications, an application outside every
network being alone (its own singleton)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import text

from fauxhire.enrich.pii import Sealer
from fauxhire.services.linker import Linker
from fauxhire.store import SqlStore
from fauxhire_lab.evaluation.metrics import bcubed_scores, pairwise_scores, singletons_for_nulls


@dataclass(frozen=True)
class Agreement:
    applications: int
    identity_f1: float
    network_f1: float
    identities: tuple[int, int]  # the embedded engine's, the Spark engine's
    networks: tuple[int, int]


def _links(db: Path, sealer: Sealer | None) -> pl.DataFrame:
    store = SqlStore.open(f"sqlite:///{db}", sealer=sealer)
    try:
        with store.transaction("test") as conn:
            rows = conn.execute(text("SELECT app_key, identity_id, network_id FROM links"))
            return pl.DataFrame(
                [tuple(r) for r in rows],
                schema={"app_key": pl.String, "identity_id": pl.String, "network_id": pl.String},
                orient="row",
            )
    finally:
        store.close()


def spark_against_embedded(db: Path, work: Path, sealer: Sealer | None = None) -> Agreement:
    """Link a copy of ``db`` (linked by the embedded engine) with the Spark engine, and
    compare."""
    copy = work / "spark.db"
    shutil.copyfile(db, copy)
    keyring = db.parent / f"{db.name}.pii-keyring.json"
    if keyring.exists():
        shutil.copyfile(keyring, work / "spark.db.pii-keyring.json")
    store = SqlStore.open(f"sqlite:///{copy}", sealer=sealer)
    try:
        Linker("spark").link(store, now=datetime(2026, 12, 6, tzinfo=UTC))
    finally:
        store.close()
    embedded, spark = _links(db, sealer), _links(copy, sealer)
    both = embedded.join(spark, on="app_key", suffix="_spark")
    assert both.height == embedded.height == spark.height
    identities = both.select(
        pl.col("identity_id").alias("truth"), pl.col("identity_id_spark").alias("predicted")
    )
    networks = both.select(
        singletons_for_nulls(pl.col("network_id")).alias("truth"),
        singletons_for_nulls(pl.col("network_id_spark")).alias("predicted"),
    )
    return Agreement(
        applications=both.height,
        identity_f1=pairwise_scores(identities).f1,
        network_f1=bcubed_scores(networks).f1,
        identities=(embedded["identity_id"].n_unique(), spark["identity_id"].n_unique()),
        networks=(embedded["network_id"].n_unique(), spark["network_id"].n_unique()),
    )
