"""Score each stage's output against the truth: pure functions on polars frames.

Every stage starts from ``link_truth``: the truth's applications, each with the identity and
network the store linked it to (null where it has none). Applications in the store that the
truth does not list take no part: the truth cannot say whether they were linked well.
"""

from __future__ import annotations

import polars as pl

from fauxhire.domain.levels import level_floor
from fauxhire_lab.evaluation.calibration import calibration
from fauxhire_lab.evaluation.metrics import (
    PRF,
    average_precision_frame,
    bcubed_scores,
    pairwise_scores,
    ratio,
    singletons_for_nulls,
)
from fauxhire_lab.evaluation.scores import (
    DetectionScores,
    HardCaseScores,
    IdentityScores,
    NetworkScores,
    Share,
)

APP_KEY = ("company_id", "application_id")
_legitimate_plain = (pl.col("population") == "legitimate") & (pl.col("hard_cases").list.len() == 0)
LIKELY = level_floor("likely")  # docs/formats.md section 11


def link_truth(applications: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """The truth's applications with ``linked_identity`` and ``linked_network`` (nullable)."""
    linked = links.select(
        *APP_KEY,
        pl.col("identity_id").alias("linked_identity"),
        pl.col("network_id").alias("linked_network"),
    )
    return applications.join(linked, on=APP_KEY, how="left")


def score_identities(linked: pl.DataFrame) -> IdentityScores:
    items = linked.select(
        pl.col("identity_id").alias("truth"),
        singletons_for_nulls(pl.col("linked_identity")).alias("predicted"),
    )
    return IdentityScores(
        applications=linked.height,
        unlinked=linked.get_column("linked_identity").null_count(),
        pairwise=pairwise_scores(items),
        bcubed=bcubed_scores(items),
    )


def score_networks(linked: pl.DataFrame, identities: pl.DataFrame) -> NetworkScores:
    """B-cubed over true dprk identities, each placed in the network most of its applications
    were linked to (ties to a network over none, then to the smallest id; none: alone)."""
    dprk = identities.filter(pl.col("population") == "dprk").select(
        "identity_id", pl.col("network_id").alias("truth")
    )
    votes = (
        linked.filter(pl.col("population") == "dprk")
        .group_by("identity_id", "linked_network")
        .agg(pl.len().alias("votes"))
        .sort(
            ["identity_id", "votes", "linked_network"],
            descending=[False, True, False],
            nulls_last=True,
        )
        .group_by("identity_id", maintain_order=True)
        .agg(pl.col("linked_network").first())
    )
    items = dprk.join(votes, on="identity_id", how="left").select(
        "truth", singletons_for_nulls(pl.col("linked_network")).alias("predicted")
    )
    legitimate = identities.filter(pl.col("population") == "legitimate").height
    return NetworkScores(
        identities=dprk.height,
        bcubed=bcubed_scores(items),
        legitimate_in_network=Share(_networked_legitimate(linked).len(), legitimate),
    )


def score_detection(
    linked: pl.DataFrame, identities: pl.DataFrame, probabilities: pl.DataFrame
) -> DetectionScores:
    """Each true identity scored by the highest probability of the identities holding its
    applications; an application in no assessed identity adds nothing (score 0 at worst)."""
    best = probabilities.group_by("identity_id").agg(pl.col("probability").max())
    per_identity = (
        linked.join(
            best.rename({"identity_id": "linked_identity"}), on="linked_identity", how="left"
        )
        .group_by("identity_id")
        .agg(pl.col("probability").max().alias("score"))
    )
    scored = identities.join(per_identity, on="identity_id", how="left").select(
        "identity_id",
        "hard_cases",
        "population",
        pl.col("score").is_null().alias("unassessed"),
        pl.col("score").fill_null(0.0),
        (pl.col("population") == "dprk").alias("positive"),
        (pl.col("score").fill_null(0.0) >= LIKELY).alias("flagged"),
    )
    counts = scored.select(
        pl.col("positive").sum().alias("positives"),
        pl.col("flagged").sum().alias("flagged"),
        (pl.col("flagged") & pl.col("positive")).sum().alias("hits"),
        pl.col("unassessed").sum().alias("unassessed"),
    ).row(0, named=True)
    legitimate = scored.filter(~pl.col("positive"))
    return DetectionScores(
        identities=scored.height,
        positives=counts["positives"],
        unassessed=counts["unassessed"],
        threshold=LIKELY,
        flagged=PRF(
            ratio(counts["hits"], counts["flagged"]), ratio(counts["hits"], counts["positives"])
        ),
        average_precision=average_precision_frame(scored.select("score", "positive")),
        false_positives=_share(legitimate, "flagged"),
        calibration=calibration(scored.select("score", "positive")),
        false_positives_by_hard_case=_by_kind(legitimate, "flagged"),
        false_positives_no_hard_case=_share(scored.filter(_legitimate_plain), "flagged"),
    )


def score_hard_cases(linked: pl.DataFrame, identities: pl.DataFrame) -> HardCaseScores:
    """Per hard-case kind, the share of identities wrongly merged: sharing a linked identity
    with another true identity, or (legitimate) linked into any network."""
    held = linked.filter(pl.col("linked_identity").is_not_null())
    impure = (
        held.group_by("linked_identity")
        .agg(pl.col("identity_id").n_unique().alias("true_identities"))
        .filter(pl.col("true_identities") > 1)
    )
    merged = held.join(impure, on="linked_identity", how="semi").get_column("identity_id")
    wrong = pl.concat([merged, _networked_legitimate(linked)]).unique()
    judged = identities.select(
        "hard_cases",
        "population",
        pl.col("identity_id").is_in(wrong.implode()).alias("wrong"),
    )
    # docs/truth.md describes hard cases as legitimate people, but the demo generator also
    # gives personas one (common_name); a merge is wrong whoever it happens to, so all count.
    with_cases = judged.filter(pl.col("hard_cases").list.len() > 0)
    return HardCaseScores(
        by_kind=_by_kind(with_cases, "wrong"),
        any=_share(with_cases, "wrong"),
        no_hard_case=_share(judged.filter(_legitimate_plain), "wrong"),
    )


def _networked_legitimate(linked: pl.DataFrame) -> pl.Series:
    """Legitimate identities with any application linked into a network."""
    return (
        linked.filter(
            (pl.col("population") == "legitimate") & pl.col("linked_network").is_not_null()
        )
        .get_column("identity_id")
        .unique()
    )


def _by_kind(frame: pl.DataFrame, flag: str) -> dict[str, Share]:
    per_kind = (
        frame.explode("hard_cases")
        .filter(pl.col("hard_cases").is_not_null())
        .group_by("hard_cases")
        .agg(pl.col(flag).sum().alias("count"), pl.len().alias("total"))
        .sort("hard_cases")
    )
    return {
        row["hard_cases"]: Share(row["count"], row["total"])
        for row in per_kind.iter_rows(named=True)
    }


def _share(frame: pl.DataFrame, flag: str) -> Share:
    return Share(int(frame.get_column(flag).sum()), frame.height)
