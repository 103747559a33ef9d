"""Email normaliser: table of cases, and hypothesis properties (idempotent, case/space-blind)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.normalise import email
from fauxhire.domain.values import ValueKind


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        ("alex@example.com", "alex@example.com", "alex@example.com"),
        (
            "  Alex.Example.Dev@Example.com ",
            "Alex.Example.Dev@example.com",
            "alex.example.dev@example.com",
        ),
        ("Alex+jobs@Example.COM", "Alex+jobs@example.com", "alex@example.com"),
        ("alex+a+b@example.org", "alex+a+b@example.org", "alex@example.org"),
        ("A.B.C@gmail.com", "A.B.C@gmail.com", "abc@gmail.com"),
        ("a.b.c+spam@GoogleMail.com", "a.b.c+spam@googlemail.com", "abc@gmail.com"),
        ("a.b.c@example.com", "a.b.c@example.com", "a.b.c@example.com"),  # dots only fold at Gmail
        ("<alex@example.com>", "alex@example.com", "alex@example.com"),
        ("mailto:alex@example.com", "alex@example.com", "alex@example.com"),
        ("MAILTO:alex@example.com?subject=hi", "alex@example.com", "alex@example.com"),
        ("<mailto:Alex@Example.com>", "Alex@example.com", "alex@example.com"),
        (
            "ＡＬＥＸ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            "ALEX@example.com",
            "alex@example.com",
        ),  # fullwidth (NFKC)
        ("José@Exámple.com", "José@exámple.com", "josé@exámple.com"),
        ("STRASSE@example.com", "STRASSE@example.com", "strasse@example.com"),
        ("straße@example.com", "straße@example.com", "strasse@example.com"),  # casefold
        ("+tag@example.com", "+tag@example.com", "+tag@example.com"),  # nothing left untagged
    ],
)
def test_cases(raw: str, display: str, key: str) -> None:
    value = email.normalise(raw)
    assert value is not None
    assert (value.kind, value.display, value.key) == (ValueKind.EMAIL, display, key)


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n"])
def test_blank_is_none(raw: str | None) -> None:
    assert email.normalise(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "alex",
        "alex@",
        "@example.com",
        "a@b@example.com",
        "alex @example.com",
        "a lex@example.com",
        "alex@exa mple.com",
        "<>",
        "mailto:",
        "alex@.example.com",
        "alex@example..com",
        "Alex Example",
    ],
)
def test_not_an_email_raises(raw: str) -> None:
    with pytest.raises(ValueError):
        email.normalise(raw)


def key(raw: str) -> str:
    value = email.normalise(raw)
    assert value is not None
    return value.key


def test_plus_tag_and_gmail_dots_make_one_inbox() -> None:
    same = ["alex.example@gmail.com", "AlexExample+x@googlemail.com", "a.l.e.x.example@gmail.com"]
    assert {key(raw) for raw in same} == {"alexexample@gmail.com"}
    assert key("alex.example@example.com") != key("alexexample@example.com")


_LOCAL = st.text(alphabet=st.sampled_from("abcXYZ019._+-éÉßñÑøØ"), min_size=1, max_size=20).filter(
    lambda s: not s.startswith("+") and not s.startswith(".")
)
_DOMAIN = st.sampled_from(
    ["example.com", "Example.ORG", "gmail.com", "GoogleMail.com", "exämple.de"]
)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    return f"{draw(_LOCAL)}@{draw(_DOMAIN)}"


@given(addresses())
def test_display_normalises_to_the_same_key(raw: str) -> None:
    value = email.normalise(raw)
    assert value is not None
    again = email.normalise(value.display)
    assert again is not None
    assert again.key == value.key
    assert again.display == value.display


CASE_CHANGES = st.sampled_from([str.upper, str.lower, str.swapcase, str.title])


@given(addresses(), CASE_CHANGES, st.text(" \t\n", max_size=3))
def test_key_ignores_case_and_surrounding_whitespace(
    raw: str, change: Callable[[str], str], pad: str
) -> None:
    assert key(pad + change(raw) + pad) == key(raw)
