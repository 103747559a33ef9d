"""Resume text as lines a template would share: what linking and assessment both compare."""

from __future__ import annotations

from typing import Final

import polars as pl

# Lines shorter than this are headings and boilerplate ("EXPERIENCE", "KEY SKILLS").
MIN_LINE: Final = 24
# A dated entry ("Initech, Data Engineer, 2019-present"; "Lake University, B.Sc., 2016"):
# one's own history, which colleagues and classmates share; not a template.
DATED_LINE: Final = r", (?:19|20)\d\d(?:-(?:(?:19|20)\d\d|present))?$"


def resume_lines(text: pl.Expr, min_length: int = MIN_LINE) -> pl.Expr:
    """A resume's distinctive lines (at least ``min_length`` characters), case and spacing
    folded."""
    return (
        text.str.to_lowercase()
        .str.replace_all(r"[ \t]+", " ")
        .str.split("\n")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element().str.len_chars() >= min_length))
    )
