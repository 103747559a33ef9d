"""Pairwise precision, recall and F1 of a clustering against the true entities.

    .venv/bin/python bench/linking/score.py TRUTH.parquet PREDICTED.parquet [--link]

TRUTH holds rec_id, entity_id (and source, for linkage); PREDICTED holds rec_id, cluster_id.
A pair of records is predicted when they share a cluster and true when they share an entity;
in linkage mode only pairs across the two sources count, as in FEBRL 4, where the task is to
link a to b. Pairs are counted, never listed: a cluster of n records holds C(n, 2) pairs
(n_a * n_b across sources), and the true positives are the pairs inside each cell of the
entity x cluster contingency table, so a million records cost a few group-bys however large
the clusters grow.

A record of the truth missing from the prediction counts as alone in its cluster; a predicted
rec_id not in the truth is an error. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class Scores:
    true_pairs: int
    predicted_pairs: int
    true_positives: int
    unclustered: int  # records of the truth the prediction left out (scored as singletons)

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.true_pairs if self.true_pairs else None

    @property
    def f1(self) -> float | None:
        if not self.true_pairs and not self.predicted_pairs:
            return None
        # 2TP / (predicted + true): the harmonic mean, defined even when one side is zero.
        return 2 * self.true_positives / (self.predicted_pairs + self.true_pairs)

    def as_dict(self) -> dict[str, float | int | None]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


def _pairs_within(frame: pl.DataFrame, keys: list[str], cross_source: bool) -> int:
    """Pairs of records sharing all of `keys`: C(n, 2) per group, or n_a * n_b across sources."""
    if cross_source:
        per_group = frame.group_by(keys).agg(
            (pl.col("source") == "a").sum().cast(pl.Int64).alias("n_a"),
            (pl.col("source") == "b").sum().cast(pl.Int64).alias("n_b"),
        )
        pairs = per_group.select((pl.col("n_a") * pl.col("n_b")).sum())
    else:
        per_group = frame.group_by(keys).agg(pl.len().cast(pl.Int64).alias("n"))
        pairs = per_group.select((pl.col("n") * (pl.col("n") - 1) // 2).sum())
    return int(pairs.item() or 0)


def _joined(truth: pl.DataFrame, predicted: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The truth with each record's cluster; a record without one gets a cluster of its own."""
    if truth["rec_id"].is_duplicated().any():
        raise ValueError("rec_id repeats in the truth")
    if predicted["rec_id"].is_duplicated().any():
        raise ValueError("rec_id repeats in the prediction: a record in two clusters")
    strangers = predicted.join(truth, on="rec_id", how="anti")
    if strangers.height:
        raise ValueError(f"{strangers.height} predicted rec_id not in the truth, e.g. "
                         f"{strangers['rec_id'][0]!r}")  # fmt: skip
    clusters = predicted.select(pl.col("rec_id"), pl.col("cluster_id").cast(pl.String))
    joined = truth.join(clusters, on="rec_id", how="left")
    missing = joined["cluster_id"].null_count()
    # "\x00" + rec_id cannot collide with a real cluster id's text: a singleton per record.
    joined = joined.with_columns(pl.col("cluster_id").fill_null(pl.lit("\x00") + pl.col("rec_id")))
    return joined, missing


def pairwise_scores(truth: pl.DataFrame, predicted: pl.DataFrame, *, link: bool) -> Scores:
    """Scores of `predicted` (rec_id, cluster_id) against `truth` (rec_id, entity_id[, source])."""
    columns = ["rec_id", "entity_id", *(["source"] if link else [])]
    truth = truth.select(pl.col(c).cast(pl.String) for c in columns)
    predicted = predicted.select(pl.col("rec_id").cast(pl.String), pl.col("cluster_id"))
    if link and not truth["source"].is_in(["a", "b"]).all():
        raise ValueError('linkage needs source "a" or "b" on every record of the truth')
    joined, missing = _joined(truth, predicted)
    return Scores(
        true_pairs=_pairs_within(joined, ["entity_id"], link),
        predicted_pairs=_pairs_within(joined, ["cluster_id"], link),
        true_positives=_pairs_within(joined, ["entity_id", "cluster_id"], link),
        unclustered=missing,
    )


def legitimate_scores(truth: pl.DataFrame, predicted: pl.DataFrame) -> Scores:
    """Scores over the pairs of two legitimate applicants' records (``is_dprk`` false on both
    in the truth): whether linking keeps real people whole and apart, with the personas'
    records, and any pair that joins one to a real person, left out."""
    legitimate = truth.filter(~pl.col("is_dprk"))
    kept = predicted.join(legitimate.select(pl.col("rec_id").cast(pl.String)), on="rec_id",
                          how="semi")  # fmt: skip
    return pairwise_scores(legitimate, kept, link=False)


def mixed_clusters(truth: pl.DataFrame, predicted: pl.DataFrame) -> int:
    """Clusters holding both a persona's record and a legitimate applicant's (``is_dprk``
    true and false): a real person merged into a scheme's identity, or the reverse."""
    rec_id = pl.col("rec_id").cast(pl.String)
    joined, _ = _joined(truth.select(rec_id, "is_dprk"), predicted.select(rec_id, "cluster_id"))
    both = joined.group_by("cluster_id").agg(pl.col("is_dprk").n_unique().alias("kinds"))
    return both.filter(pl.col("kinds") > 1).height


def score_files(truth: Path, predicted: Path, *, link: bool, legit: bool = False) -> Scores:
    if legit:
        return legitimate_scores(pl.read_parquet(truth), pl.read_parquet(predicted))
    return pairwise_scores(pl.read_parquet(truth), pl.read_parquet(predicted), link=link)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("truth", type=Path, help="rec_id, entity_id[, source] Parquet")
    parser.add_argument("predicted", type=Path, help="rec_id, cluster_id Parquet")
    parser.add_argument("--link", action="store_true", help="count only pairs across sources")
    args = parser.parse_args()
    print(json.dumps(score_files(args.truth, args.predicted, link=args.link).as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
