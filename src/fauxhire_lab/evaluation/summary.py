"""An evaluation as rows for a terminal table: stage, measure, value, verdict."""

from __future__ import annotations

from typing import NamedTuple

from fauxhire_lab.evaluation.metrics import PRF
from fauxhire_lab.evaluation.report import RELATIVE, FigureCheck, ReportScores
from fauxhire_lab.evaluation.scores import (
    FALSE_POSITIVE_TARGET,
    HARD_CASE_FALSE_POSITIVE_TARGET,
    PRECISION_TARGET,
    RECALL_TARGET,
    DetectionScores,
    Evaluation,
    HardCaseScores,
    IdentityScores,
    Missing,
    NetworkScores,
    Share,
)


class SummaryRow(NamedTuple):
    stage: str
    measure: str
    value: str
    verdict: str  # "pass", "FAIL", "missing" or "" where nothing is judged


def summary_rows(evaluation: Evaluation) -> list[SummaryRow]:
    cover = evaluation.applications
    rows = [
        SummaryRow(
            "applications",
            "in the store, of the truth's",
            f"{cover.in_store} of {cover.truth} ({cover.unknown_to_truth} unknown to the truth)",
            "",
        )
    ]
    for name, stage in evaluation.stages().items():
        if isinstance(stage, Missing):
            rows.append(SummaryRow(name, "", stage.reason, "missing"))
        else:
            rows.extend(SummaryRow(name, *measure) for measure in _measures(stage))
    return rows


Measure = tuple[str, str, str]


def _measures(
    stage: IdentityScores | NetworkScores | DetectionScores | HardCaseScores | ReportScores,
) -> list[Measure]:
    if isinstance(stage, IdentityScores):
        return [
            ("pairwise P / R / F1", _prf(stage.pairwise), ""),
            ("B-cubed P / R / F1", _prf(stage.bcubed), ""),
            ("unlinked applications", f"{stage.unlinked} of {stage.applications}", ""),
        ]
    if isinstance(stage, NetworkScores):
        return [
            (f"B-cubed P / R / F1 over {stage.identities} dprk", _prf(stage.bcubed), ""),
            ("legitimate identities in a network", _share(stage.legitimate_in_network), ""),
        ]
    if isinstance(stage, DetectionScores):
        return _detection_measures(stage)
    if isinstance(stage, HardCaseScores):
        return [
            *((f"wrongly merged: {k}", _share(s), "") for k, s in stage.by_kind.items()),
            ("wrongly merged: any hard case", _share(stage.any), ""),
            ("wrongly merged: no hard case", _share(stage.no_hard_case), ""),
        ]
    return _report_measures(stage)


def _detection_measures(stage: DetectionScores) -> list[Measure]:
    flagged, calibrated = stage.flagged, stage.calibration
    hard_case_target = f"target <= {HARD_CASE_FALSE_POSITIVE_TARGET:.1%}"
    return [
        (
            f"precision at likely (>= {stage.threshold}), target >= {PRECISION_TARGET}",
            f"{flagged.precision:.3f}",
            _pass(flagged.precision >= PRECISION_TARGET),
        ),
        (
            f"recall at likely, target >= {RECALL_TARGET}",
            f"{flagged.recall:.3f}",
            _pass(flagged.recall >= RECALL_TARGET),
        ),
        ("F1 at likely", f"{flagged.f1:.3f}", ""),
        ("average precision (PR-AUC)", _optional(stage.average_precision), ""),
        ("Brier score (0 is perfect)", _optional(calibrated.brier, ".4f"), ""),
        (
            "expected calibration error (10 bins)",
            _optional(calibrated.expected_calibration_error, ".4f"),
            "",
        ),
        (
            f"false positives among legitimate, target <= {FALSE_POSITIVE_TARGET:.1%}",
            _share(stage.false_positives, ".2%"),  # 0.05% is not 0.1%, and passes
            _pass(stage.false_positives.rate <= FALSE_POSITIVE_TARGET),
        ),
        ("unassessed identities", f"{stage.unassessed} of {stage.identities}", ""),
        *(
            (
                f"false positives: {kind}, {hard_case_target}",
                _share(share),
                _pass(share.rate <= HARD_CASE_FALSE_POSITIVE_TARGET),
            )
            for kind, share in stage.false_positives_by_hard_case.items()
        ),
    ]


def _report_measures(report: ReportScores) -> list[Measure]:
    rows: list[Measure] = []
    for name, check in (*report.counts.items(), *report.shares.items()):
        value = f"{_num(check.predicted)} vs {_num(check.truth)}, {_off(check)}"
        rows.append((name, value, _pass(check.passed)))
    for name, dist in report.distributions.items():
        if dist.total_variation is None:
            rows.append((name, "not in the stored report", ""))
            continue
        largest = f"largest {dist.largest_relative_error:.1%} ({dist.largest_key or '-'})"
        rows.append((name, f"TV {dist.total_variation:.3f}, {largest}", ""))
    rows.append(("all counts and shares", "", _pass(report.passed)))
    return rows


def _off(check: FigureCheck) -> str:
    if check.error is None:
        return "n/a"
    return f"{check.error:.1%} off" if check.measure == RELATIVE else f"{check.error:.1f} pp off"


def _prf(scores: PRF) -> str:
    return f"{scores.precision:.3f} / {scores.recall:.3f} / {scores.f1:.3f}"


def _share(share: Share, spec: str = ".1%") -> str:
    return f"{share.count} of {share.total} ({share.rate:{spec}})"


def _num(value: float | None) -> str:
    return "missing" if value is None else f"{value:g}"


def _optional(value: float | None, spec: str = ".3f") -> str:
    return "n/a" if value is None else format(value, spec)


def _pass(passed: bool) -> str:
    return "pass" if passed else "FAIL"
