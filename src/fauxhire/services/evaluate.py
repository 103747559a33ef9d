"""Score what the store holds against a truth folder: the store read here, the scoring pure."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from fauxhire.evaluation import Evaluation, Predictions, evaluate, load_truth, make_predictions
from fauxhire.store import Store
from fauxhire.store import schema as s
from fauxhire.store.outputs import latest_report, read_assessments, read_links

log = logging.getLogger(__name__)


def evaluate_store(store: Store, truth_folder: Path) -> Evaluation:
    """Every stage's output in ``store`` against the truth folder (docs/truth.md).

    Raises ConfigError, naming file, line and field, when the truth folder is not valid.
    """
    truth = load_truth(truth_folder)  # first: a bad folder should fail before a long read
    log.info(
        "truth: %d applications, %d identities", truth.applications.height, truth.identities.height
    )
    return evaluate(truth, read_predictions(store))


def read_predictions(store: Store) -> Predictions:
    a = s.applications
    with store.transaction("evaluate_applications") as conn:
        applications = conn.execute(select(a.c.company_id, a.c.application_id)).all()
    probabilities = [(r.subject_id, r.probability) for r in read_assessments(store, "identity")]
    return make_predictions(applications, read_links(store), probabilities, latest_report(store))
