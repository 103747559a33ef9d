"""What evaluation finds, stage by stage, as plain values with a ``to_json()``.

A stage whose output the store does not hold is ``Missing`` with the reason, never a score of
zero: a zero would read as "the stage ran and got everything wrong".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fauxhire_lab.evaluation.calibration import Calibration
from fauxhire_lab.evaluation.metrics import PRF
from fauxhire_lab.evaluation.report import ReportScores


@dataclass(frozen=True, slots=True)
class Missing:
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"status": "missing", "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``total`` (identities, mostly), with the rate; 0.0 of nothing."""

    count: int
    total: int

    @property
    def rate(self) -> float:
        return self.count / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "total": self.total, "rate": self.rate}


@dataclass(frozen=True, slots=True)
class IdentityScores:
    """Applications grouped into identities, against the true identities."""

    applications: int  # of the truth, each scored whether the store holds it or not
    unlinked: int  # of those, with no link: each counted as an identity alone
    pairwise: PRF
    bcubed: PRF

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "scored",
            "applications": self.applications,
            "unlinked": self.unlinked,
            "pairwise": self.pairwise.to_json(),
            "bcubed": self.bcubed.to_json(),
        }


@dataclass(frozen=True, slots=True)
class NetworkScores:
    """True dprk identities grouped into networks, and legitimate people put into one."""

    identities: int  # true dprk identities
    bcubed: PRF
    legitimate_in_network: Share

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "scored",
            "identities": self.identities,
            "bcubed": self.bcubed.to_json(),
            "legitimate_in_network": self.legitimate_in_network.to_json(),
        }


# The detection stage's targets (the assessment issue): flagging at "likely" or higher.
PRECISION_TARGET = 0.95  # at least
RECALL_TARGET = 0.90  # at least
FALSE_POSITIVE_TARGET = 0.001  # at most, of all legitimate identities
HARD_CASE_FALSE_POSITIVE_TARGET = 0.01  # at most, of the identities of each hard-case kind


@dataclass(frozen=True, slots=True)
class DetectionScores:
    """Each true identity scored by its highest assessed probability; positive = dprk."""

    identities: int
    positives: int
    unassessed: int  # true identities no assessed identity holds an application of: score 0
    threshold: float
    flagged: PRF  # precision and recall of "likely or higher"
    average_precision: float | None  # None without positives
    false_positives: Share  # flagged legitimate identities, of all legitimate ones
    calibration: Calibration  # over every scored identity, the unassessed at 0
    false_positives_by_hard_case: dict[str, Share] = field(default_factory=dict)
    false_positives_no_hard_case: Share = Share(0, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "scored",
            "identities": self.identities,
            "positives": self.positives,
            "unassessed": self.unassessed,
            "threshold": self.threshold,
            "precision": self.flagged.precision,
            "recall": self.flagged.recall,
            "f1": self.flagged.f1,
            "average_precision": self.average_precision,
            "false_positive_rate": self.false_positives.rate,
            "false_positives": self.false_positives.to_json(),
            "false_positives_by_hard_case": {
                kind: share.to_json() for kind, share in self.false_positives_by_hard_case.items()
            },
            "false_positives_no_hard_case": self.false_positives_no_hard_case.to_json(),
            **self.calibration.to_json(),
        }


@dataclass(frozen=True, slots=True)
class HardCaseScores:
    """Per hard-case kind, the identities wrongly merged (with another or into a network)."""

    by_kind: dict[str, Share]
    any: Share  # identities with at least one hard case
    no_hard_case: Share  # legitimate identities with none, for contrast

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "scored",
            "wrongly_merged": {kind: share.to_json() for kind, share in self.by_kind.items()},
            "any": self.any.to_json(),
            "no_hard_case": self.no_hard_case.to_json(),
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """How the truth's applications and the store's line up; explains low scores at a glance."""

    truth: int  # applications in the truth
    in_store: int  # of those, held by the store
    unknown_to_truth: int  # applications in the store that the truth does not list

    def to_json(self) -> dict[str, int]:
        return {
            "truth": self.truth,
            "in_store": self.in_store,
            "unknown_to_truth": self.unknown_to_truth,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    truth: Path
    applications: Coverage
    identities: IdentityScores | Missing
    networks: NetworkScores | Missing
    detection: DetectionScores | Missing
    hard_cases: HardCaseScores | Missing
    report: ReportScores | Missing

    def stages(self) -> dict[str, Any]:
        return {
            "identities": self.identities,
            "networks": self.networks,
            "detection": self.detection,
            "hard_cases": self.hard_cases,
            "report": self.report,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "truth": str(self.truth),
            "applications": self.applications.to_json(),
            "stages": {name: stage.to_json() for name, stage in self.stages().items()},
        }
