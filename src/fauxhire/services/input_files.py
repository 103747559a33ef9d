"""The files an ingest reads: the regular files among those given (a folder standing for its
files of the format), and an input folder's files by the format registry's layout. Anything
that is not a regular file is refused, saying so, and never opened.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from fauxhire.errors import ConfigError
from fauxhire.ingest import FOLDER_LAYOUT, Format, get_format
from fauxhire.ingest.reading import relative_display
from fauxhire.services.file_results import FileResult

log = logging.getLogger(__name__)


def readable_files(
    fmt: Format, paths: Sequence[Path], root: Path | None = None
) -> tuple[list[Path], list[FileResult]]:
    """The regular files among ``paths``, a folder standing for the files of the format inside
    it (``*.jsonl`` for applications), and a refused result for anything else: a FIFO would
    block the ingest for ever, and a device or socket is no file a user meant to give."""
    files: list[Path] = []
    unread: list[FileResult] = []
    for path in paths:
        shown = relative_display(path, root)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            unread.append(_unread(shown, fmt, f"cannot read it: {exc.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            inside = _files_in(path, fmt)
            log.info("%s: a folder; ingesting the %d %s files in it", shown, len(inside), fmt.name)
            more, refused = readable_files(fmt, inside, root)
            files += more
            unread += refused
        elif stat.S_ISREG(mode):
            files.append(path)
        else:
            unread.append(_unread(shown, fmt, f"not a regular file ({_kind(mode)}): not read"))
    return files, unread


def _files_in(folder: Path, fmt: Format) -> list[Path]:
    """The files of the format's suffix below a folder, in name order, without following
    links to folders (a link loop would never end)."""
    suffix = fmt.suffix
    found = []
    for top, _, names in os.walk(folder):
        found += [Path(top) / n for n in names if n.endswith(suffix) and not n.startswith(".")]
    return sorted(found)


def _unread(shown: str, fmt: Format, reason: str) -> FileResult:
    log.error("%s: refused: %s", shown, reason)
    return FileResult(shown, fmt.name, "refused", 0, 0, error=reason)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def folder_files(folder: Path) -> list[tuple[Format, list[Path]]]:
    """The files of an input folder (docs/formats.md section 1), by format, in ingest order."""

    if not folder.is_dir():
        raise ConfigError(f"not a folder: {folder}", path=str(folder))
    if not (folder / "companies.csv").is_file():
        raise ConfigError(
            f"{folder} is not an input folder: it has no companies.csv (docs/formats.md section 1)",
            path=str(folder),
        )
    found: dict[str, list[Path]] = {}  # a format may have several globs: one ingest for all
    root = folder.resolve()
    for name, pattern in FOLDER_LAYOUT:
        paths = sorted(p for p in folder.glob(pattern) if _wanted(p, folder, root))
        if paths:
            found.setdefault(name, []).extend(paths)
    return [(get_format(name), paths) for name, paths in found.items()]


def _wanted(path: Path, folder: Path, root: Path) -> bool:
    """A regular file of the folder. A link to a file outside it is skipped, saying so: the
    folder may come from a partner, and a link could make us read (and quarantine excerpts
    of) any file this user can read. Anything but a regular file is skipped, saying so."""
    shown = relative_display(path, folder)
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        log.warning("%s: skipped: a link to a file outside the input folder", shown)
        return False
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        log.warning("%s: skipped: cannot read it: %s", shown, exc.strerror)
        return False
    if stat.S_ISDIR(mode):
        return False
    if not stat.S_ISREG(mode):
        log.warning("%s: skipped: not a regular file (%s)", shown, _kind(mode))
        return False
    return True
