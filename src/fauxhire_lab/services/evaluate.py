"""Score what the store holds against a truth folder: the store read here, the scoring pure."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from fauxhire.store import Store
from fauxhire.store import schema as s
from fauxhire.store.outputs import latest_report, read_links
from fauxhire_lab.evaluation import Evaluation, Predictions, evaluate, load_truth, make_predictions
from fauxhire_lab.evaluation.truth import Truth

log = logging.getLogger(__name__)


def evaluate_store(store: Store, truth_folder: Path | Truth) -> Evaluation:
    """Every stage's output in ``store`` against the truth folder (docs/truth.md), or against
    its truth loaded already (the CLI loads it before it opens the store).

    Raises ConfigError, naming file, line and field, when the truth folder is not valid.
    """
    # First: a bad folder should fail before a long read.
    truth = truth_folder if isinstance(truth_folder, Truth) else load_truth(truth_folder)
    log.info(
        "truth: %d applications, %d identities", truth.applications.height, truth.identities.height
    )
    return evaluate(truth, read_predictions(store))


def read_predictions(store: Store) -> Predictions:
    a = s.applications
    with store.transaction("evaluate_applications") as conn:
        applications = conn.execute(select(a.c.company_id, a.c.application_id)).all()
    t = s.assessments
    with store.transaction("evaluate_assessments") as conn:
        # Only what scoring needs: parsing every identity's evidence JSON would dominate.
        probabilities = conn.execute(
            select(t.c.subject_id, t.c.probability).where(t.c.subject_kind == "identity")
        ).all()
    return make_predictions(applications, read_links(store), probabilities, latest_report(store))
