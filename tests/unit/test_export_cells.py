"""CSV cells that a spreadsheet would read as formulas are written as text (OWASP)."""

from __future__ import annotations

import pytest

from fauxhire.services.export import inert_cell


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A2", "@SUM(1+1)", "+1+1", "-2+3",
     "\t=1", "\r=1", "'=1"],
)  # fmt: skip
def test_a_cell_that_starts_a_formula_starts_with_a_quote(value: str) -> None:
    assert inert_cell(value) == "'" + value
    assert inert_cell(value)[1:] == value  # one "'" stripped gives the value back, always


@pytest.mark.parametrize("value", ["c-1", "4000123", "i-82", "a=b", "O'Brien", ""])
def test_other_cells_are_written_as_they_are(value: str) -> None:
    assert inert_cell(value) == value


def test_none_is_an_empty_cell() -> None:
    assert inert_cell(None) == ""
