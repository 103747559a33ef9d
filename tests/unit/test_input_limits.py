"""Limits on the work one input may cause: YAML alias expansion and .docx resumes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fauxhire.errors import RuleError
from fauxhire.ingest import InputLimits
from fauxhire.ingest.resume import ResumeError, read_text
from fauxhire.services.yaml_bounds import check_yaml_size, expanded_nodes

LAUGHS = 'a: &a ["lol", "lol", "lol"]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n'


def test_expanded_nodes_counts_every_alias_copy() -> None:
    # a: 1 + 3; b: 1 + 3 * 4; c: 1 + 3 * 13; d: 1 + 3 * 40; the root and four keys: 5.
    assert expanded_nodes(LAUGHS) == 4 + 13 + 40 + 121 + 5
    assert expanded_nodes("") == 0


def test_a_yaml_bomb_is_refused_naming_file_and_limit() -> None:
    with pytest.raises(RuleError, match=r"rules\.yaml: .* more than 100 nodes \(max_yaml_nodes\)"):
        check_yaml_size(LAUGHS, "rules.yaml", 100)
    check_yaml_size(LAUGHS, "rules.yaml", 1000)  # under the limit: nothing to say
    check_yaml_size("a: [unclosed", "rules.yaml", 10)  # invalid YAML: the ruleset parser says


def _docx(path: Path, body: bytes) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", body)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_docx_is_refused_by_its_decompressed_size(tmp_path: Path) -> None:
    path = _docx(tmp_path / "cv.docx", b"<w:document>" + b"x" * 50_000 + b"</w:document>")
    limits = InputLimits(document_bytes=10_000)
    with pytest.raises(ResumeError, match=r"over the 10000-byte limit \(max_document_bytes\)"):
        read_text(path, limits)


def test_a_docx_is_refused_by_its_element_count(tmp_path: Path) -> None:
    path = _docx(tmp_path / "cv.docx", b"<w:document>" + b"<w:p/>" * 5_000 + b"</w:document>")
    with pytest.raises(ResumeError, match=r"limit of 1000 \(max_document_elements\)"):
        read_text(path, InputLimits(document_elements=1000))
