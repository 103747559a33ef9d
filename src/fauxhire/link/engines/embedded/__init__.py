"""The embedded engine: linking on one machine, in memory, with polars, numpy and rapidfuzz.

Every step is a columnar operation over all pairs at once, not a Python loop per pair:
``blocking`` proposes pairs, ``comparison`` grades them, ``training`` counts what the model is
estimated from, ``scoring`` weighs them, ``linkage`` runs those steps in order and clusters,
``borrowed`` splits borrowed identities off, ``networks`` (with ``network_values``) groups
identities into networks; ``vectors`` holds the array kernels. A million applications link in
minutes on a laptop.

``EmbeddedEngine`` is this package's face: the ``Engine`` protocol over those modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import polars as pl

from fauxhire.link import record_files
from fauxhire.link.engine import (
    BatchLinks,
    Borrowed,
    Engine,
    Judgements,
    NetworkEvidence,
    NetworkLinks,
    Resolution,
    ResolvedFiles,
)
from fauxhire.link.engines.embedded import borrowed, linkage, networks
from fauxhire.link.model import Model
from fauxhire.link.networks import NETWORK_SPEC, NetworkSpec
from fauxhire.link.spec import LinkSpec


class EmbeddedEngine:
    """``Engine`` on one machine (``fauxhire.link.engine`` documents each method)."""

    name = "embedded"

    def resolve(
        self,
        records: pl.DataFrame,
        spec: LinkSpec,
        *,
        seed: int = 0,
        judgements: Judgements | None = None,
    ) -> Resolution:
        return linkage.resolve(records, spec, seed=seed, judgements=judgements)

    def resolve_files(
        self, records: str, out: str, spec: LinkSpec, *, seed: int = 0, table: str | None = None
    ) -> ResolvedFiles:
        if table is not None:
            raise ValueError(
                f"the {self.name} engine reads records folders; records tables are read over "
                "JDBC by the spark engine (or write a folder: fauxhire export records --out)"
            )
        frame, judgements = record_files.read_records(records, spec)
        resolution = self.resolve(frame, spec, seed=seed, judgements=judgements)
        return record_files.write_resolution(Path(out), resolution, self.name)

    def split_borrowed(
        self,
        clusters: pl.DataFrame,
        links: pl.DataFrame,
        spec: LinkSpec,
        together: pl.DataFrame,
        records: pl.DataFrame,
    ) -> Borrowed:
        return borrowed.split_borrowed(clusters, links, spec, together, records)

    def link_batch(
        self,
        records: pl.DataFrame,
        new: pl.DataFrame,
        model: Model,
        frequencies: Mapping[str, pl.DataFrame],
    ) -> BatchLinks:
        return linkage.link_batch(records, new, model, frequencies)

    def spanning_links(self, links: pl.DataFrame, recs: pl.Series) -> pl.DataFrame:
        return linkage.spanning_links(links, recs)

    def group_networks(
        self,
        evidence: NetworkEvidence,
        apart: pl.DataFrame,
        spec: NetworkSpec = NETWORK_SPEC,
    ) -> NetworkLinks:
        pairs = list(apart.select("identity_a", "identity_b").iter_rows())
        return networks.link_networks(
            evidence.observations, spec, evidence.referrals, pairs, evidence.names, evidence.homes
        )


_: type[Engine] = EmbeddedEngine  # mypy checks that the class keeps to the protocol
