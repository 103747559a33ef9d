"""Resume files attached to Greenhouse candidates, as .txt, .pdf and .docx like real uploads.

PDF and DOCX cost milliseconds each to write, so a world has a bounded number of them (enough
that every reader is exercised on every run) and plain text for the rest.
"""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, datetime

from fauxhire_lab.world.model import Application
from fauxhire_lab.world.sink import FolderSink

ATTACHED = 0.4  # candidates who uploaded a resume file
RICH_SHARE = 0.1  # of those, each of PDF and DOCX
RICH_MAX = 150  # PDF and DOCX files per world, each
_FIXED = datetime(2025, 7, 1, tzinfo=UTC)


class ResumeFiles:
    def __init__(self, sink: FolderSink) -> None:
        self.sink = sink
        self.written = {"pdf": 0, "docx": 0, "txt": 0}

    def attach(self, rng: random.Random, app: Application) -> str | None:
        """Write the application's resume as a file; its URL relative to the Greenhouse JSON."""
        if rng.random() >= ATTACHED:
            return None
        roll = rng.random()
        kind = "txt"
        if roll < RICH_SHARE and self.written["pdf"] < RICH_MAX:
            kind = "pdf"
        elif roll < 2 * RICH_SHARE and self.written["docx"] < RICH_MAX:
            kind = "docx"
        self.written[kind] += 1
        name = f"resume_{app.company.company_id}_{app.candidate_id}.{kind}"
        content = {"txt": _txt, "pdf": _pdf, "docx": _docx}[kind](app.resume)
        self.sink.file(f"greenhouse/attachments/{name}", content)
        return f"attachments/{name}"


def _txt(text: str) -> bytes:
    return text.encode()


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(_FIXED)  # the same seed must give the same bytes
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    safe = text.encode("latin-1", "replace").decode("latin-1")  # the core fonts are Latin-1
    pdf.multi_cell(0, 5, safe)
    return bytes(pdf.output())


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.core_properties.created = document.core_properties.modified = _FIXED
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The archive with every member dated _FIXED: zipfile stamps members with the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED.timetuple()[:6])
            fixed.compress_type = info.compress_type
            dst.writestr(fixed, src.read(info))
    return out.getvalue()
