"""What an ingest made of each file, and of each format's files together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileResult:
    file: str
    format: str
    status: str  # done | skipped (already ingested) | refused
    records: int
    quarantined: int
    resumed_from: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What one format's files came to: the counts the log and the CLI show."""

    format: str
    files: int
    done: int
    skipped: int
    refused: int
    records: int  # of the files ingested or refused now; skipped files add nothing
    quarantined: int


def summarise(results: Sequence[FileResult]) -> list[IngestSummary]:
    """One summary a format, in the order the formats came."""
    by_format: dict[str, list[FileResult]] = {}
    for r in results:
        by_format.setdefault(r.format, []).append(r)
    out = []
    for fmt, group in by_format.items():
        worked = [r for r in group if r.status != "skipped"]
        out.append(
            IngestSummary(
                fmt,
                len(group),
                sum(r.status == "done" for r in group),
                len(group) - len(worked),
                sum(r.status == "refused" for r in group),
                sum(r.records for r in worked),
                sum(r.quarantined for r in worked),
            )
        )
    return out
