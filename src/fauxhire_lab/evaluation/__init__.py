"""Score what the store holds against a demo world's truth folder (docs/truth.md).

``load_truth`` reads the folder, ``evaluate`` scores ``Predictions`` against it stage by stage,
``summary_rows`` lays the result out for a terminal. Pure: the services read the store.
"""

from fauxhire_lab.evaluation.evaluate import Predictions, evaluate, make_predictions
from fauxhire_lab.evaluation.scores import Evaluation, Missing
from fauxhire_lab.evaluation.summary import SummaryRow, summary_rows
from fauxhire_lab.evaluation.truth import Truth, load_truth

__all__ = [
    "Evaluation",
    "Missing",
    "Predictions",
    "SummaryRow",
    "Truth",
    "evaluate",
    "load_truth",
    "make_predictions",
    "summary_rows",
]
