"""IP normaliser: v4, v6, ports, brackets, zones, mapped addresses; and properties."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.normalise import ip
from fauxhire.domain.values import Value, ValueKind


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("198.51.100.23", "198.51.100.23"),
        ("  198.51.100.23\n", "198.51.100.23"),
        ("198.51.100.23:443", "198.51.100.23"),
        ("[198.51.100.23]", "198.51.100.23"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:8443", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("[fe80::1%25en0]:80", "fe80::1"),
        ("::ffff:198.51.100.23", "198.51.100.23"),
        ("::FFFF:c633:6417", "198.51.100.23"),
        ("[::ffff:198.51.100.23]:443", "198.51.100.23"),
        ("::1:80", "::1:80"),  # a valid IPv6 address, not ::1 with a port
        ("::", "::"),
    ],
)
def test_cases(raw: str, canonical: str) -> None:
    assert ip.normalise(raw) == Value(ValueKind.IP, canonical, canonical)


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_blank_is_none(raw: str | None) -> None:
    assert ip.normalise(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "1.2.3",
        "256.1.1.1",
        "1.2.3.4.5",
        "01.2.3.4",
        "example.com",
        "2001:db8::g",
        "[2001:db8::1",
        "1.2.3.4:port",
        "1.2.3.4:123456",
        ":::",
        "[]",
    ],
)
def test_invalid_raises(raw: str) -> None:
    with pytest.raises(ValueError):
        ip.normalise(raw)


_V4 = st.ip_addresses(v=4).map(str)
_V6 = st.ip_addresses(v=6).map(lambda a: a.exploded)


@st.composite
def written_ips(draw: st.DrawFn) -> str:
    """An address in one of the forms logs write: plain, bracketed, with port, zone, mapped."""
    if draw(st.booleans()):
        text = draw(_V4)
        return draw(st.sampled_from([text, f"{text}:443", f"[{text}]", f"::ffff:{text}"]))
    text = draw(_V6)
    return draw(st.sampled_from([text, f"[{text}]", f"[{text}]:8080", f"{text}%eth0"]))


@given(written_ips())
def test_display_normalises_to_the_same_key(raw: str) -> None:
    value = ip.normalise(raw)
    assert value is not None
    assert ip.normalise(value.display) == value
    assert ipaddress.ip_address(value.key).compressed == value.key


@given(written_ips(), st.sampled_from([str.upper, str.lower]), st.text(" \t\n", max_size=3))
def test_key_ignores_case_and_surrounding_whitespace(
    raw: str, change: Callable[[str], str], pad: str
) -> None:
    value = ip.normalise(raw)
    changed = ip.normalise(pad + change(raw).replace("ETH0", "eth0") + pad)
    assert value is not None and changed is not None
    assert changed.key == value.key
