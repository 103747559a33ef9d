"""The embedded engine's linkage: one run over a set of records, and a batch under a model.

A run proposes pairs, estimates the model, scores, applies the judgements and clusters
(``resolve``); a batch of new records is compared and scored with a stored model only
(``link_batch``). The steps are ``blocking``, ``comparison``, ``training`` and ``scoring``,
and the model's; this module orders them and keeps what an analyst needs afterwards: the model,
every scored pair that linked, and the blocking report.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from fauxhire.link.cluster import cluster_ids, spanning_edges
from fauxhire.link.engine import BatchLinks, BlockingReport, Judgements, Resolution
from fauxhire.link.engines.embedded.blocking import candidate_pairs, possible_pairs
from fauxhire.link.engines.embedded.comparison import (
    coded_lists,
    compare_eligible,
    term_frequencies,
)
from fauxhire.link.engines.embedded.scoring import score
from fauxhire.link.engines.embedded.training import sampled_u, training_samples
from fauxhire.link.engines.embedded.vectors import Encoded
from fauxhire.link.model import Model, estimate
from fauxhire.link.positions import RecordIndex
from fauxhire.link.spec import LinkSpec


def train(
    records: pl.DataFrame, spec: LinkSpec, seed: int
) -> tuple[Model, pl.DataFrame, BlockingReport]:
    """Estimate the model on these records; also return their compared candidate pairs."""
    pairs, report = candidate_pairs(records, spec)
    coded = coded_lists(records, spec)
    frequencies = term_frequencies(coded, spec)
    encoded: dict[str, Encoded] = {}  # each single-value column encoded once (``compare``)
    compared = compare_eligible(pairs, coded, spec, frequencies, encoded)
    u = sampled_u(records, spec, seed, coded, encoded)
    samples = training_samples(compared, spec)
    model = estimate(spec, samples, u, possible_pairs(records, spec))
    return model, compared.drop("represents", strict=False), report


def resolve(
    records: pl.DataFrame,
    spec: LinkSpec,
    *,
    seed: int = 0,
    judgements: Judgements | None = None,
) -> Resolution:
    """Train, score, apply the judgements and cluster (``Engine.resolve``)."""
    judgements = judgements or Judgements.none()
    model, compared, report = train(records, spec, seed)
    scored = score(compared, model, spec.threshold)
    return resolution_of(records, model, scored, judgements, report, compared.height)


def resolution_of(
    records: pl.DataFrame,
    model: Model,
    scored: pl.DataFrame,
    judgements: Judgements,
    report: BlockingReport,
    candidates: int,
) -> Resolution:
    """A run's result from its scored links at the threshold: judgements applied, clustered.
    Any engine that scores its pairs elsewhere finishes its run here."""
    links = _with_judgements(scored, judgements)
    return Resolution(
        model=model,
        links=links,
        clusters=clusters_of(records.get_column("rec"), links, judgements),
        blocking=report,
        candidate_pairs=candidates,
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


def link_batch(
    records: pl.DataFrame,
    new: pl.DataFrame,
    model: Model,
    frequencies: Mapping[str, pl.DataFrame],
) -> BatchLinks:
    """The pairs with a new record (``new``: rec) that the model links."""
    spec = model.spec
    # Every holder of a value a new record holds is in ``records`` (under the caps), so its
    # block is the store's; its frequency is the store's count.
    pairs, _ = candidate_pairs(records, spec, new=new.get_column("rec"))
    compared = compare_eligible(pairs, records, spec, dict(frequencies))
    return BatchLinks(score(compared, model, spec.threshold), compared.height)


def spanning_links(links: pl.DataFrame, recs: pl.Series) -> pl.DataFrame:
    """The rows of ``links`` in a maximum spanning forest over the records ``recs``."""
    index = RecordIndex(recs)
    chosen = spanning_edges(
        index.size,
        index.positions(links.get_column("rec_a")),
        index.positions(links.get_column("rec_b")),
        links.get_column("weight").to_numpy(),
    )
    return links[chosen.tolist()] if len(chosen) else links.head(0)
