"""Resume text as lines a template would share: what linking and assessment both compare."""

from __future__ import annotations

from typing import Final

import polars as pl

# Lines shorter than this are headings and boilerplate ("EXPERIENCE", "KEY SKILLS").
MIN_LINE: Final = 24
# A dated entry ("Initech, Data Engineer, 2019-present"; "Lake University, B.Sc., 2016"):
# one's own history, which colleagues and classmates share; not a template.
DATED_LINE: Final = r", (?:19|20)\d\d(?:-(?:(?:19|20)\d\d|present))?$"
# A line that gives contact details (an e-mail address, a phone number, a web address). It tells
# one person's resumes apart from another's, but it is no template: a staffing agency's
# "contact via agency: +1 416 430 8127 | jobs@agency.example" on every candidate's resume would
# count twice, as a shared phone and as a shared template.
CONTACT_LINE: Final = (
    r"[^\s@]+@[^\s@]+\.[a-z]{2,}"  # e-mail
    r"|\+\d[\d ().-]{6,}\d"  # phone, international: +1 416 430 8127
    r"|\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b"  # phone, national: (737) 438-6432
    r"|https?://|www\.|linkedin\.com/|github\.com/"
)


def resume_lines(text: pl.Expr, min_length: int = MIN_LINE) -> pl.Expr:
    """A resume's distinctive lines (at least ``min_length`` characters), case and spacing
    folded."""
    line = pl.element()
    return (
        text.str.to_lowercase()
        .str.replace_all(r"[ \t]+", " ")
        .str.split("\n")
        .list.eval(line.str.strip_chars())
        .list.eval(line.filter(line.str.len_chars() >= min_length))
    )


def template_lines(text: pl.Expr, min_length: int = MIN_LINE) -> pl.Expr:
    """The lines a template shared under other names would show: distinctive lines
    (``resume_lines``) without those giving contact details or one's own dated history."""
    line = pl.element()
    return resume_lines(text, min_length).list.eval(
        line.filter(~line.str.contains(CONTACT_LINE) & ~line.str.contains(DATED_LINE))
    )


def distinct_template_lines(texts: pl.Series, min_length: int = MIN_LINE) -> pl.DataFrame:
    """row, line: the distinct ``template_lines`` of each text, one row each; ``row`` is the
    text's position in ``texts`` (UInt32). The same lines as ``template_lines(...).list.unique()``
    exploded, computed otherwise: resumes are written from templates and stock phrases, so of a
    store's millions of lines few are distinct (v3: 2.6M lines, 250k distinct), and each distinct
    line is folded and tested once instead of once a resume. Splitting before folding is the
    same as after it: lowercasing and folding spaces neither make nor remove a line break."""
    raw = (
        texts.rename("_text")
        .to_frame()
        .with_row_index("row")
        .select("row", pl.col("_text").str.split("\n").alias("_raw"))
        .explode("_raw")
        .drop_nulls("_raw")
    )
    folded = (
        raw.select("_raw")
        .unique()
        .with_columns(template_lines(pl.col("_raw"), min_length).list.first().alias("line"))
        .drop_nulls("line")
    )
    return raw.join(folded, on="_raw").select("row", "line").unique()
