"""Reading resume text from the files an ATS export points at (.txt, .pdf, .docx).

The export names each file by a path relative to the JSON file. That path comes from outside,
so it is resolved against the export's folder and must stay inside it: ``../`` escapes,
absolute paths and ``file:`` URLs are refused. Links to cloud storage (signed S3 URLs) are not
fetched, since adapters do no network I/O; they are noted as skipped.

A resume that cannot be read never stops its application: the reason is returned for the
record's ``extra`` and logged at warning level.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from fauxhire.ingest.base import InputLimits

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


class ResumeReader:
    """Reads the resumes one export file points at: each resume file once, however many
    applications name it, with one open and one read.

    The export's folder and each folder below it are resolved once (a symlink among them may
    not lead outside); a resume file is opened without following a symlink, and one that is a
    symlink is followed only to a file inside the folder.
    """

    def __init__(self, base: Path, *, max_chars: int, limits: InputLimits | None = None) -> None:
        self.base = base
        self.max_chars = max_chars
        self.limits = limits or InputLimits()
        self._dirs: dict[tuple[str, ...], str | ResumeError] = {}
        self._texts: dict[str, str | ResumeError] = {}

    def read(self, urls: Iterable[str]) -> ResumeResult:
        """Try each resume reference in order; the first that yields text wins."""
        result = ResumeResult()
        for url in dict.fromkeys(urls):  # an application and its candidate often list one file
            if _is_remote(url):
                result.skipped.append(url)
                continue
            text = self._texts.get(url)
            if text is None:
                text = self._texts[url] = self._read(url)
            if isinstance(text, ResumeError):
                logger.warning("resume %r not read: %s", url, text)
                result.errors.append(f"{url}: {text}")
                continue
            if len(text) > self.max_chars:
                logger.warning("resume %r truncated to %d characters", url, self.max_chars)
                text = text[: self.max_chars]
            result.text, result.file = text, url
            break
        return result

    def _read(self, url: str) -> str | ResumeError:
        try:
            names = _relative_parts(url)
            if names is None:  # ".", ".." or empty parts: resolve the general, slower way
                return read_text(resolve_inside(url, self.base), self.limits)
            return self._read_in(self._dir(names[:-1]), names[-1])
        except ResumeError as exc:
            return exc

    def _dir(self, names: tuple[str, ...]) -> str:
        found = self._dirs.get(names)
        if found is None:
            try:
                found = self._resolve_dir(names)
            except ResumeError as exc:
                found = exc
            self._dirs[names] = found
        if isinstance(found, ResumeError):
            raise found
        return found

    def _resolve_dir(self, names: tuple[str, ...]) -> str:
        # Plain strings, not Path objects: this runs for every resume of a large export.
        if not names:
            return os.path.realpath(self.base)
        path = os.path.join(self._dir(names[:-1]), names[-1])
        if os.path.islink(path):
            return self._inside(os.path.realpath(path))
        return path

    def _inside(self, path: str) -> str:
        root = self._dir(())
        if path != root and not path.startswith(root.rstrip(os.sep) + os.sep):
            raise ResumeError("path leaves the export folder")
        return path

    def _read_in(self, directory: str, name: str) -> str:
        path = os.path.join(directory, name)
        suffix = _suffix(name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise ResumeError(f"cannot read file: {exc.strerror}") from exc
            # A symlink: followed only to a file inside the folder.
            return read_text(Path(self._inside(os.path.realpath(path))), self.limits)
        return _text_of(suffix, _read_fd(fd), self.limits)


def _relative_path(url: str) -> str:
    """The path a relative reference names; anything but a relative path is refused."""
    if _WINDOWS_DRIVE.match(url):  # "C:\\cv.pdf" would otherwise parse as a URL scheme "c"
        raise ResumeError("path must be relative to the JSON file's folder")
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise ResumeError(f"only relative paths are read, not {parts.scheme or 'network'} URLs")
    raw = unquote(parts.path).replace("\\", "/")
    if not raw or PurePosixPath(raw).is_absolute():
        raise ResumeError("path must be relative to the JSON file's folder")
    return raw


def _relative_parts(url: str) -> tuple[str, ...] | None:
    """The parts of the path, or None when one is "", "." or ".." (no fast path for those)."""
    names = tuple(_relative_path(url).split("/"))
    return None if any(n in ("", ".", "..") for n in names) else names


def _is_remote(url: str) -> bool:
    return urlsplit(url).scheme.lower() in {"http", "https"}


def resolve_inside(url: str, base: Path) -> Path:
    """The file a relative reference names, refusing anything outside ``base``'s tree."""
    raw = _relative_path(url)
    root = base.resolve()
    path = (root / raw).resolve()  # resolves symlinks too, so a link cannot point outside
    if not path.is_relative_to(root):
        raise ResumeError("path leaves the export folder")
    return path


def read_text(path: Path, limits: InputLimits | None = None) -> str:
    suffix = _suffix(path.name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ResumeError(f"cannot read file: {exc.strerror}") from exc
    return _text_of(suffix, _read_fd(fd), limits or InputLimits())


def _suffix(name: str) -> str:
    """The file's type by its suffix, one we read, else ResumeError before any I/O."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in READERS:
        raise ResumeError(f"unsupported resume type {suffix or '(none)'!r}")
    return suffix


def _read_fd(fd: int) -> bytes:
    """The whole of a regular file, from an open descriptor that this closes."""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ResumeError("not a regular file")
        if info.st_size > MAX_RESUME_FILE_BYTES:
            raise ResumeError(
                f"file is {info.st_size} bytes, over the {MAX_RESUME_FILE_BYTES}-byte limit"
            )
        chunks = []
        while chunk := os.read(fd, max(info.st_size + 1, 1 << 16)):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise ResumeError(f"cannot read file: {exc.strerror}") from exc
    finally:
        os.close(fd)


def _text_of(suffix: str, data: bytes, limits: InputLimits) -> str:
    """The text of a resume file. NUL characters are dropped: they carry nothing in a resume's
    text (PDF extraction leaves some) and PostgreSQL cannot store them."""
    try:
        if suffix == ".txt":
            return data.decode("utf-8", errors="replace").replace("\x00", "")
        if suffix == ".pdf":
            return _pdf_text(io.BytesIO(data), limits).replace("\x00", "")
        _check_docx(data, limits)
        return _docx_text(io.BytesIO(data)).replace("\x00", "")
    except ResumeError:
        raise
    except Exception as exc:
        # Parsers of untrusted files fail in many ways (struct, zip, XML, recursion errors);
        # any of them only means this resume has no text for us.
        raise ResumeError(f"cannot parse {suffix} file: {type(exc).__name__}: {exc}") from exc


def _pdf_text(data: io.BytesIO, limits: InputLimits) -> str:
    # Imported here: only exports with PDF resumes pay for it.
    from pypdf import PdfReader, apply_configuration

    # pypdf's own decompression limits (75 MB a stream by default), set to ours.
    most = limits.document_bytes
    with apply_configuration(
        maximum_declared_stream_length=most,
        array_based_stream_maximum_output_length=most,
        zlib_maximum_output_length=most,
        lzw_maximum_output_length=most,
        run_length_maximum_output_length=most,
        jbig2_maximum_output_length=most,
    ):
        reader = PdfReader(data)
        pages = len(reader.pages)
        if pages > limits.document_pages:
            raise ResumeError(
                f"the PDF has {pages} pages, over the limit of {limits.document_pages} "
                "(max_document_pages)"
            )
        texts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            texts.append(text)
            size += len(text)
            if size > most:  # more than any resume: the rest would be cut off anyway
                break
    return "\n".join(texts).strip()


def _check_docx(data: bytes, limits: InputLimits) -> None:
    """Refuse a .docx whose parts decompress to more than the limit, or hold more XML elements:
    python-docx inflates and parses every part whole, and 600 KB of zip can hold 200 MB of
    paragraphs. zipfile stops each part at its declared size (a part that lies about its size
    fails its CRC), so the declared sizes bound the work."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        size = sum(info.file_size for info in infos)
        if size > limits.document_bytes:
            raise ResumeError(
                f"the .docx decompresses to {size} bytes, over the {limits.document_bytes}-byte "
                "limit (max_document_bytes)"
            )
        elements = 0
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                xml = archive.read(info)
                elements += xml.count(b"<") - xml.count(b"</") - xml.count(b"<?")
        if elements > limits.document_elements:
            raise ResumeError(
                f"the .docx holds about {elements} XML elements, over the limit of "
                f"{limits.document_elements} (max_document_elements)"
            )


def _docx_text(data: io.BytesIO) -> str:
    import docx  # python-docx; imported here for the same reason

    document = docx.Document(data)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(line for line in lines if line.strip())
