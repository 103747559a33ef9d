"""Name normaliser: table of cases, parts, initials, scripts, and hypothesis properties."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.normalise import name
from fauxhire.domain.values import Value, ValueKind


def key(raw: str) -> str:
    value = name.normalise(raw)
    assert value is not None
    return value.key


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        ("Alex Example", "Alex Example", "alex example"),
        ("  ALEX   EXAMPLE \n", "ALEX EXAMPLE", "alex example"),
        ("Example, Alex", "Example, Alex", "alex example"),
        ("Alex J. Example", "Alex J. Example", "alex example"),  # the middle initial goes
        ("Álex Exámple", "Álex Exámple", "alex example"),
        ("Jean-Luc Picard", "Jean-Luc Picard", "jean luc picard"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil", "jane mary oneil"),
        ("Seán O’Brien", "Seán O’Brien", "obrien sean"),  # typographic apostrophe
        ("Łukasz Øberg-Đoković", "Łukasz Øberg-Đoković", "dokovic lukasz oberg"),
        ("J", "J", "j"),  # an initial alone is kept
        ("J. K.", "J. K.", "j k"),
        ("ＡＬＥＸ", "ＡＬＥＸ", "alex"),  # fullwidth (NFKD)
        ("李 明", "李 明", "明 李"),  # one Han character is a name part, not an initial
        ("राम कुमार", "राम कुमार", "कुमार राम"),  # Devanagari vowel signs stay
        ("Алексей Иванов", "Алексей Иванов", "алексеи иванов"),
    ],
)
def test_cases(raw: str, display: str, key: str) -> None:
    assert name.normalise(raw) == Value(ValueKind.NAME, display, key)


def test_one_name_written_many_ways() -> None:
    spellings = ["Alex Example", "Example, Alex", "ALEX  EXAMPLE", "alex example", "Alex Q Example",
                 "EXAMPLE Alex", "Álex Example", "alex-example"]  # fmt: skip
    assert {key(raw) for raw in spellings} == {"alex example"}


def test_different_names_keep_different_keys() -> None:
    assert key("Alex Example") != key("Alexa Example")
    assert key("Alex Example") != key("Alex Examples")
    assert key("कुमार") != key("कमार")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Alex", "Example", Value(ValueKind.NAME, "Alex Example", "alex example")),
        ("  Alex ", None, Value(ValueKind.NAME, "Alex", "alex")),
        (None, "Example", Value(ValueKind.NAME, "Example", "example")),
        ("", " Example ", Value(ValueKind.NAME, "Example", "example")),
        (
            "Mary  Jane",
            "Van der Berg",
            Value(ValueKind.NAME, "Mary Jane Van der Berg", "berg der jane mary van"),
        ),
        (None, None, None),
        ("", "  ", None),
    ],
)
def test_from_parts(first: str | None, last: str | None, expected: Value | None) -> None:
    assert name.from_parts(first, last) == expected


def test_from_parts_matches_the_full_name() -> None:
    parts = name.from_parts("Example", "Alex")
    assert parts is not None
    assert parts.key == key("Alex Example")


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_is_none(raw: str | None) -> None:
    assert name.normalise(raw) is None


@pytest.mark.parametrize("raw", ["---", "...", "'", "_"])
def test_no_letters_raises(raw: str) -> None:
    with pytest.raises(ValueError):
        name.normalise(raw)


def test_tokens() -> None:
    assert name.tokens(key("Example, Alex J.")) == ["alex", "example"]
    assert name.tokens("") == []


_PARTS = st.sampled_from(
    [
        "Alex",
        "Example",
        "J.",
        "Q",
        "José",
        "Ñúñez",
        "O'Neil",
        "Mary-Jane",
        "van",
        "Øberg",
        "Straße",
        "李",
        "明",
        "राम",
        "Иванов",
        "ΆΝΝΑ",
        "Ǆoković",
        "ℌans",
        "İlker",
        "x",
    ]
)
_NAME_SEPARATORS = st.sampled_from([" ", "  ", ", ", "\t", "-"])


@st.composite
def names(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_PARTS, min_size=1, max_size=4))
    out = parts[0]
    for part in parts[1:]:
        out += draw(_NAME_SEPARATORS) + part
    return out


@given(st.one_of(names(), st.text(min_size=1, max_size=30)))
def test_display_normalises_to_the_same_key(raw: str) -> None:
    try:
        value = name.normalise(raw)
    except ValueError:
        return
    if value is None:
        return
    again = name.normalise(value.display)
    assert again == value


@given(
    names(),
    st.sampled_from([str.upper, str.lower, str.swapcase, str.title]),
    st.text(" \t\n", max_size=3),
)
def test_key_ignores_case_and_surrounding_whitespace(
    raw: str, change: Callable[[str], str], pad: str
) -> None:
    assert key(pad + change(raw) + pad) == key(raw)


@given(st.lists(_PARTS, min_size=1, max_size=4), st.randoms())
def test_key_ignores_word_order(parts: list[str], rnd: Random) -> None:
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    assert key(" ".join(shuffled)) == key(" ".join(parts))
