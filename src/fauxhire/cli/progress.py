"""Progress on stderr while files are ingested: a bar a format, or one bar for a folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from fauxhire.cli.console import err

if TYPE_CHECKING:
    from fauxhire.services import FileResult


class FormatBars:
    """Rich progress on stderr: a bar a format, counting its files, and the items stored."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None
        self.label = ""
        self.items = 0

    def files_started(self, fmt: str, files: int) -> None:
        self.label, self.items = f"ingest {fmt}", 0
        self.task = self.progress.add_task(self.label, total=files)

    def advanced(self, items: int) -> None:
        self.items += items
        self.progress.update(self.task, description=f"{self.label}: {self.items:,} items")

    def file_done(self, result: FileResult) -> None:
        self.progress.advance(self.task, 1)


class OneBar:
    """Progress of a whole folder as one bar: a demo world has thousands of small files."""

    def __init__(self, progress: Progress, description: str) -> None:
        self.progress = progress
        self.task = progress.add_task(description, total=0)

    def files_started(self, fmt: str, files: int) -> None:
        total = self.progress.tasks[self.task].total or 0
        self.progress.update(self.task, description=f"ingest {fmt}", total=total + files)

    def advanced(self, items: int) -> None:
        return None

    def file_done(self, result: FileResult) -> None:
        self.progress.advance(self.task, 1)


@contextmanager
def progress_bars() -> Iterator[FormatBars]:
    """Bars shown while stderr is a terminal; none in a pipe or a log."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as progress:
        yield FormatBars(progress)
