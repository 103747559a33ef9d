"""Reading resume text from the files an ATS export points at (.txt, .pdf, .docx).

The export names each file by a path relative to the JSON file. That path comes from outside,
so it is resolved against the export's folder and must stay inside it: ``../`` escapes,
absolute paths and ``file:`` URLs are refused. Links to cloud storage (signed S3 URLs) are not
fetched, since adapters do no network I/O; they are noted as skipped.

A resume that cannot be read never stops its application: the reason is returned for the
record's ``extra`` and logged at warning level.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

MAX_RESUME_FILE_BYTES = 20 * 1024 * 1024  # larger files are not resumes; parsing them is slow
READERS = (".txt", ".pdf", ".docx")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(slots=True)
class ResumeResult:
    """The text of the first readable resume, and what happened to the others."""

    text: str | None = None
    file: str | None = None
    skipped: list[str] = field(default_factory=list)  # remote URLs we do not fetch
    errors: list[str] = field(default_factory=list)

    def extra(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.file:
            out["resume_file"] = self.file
        if self.skipped:
            out["resume_skipped"] = self.skipped
        if self.errors:
            out["resume_error"] = "; ".join(self.errors)
        return out


class ResumeError(Exception):
    """A resume reference that cannot be turned into text; the message says why."""


def read_resumes(urls: Iterable[str], base: Path, *, max_chars: int) -> ResumeResult:
    """Try each resume reference in order; the first that yields text wins."""
    result = ResumeResult()
    for url in dict.fromkeys(urls):  # an application and its candidate often list the same file
        if _is_remote(url):
            result.skipped.append(url)
            continue
        try:
            path = resolve_inside(url, base)
            text = read_text(path)
        except ResumeError as exc:
            logger.warning("resume %r not read: %s", url, exc)
            result.errors.append(f"{url}: {exc}")
            continue
        if len(text) > max_chars:
            logger.warning("resume %r truncated to %d characters", url, max_chars)
            text = text[:max_chars]
        result.text, result.file = text, url
        break
    return result


def _is_remote(url: str) -> bool:
    return urlsplit(url).scheme.lower() in {"http", "https"}


def resolve_inside(url: str, base: Path) -> Path:
    """The file a relative reference names, refusing anything outside ``base``'s tree."""
    if _WINDOWS_DRIVE.match(url):  # "C:\\cv.pdf" would otherwise parse as a URL scheme "c"
        raise ResumeError("path must be relative to the JSON file's folder")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise ResumeError(f"only relative paths are read, not {parts.scheme or 'network'} URLs")
    raw = unquote(parts.path).replace("\\", "/")
    if not raw or PurePosixPath(raw).is_absolute():
        raise ResumeError("path must be relative to the JSON file's folder")
    root = base.resolve()
    path = (root / raw).resolve()  # resolves symlinks too, so a link cannot point outside
    if not path.is_relative_to(root):
        raise ResumeError("path leaves the export folder")
    return path


def read_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise ResumeError(f"unsupported resume type {suffix or '(none)'!r}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ResumeError(f"cannot read file: {exc.strerror}") from exc
    if size > MAX_RESUME_FILE_BYTES:
        raise ResumeError(f"file is {size} bytes, over the {MAX_RESUME_FILE_BYTES}-byte limit")
    try:
        if suffix == ".txt":
            return path.read_bytes().decode("utf-8", errors="replace")
        if suffix == ".pdf":
            return _pdf_text(path)
        return _docx_text(path)
    except OSError as exc:
        raise ResumeError(f"cannot read file: {exc.strerror}") from exc
    except Exception as exc:
        # Parsers of untrusted files fail in many ways (struct, zip, XML, recursion errors);
        # any of them only means this resume has no text for us.
        raise ResumeError(f"cannot parse {suffix} file: {type(exc).__name__}: {exc}") from exc


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader  # imported here: only exports with PDF resumes pay for it

    reader = PdfReader(path)
    return "\n".join(page.extract_text() or "" for page in reader.pages).strip()


def _docx_text(path: Path) -> str:
    import docx  # python-docx; imported here for the same reason

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(line for line in lines if line.strip())
