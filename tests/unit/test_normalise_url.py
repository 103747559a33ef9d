"""URL normaliser: LinkedIn and GitHub accounts, other URLs, invalid text, and properties."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.normalise import url
from fauxhire.domain.values import Value, ValueKind

LINKEDIN, GITHUB, URL = ValueKind.LINKEDIN, ValueKind.GITHUB, ValueKind.URL


@pytest.mark.parametrize(
    ("raw", "kind", "key"),
    [
        (
            "https://www.linkedin.com/in/Example-Dev-0001/",
            LINKEDIN,
            "linkedin.com/in/example-dev-0001",
        ),
        ("http://linkedin.com/in/example-dev-0001", LINKEDIN, "linkedin.com/in/example-dev-0001"),
        ("linkedin.com/in/Example-Dev-0001", LINKEDIN, "linkedin.com/in/example-dev-0001"),
        (
            "www.linkedin.com/in/example-dev-0001/?trk=public#about",
            LINKEDIN,
            "linkedin.com/in/example-dev-0001",
        ),
        ("https://uk.linkedin.com/in/Alex-Example", LINKEDIN, "linkedin.com/in/alex-example"),
        (
            "https://m.linkedin.com/in/alex-example/details/experience/",
            LINKEDIN,
            "linkedin.com/in/alex-example",
        ),
        ("https://www.linkedin.com/in/j%C3%B6rg-example", LINKEDIN, "linkedin.com/in/jörg-example"),
        (
            "https://www.linkedin.com/company/Example-Corp/",
            URL,
            "linkedin.com/company/example-corp",
        ),
        ("https://www.linkedin.com/in/", URL, "linkedin.com/in"),
        ("https://github.com/Example-Dev-0001", GITHUB, "example-dev-0001"),
        ("github.com/example-dev-0001/", GITHUB, "example-dev-0001"),
        ("https://www.github.com/Example-Dev-0001?tab=repositories", GITHUB, "example-dev-0001"),
        ("https://github.com/Example-Dev-0001/some-repo/tree/main", GITHUB, "example-dev-0001"),
        ("https://example-dev-0001.github.io/", GITHUB, "example-dev-0001"),
        ("Example-Dev-0001.github.io/blog/post", GITHUB, "example-dev-0001"),
        ("https://github.com/orgs/example-org/people", URL, "github.com/orgs/example-org/people"),
        ("https://github.com/features/actions", URL, "github.com/features/actions"),
        ("https://github.com/about", URL, "github.com/about"),
        ("https://github.com/sponsors/alex", URL, "github.com/sponsors/alex"),
        ("https://github.com/topics/python", URL, "github.com/topics/python"),
        ("https://github.com/settings/profile", URL, "github.com/settings/profile"),
        ("https://github.com/login", URL, "github.com/login"),
        ("https://github.com/", URL, "github.com"),
        ("https://example-dev.example.org", URL, "example-dev.example.org"),
        ("HTTPS://WWW.Example.ORG/Portfolio/?utm=x#top", URL, "example.org/portfolio"),
        ("example.org/a/b/", URL, "example.org/a/b"),
        ("http://www.example.org:8080/x", URL, "example.org/x"),
        ("https://user@example.org/x", URL, "example.org/x"),
        ("https://bücher.example/", URL, "bücher.example"),
        ("http://192.0.2.7/admin", URL, "192.0.2.7/admin"),
    ],
)
def test_cases(raw: str, kind: ValueKind, key: str) -> None:
    assert url.normalise(raw) == Value(kind, raw.strip(), key)


def test_display_is_the_trimmed_original() -> None:
    value = url.normalise("  https://www.linkedin.com/in/Example-Dev-0001/ \n")
    assert value is not None
    assert value.display == "https://www.linkedin.com/in/Example-Dev-0001/"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_is_none(raw: str | None) -> None:
    assert url.normalise(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "Example-Dev-0001",
        "not a url",
        "http://",
        "https:///path",
        "alex@example.com",
        "mailto:alex@example.com",
        "localhost",
        "/in/alex",
        "example .com",
        "http://exa mple.com",
    ],
)
def test_no_host_raises(raw: str) -> None:
    with pytest.raises(ValueError):
        url.normalise(raw)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Example-Dev-0001", "example-dev-0001"),
        ("@Example-Dev-0001", "example-dev-0001"),
        ("https://github.com/Example-Dev-0001/repo", "example-dev-0001"),
        ("example-dev-0001.github.io", "example-dev-0001"),
    ],
)
def test_github_handle(raw: str, key: str) -> None:
    assert url.github_handle(raw) == Value(GITHUB, raw, key)


@pytest.mark.parametrize("raw", ["https://example.org/alex", "not a handle", "-alex", "a" * 40])
def test_github_handle_refuses_what_is_not_an_account(raw: str) -> None:
    with pytest.raises(ValueError):
        url.github_handle(raw)


def test_github_handle_blank_is_none() -> None:
    assert url.github_handle("  ") is None
    assert url.github_handle(None) is None


_HANDLES = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,18}[A-Za-z0-9])?", fullmatch=True)
_PATHS = st.from_regex(r"(/[A-Za-z0-9._~-]{1,8}){0,3}/?", fullmatch=True)
_TAILS = st.sampled_from(["", "?a=1", "#frag", "?x=Y#Z"])


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://"]))
    www = draw(st.sampled_from(["", "www.", "WWW."]))
    handle = draw(_HANDLES)
    host_and_path = draw(
        st.sampled_from(
            [
                f"linkedin.com/in/{handle}",
                f"uk.linkedin.com/in/{handle}/",
                f"github.com/{handle}",
                f"github.com/{handle}/repo",
                f"{handle}.github.io",
                f"example.org{draw(_PATHS)}",
                f"{handle}.example.com{draw(_PATHS)}",
            ]
        )
    )
    return scheme + www + host_and_path + draw(_TAILS)


@given(urls())
def test_display_normalises_to_the_same_key(raw: str) -> None:
    value = url.normalise(raw)
    assert value is not None
    assert url.normalise(value.display) == value


@given(urls(), st.sampled_from([str.upper, str.lower, str.swapcase]), st.text(" \t\n", max_size=3))
def test_key_ignores_case_and_surrounding_whitespace(
    raw: str, change: Callable[[str], str], pad: str
) -> None:
    value = url.normalise(raw)
    changed = url.normalise(pad + change(raw) + pad)
    assert value is not None and changed is not None
    assert (changed.kind, changed.key) == (value.kind, value.key)
