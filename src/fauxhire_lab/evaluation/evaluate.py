"""Every stage's output against the truth in one call, with the reason for each one missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from fauxhire_lab.evaluation.report import ReportScores, compare_report
from fauxhire_lab.evaluation.scores import (
    Coverage,
    DetectionScores,
    Evaluation,
    Missing,
    NetworkScores,
)
from fauxhire_lab.evaluation.stages import (
    APP_KEY,
    link_truth,
    score_detection,
    score_hard_cases,
    score_identities,
    score_networks,
)
from fauxhire_lab.evaluation.truth import Truth

NO_LINKS = "the store holds no links: identity resolution has not run"


@dataclass(frozen=True, slots=True)
class Predictions:
    """What the store holds, as frames. Build with ``make_predictions``."""

    applications: pl.DataFrame  # company_id, application_id
    links: pl.DataFrame  # company_id, application_id, identity_id, network_id (nullable)
    probabilities: pl.DataFrame  # identity_id, probability: the identity assessments
    report: dict[str, Any] | None  # the latest report's figures


def make_predictions(
    applications: Sequence[Sequence[Any]],
    links: Sequence[Sequence[Any]],
    probabilities: Sequence[Sequence[Any]],
    report: dict[str, Any] | None,
) -> Predictions:
    """Frames from rows: (company_id, application_id); (company_id, application_id,
    identity_id, network_id); (identity_id, probability) of the identity assessments."""
    return Predictions(
        applications=pl.DataFrame(
            applications, schema=dict.fromkeys(APP_KEY, pl.String), orient="row"
        ),
        links=pl.DataFrame(
            links,
            schema=dict.fromkeys((*APP_KEY, "identity_id", "network_id"), pl.String),
            orient="row",
        ),
        probabilities=pl.DataFrame(
            probabilities,
            schema={"identity_id": pl.String, "probability": pl.Float64},
            orient="row",
        ),
        report=report,
    )


def evaluate(truth: Truth, predictions: Predictions) -> Evaluation:
    truth_apps = truth.applications
    store_apps = predictions.applications.unique()
    coverage = Coverage(
        truth=truth_apps.height,
        in_store=truth_apps.join(store_apps, on=APP_KEY, how="semi").height,
        unknown_to_truth=store_apps.join(truth_apps, on=APP_KEY, how="anti").height,
    )
    links = predictions.links
    linked = link_truth(truth_apps, links)
    has_links = links.height > 0
    missing_links = Missing(NO_LINKS)
    return Evaluation(
        truth=truth.folder,
        applications=coverage,
        identities=score_identities(linked) if has_links else missing_links,
        networks=_networks(truth, links, linked),
        detection=_detection(truth, predictions, linked),
        hard_cases=score_hard_cases(linked, truth.identities) if has_links else missing_links,
        report=_report(truth, predictions),
    )


def _networks(truth: Truth, links: pl.DataFrame, linked: pl.DataFrame) -> NetworkScores | Missing:
    if links.height == 0:
        return Missing(NO_LINKS)
    if links.get_column("network_id").null_count() == links.height:
        return Missing("no link carries a network: network resolution has not run")
    if not truth.identities.get_column("population").eq("dprk").any():
        return Missing("the truth has no dprk identities to group into networks")
    return score_networks(linked, truth.identities)


def _detection(
    truth: Truth, predictions: Predictions, linked: pl.DataFrame
) -> DetectionScores | Missing:
    if predictions.probabilities.height == 0:
        return Missing("the store holds no identity assessments: assessment has not run")
    if predictions.links.height == 0:
        return Missing(
            "the store holds identity assessments but no links to tie them to applications"
        )
    return score_detection(linked, truth.identities, predictions.probabilities)


def _report(truth: Truth, predictions: Predictions) -> ReportScores | Missing:
    if predictions.report is None:
        return Missing("the store holds no report: the report stage has not run")
    return compare_report(predictions.report, truth.report)
