"""One linking run: propose pairs, estimate the model, score, cluster.

The steps are the engine's (``embedded``) and the model's; this module only orders them and
keeps what an analyst needs afterwards: the model, every scored pair that linked, and the
blocking report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from fauxhire.link import embedded
from fauxhire.link.cluster import cluster_ids
from fauxhire.link.embedded import BlockingReport
from fauxhire.link.model import Model, estimate
from fauxhire.link.spec import LinkSpec


@dataclass(frozen=True)
class Judgements:
    """An analyst's word on pairs of records: always together, or never."""

    together: pl.DataFrame  # rec_a, rec_b
    apart: pl.DataFrame  # rec_a, rec_b

    @classmethod
    def none(cls) -> Judgements:
        empty = pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})
        return cls(together=empty, apart=empty)


@dataclass(frozen=True)
class Resolution:
    model: Model
    links: pl.DataFrame  # the scored pairs at or above the threshold: rec_a, rec_b, levels, weight
    clusters: pl.DataFrame  # rec, cluster (an integer, not yet a stable id)
    blocking: BlockingReport
    candidate_pairs: int


def train(
    records: pl.DataFrame, spec: LinkSpec, seed: int
) -> tuple[Model, pl.DataFrame, BlockingReport]:
    """Estimate the model on these records; also return their compared candidate pairs."""
    pairs, report = embedded.candidate_pairs(records, spec)
    coded = embedded.coded_lists(records, spec)
    frequencies = embedded.term_frequencies(coded, spec)
    compared = embedded.compare_eligible(pairs, coded, spec, frequencies)
    u = embedded.sampled_u(records, spec, seed, coded)
    samples = embedded.training_samples(compared, spec)
    model = estimate(spec, samples, u, embedded.possible_pairs(records, spec))
    return model, compared.drop("represents", strict=False), report


def resolve(
    records: pl.DataFrame,
    spec: LinkSpec,
    *,
    seed: int = 0,
    judgements: Judgements | None = None,
) -> Resolution:
    judgements = judgements or Judgements.none()
    model, compared, report = train(records, spec, seed)
    links = _with_judgements(embedded.score(compared, model, spec.threshold), judgements)
    return Resolution(
        model=model,
        links=links,
        clusters=clusters_of(records.get_column("rec"), links, judgements),
        blocking=report,
        candidate_pairs=compared.height,
    )


def _with_judgements(links: pl.DataFrame, judgements: Judgements) -> pl.DataFrame:
    """Links minus the pairs judged apart, plus the pairs judged together (weight +inf)."""
    links = links.join(judgements.apart, on=["rec_a", "rec_b"], how="anti")
    confirmed = judgements.together.join(links, on=["rec_a", "rec_b"], how="anti")
    if confirmed.height == 0:
        return links
    extra = confirmed.with_columns(
        pl.lit(float("inf")).alias("weight"), pl.lit(1.0).alias("probability")
    )
    return pl.concat([links, extra], how="diagonal_relaxed")


def clusters_of(recs: pl.Series, links: pl.DataFrame, judgements: Judgements) -> pl.DataFrame:
    """Cluster numbers of records, given the pairs that link them."""
    ids = recs.to_numpy().astype(np.int64)
    labels = cluster_ids(
        ids,
        links.get_column("rec_a").to_numpy().astype(np.int64),
        links.get_column("rec_b").to_numpy().astype(np.int64),
        links.get_column("weight").to_numpy(),
        list(judgements.apart.select("rec_a", "rec_b").iter_rows()),
    )
    return pl.DataFrame({"rec": recs, "cluster": labels})
