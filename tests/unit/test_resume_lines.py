"""``distinct_template_lines`` folds each distinct line once: it must give exactly the lines
``template_lines`` gives a whole resume at a time."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fauxhire.domain.resumes import distinct_template_lines, template_lines

TRICKY = [
    "Ann Lee\nResults-driven  Data Engineer\twith 8+ years of experience delivering\n",
    "RESULTS-DRIVEN DATA ENGINEER WITH 8+ YEARS OF EXPERIENCE DELIVERING\r\nKEY SKILLS\n",
    "  results-driven \t data engineer with 8+ years of experience delivering  \n\n\n",
    "Initech, Data Engineer, 2019-present\nLake University, B.Sc., 2016\n",
    "contact: ann.lee@example.com or +1 416 430 8127, any weekday\nwww.example.com/ann-lee-cv",
    "ΟΔΥΣΣΕΑΣ ΠΑΠΑΔΟΠΟΥΛΟΣ ΣΥΜΒΟΥΛΟΣ ΛΟΓΙΣΜΙΚΟΥ ΑΘΗΝΑ\nİSTANBUL İŞ GELİŞTİRME UZMANI 1234567",
    "",
    "\n",
    "the same line repeated in one resume, twice\nthe same line repeated in one resume, twice",
]


def _by_text(texts: list[str | None], min_length: int) -> pl.DataFrame:
    return (
        pl.DataFrame({"text": texts}, schema={"text": pl.String})
        .with_row_index("row")
        .select("row", template_lines(pl.col("text"), min_length).list.unique().alias("line"))
        .explode("line")
        .drop_nulls("line")
        .sort("row", "line")
    )


def _by_line(texts: list[str | None], min_length: int) -> pl.DataFrame:
    series = pl.Series("text", texts, dtype=pl.String)
    return distinct_template_lines(series, min_length).sort("row", "line")


def test_the_lines_of_tricky_resumes_are_the_same_either_way() -> None:
    texts: list[str | None] = [*TRICKY, None, *TRICKY]
    for min_length in (1, 24, 25):
        expected = _by_text(texts, min_length)
        assert expected.height > 0
        assert _by_line(texts, min_length).equals(expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from("aAbΣσİı 1@.,-\t\r()+"), max_size=40), max_size=6
        ).map("\n".join),
        max_size=8,
    )
)
def test_the_lines_of_any_resumes_are_the_same_either_way(texts: list[str]) -> None:
    assert _by_line(list(texts), 5).equals(_by_text(list(texts), 5))
