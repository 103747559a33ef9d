"""Phone normaliser: table of cases, the fast paths against the library, and properties."""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat

from fauxhire.domain.normalise import phone
from fauxhire.domain.values import Value, ValueKind


@pytest.mark.parametrize(
    ("raw", "region", "display", "key"),
    [
        ("+1 (512) 555-0147", None, "+1 512-555-0147", "+15125550147"),  # the published vector
        ("+15125550147", None, "+1 512-555-0147", "+15125550147"),
        ("(512) 555-0147", None, "+1 512-555-0147", "+15125550147"),  # US by default
        ("512.555.0147", "US", "+1 512-555-0147", "+15125550147"),
        ("1-512-555-0147", "us", "+1 512-555-0147", "+15125550147"),
        ("  +1 512 555 0147  ", "DE", "+1 512-555-0147", "+15125550147"),  # + wins over region
        ("(416) 555-0199", "CA", "+1 416-555-0199", "+14165550199"),
        ("+44 20 7946 0958", None, "+44 20 7946 0958", "+442079460958"),
        ("+44 (0) 20 7946 0958", None, "+44 20 7946 0958", "+442079460958"),  # trunk prefix
        ("020 7946 0958", "GB", "+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "DE", "+44 20 7946 0958", "+442079460958"),  # international prefix
        ("030 123456", "DE", "+49 30 123456", "+4930123456"),
        ("+39 06 1234 5678", None, "+39 06 1234 5678", "+390612345678"),  # Italian leading zero
        ("+91 98765 43210", None, "+91 98765 43210", "+919876543210"),
        ("+１ ５１２ ５５５ ０１４７", None, "+1 512-555-0147", "+15125550147"),  # fullwidth digits
        ("+1 512 555 0147 ext. 12", None, "+1 512-555-0147 ext. 12", "+15125550147"),
    ],
)
def test_cases(raw: str, region: str | None, display: str, key: str) -> None:
    assert phone.normalise(raw, region) == Value(ValueKind.PHONE, display, key)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_is_none(raw: str | None) -> None:
    assert phone.normalise(raw) is None


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("not a phone", None),
        ("12", None),  # too short
        ("+1 512 555 01478888", None),  # too long for the US
        ("+999 1234567", None),  # no such country code
        ("+0 123456789", None),
        ("555-0147-555-0147-555-0147", None),
        ("5125550147", "XX"),  # no such region
    ],
)
def test_not_a_phone_raises(raw: str, region: str | None) -> None:
    with pytest.raises(ValueError):
        phone.normalise(raw, region)


def test_region_reads_national_numbers() -> None:
    gb = phone.normalise("020 7946 0958", "GB")
    assert gb is not None and gb.key == "+442079460958"
    with pytest.raises(ValueError):
        phone.normalise("020 7946 0958", "US")  # 11 digits is not a possible US number


def library(raw: str, region: str) -> Value | None:
    """What phonenumbers alone says, without the module's fast paths; None if it refuses."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return Value(
        ValueKind.PHONE,
        phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
    )


def ours(raw: str, region: str) -> Value | None:
    try:
        return phone.normalise(raw, region)
    except ValueError:
        return None


CALLING_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
NANP_REGIONS = sorted(phonenumbers.region_codes_for_country_code(1))


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(CALLING_CODES), st.text("0123456789", min_size=4, max_size=13))
def test_e164_fast_path_agrees_with_the_library(calling_code: int, national: str) -> None:
    raw = f"+{calling_code}{national}"
    assert ours(raw, "US") == library(raw, "US")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(NANP_REGIONS),
    st.sampled_from(["", "1", "1-", "+1 "]),
    st.from_regex(r"[2-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["{a}{b}{c}", "({a}) {b}-{c}", "{a}.{b}.{c}", "{a} {b} {c}"]),
)
def test_nanp_fast_path_agrees_with_the_library(
    region: str, prefix: str, digits: str, shape: str
) -> None:
    raw = prefix + shape.format(a=digits[:3], b=digits[3:6], c=digits[6:])
    expected = library(raw, region)
    assert expected is not None
    assert ours(raw, region) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["", "+", "+1", "+44", "+49", "+91", "1", "0"]),
    st.text("0123456789 ()-./\t", min_size=4, max_size=18),
    st.sampled_from(["US", "CA", "GB", "DE", "IN", "JM"]),
)
def test_any_written_form_agrees_with_the_library(prefix: str, body: str, region: str) -> None:
    raw = (prefix + body).strip()
    assert ours(raw, region) == library(raw, region)


def test_cached_calls_give_equal_values() -> None:
    first = phone.normalise("+1 512 555 0147")
    assert first is not None
    assert phone.normalise("+1 512 555 0147") == first
    assert phone.normalise(" +1 512 555 0147 ") == first


FORMATS = [
    PhoneNumberFormat.E164,
    PhoneNumberFormat.INTERNATIONAL,
    PhoneNumberFormat.NATIONAL,
    PhoneNumberFormat.RFC3966,
]


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A possible number in some written form, and a region to read it in."""
    region = draw(st.sampled_from(["US", "GB", "DE", "FR", "IN", "IT", "BR", "JP", "CA", "AU"]))
    example = phonenumbers.example_number(region)
    assert example is not None
    national = str(example.national_number)
    digits = national[:-4] + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=4, max_size=4))
    )
    number = phonenumbers.parse(f"+{example.country_code}{digits}", None)
    form = draw(st.sampled_from(FORMATS))
    return phonenumbers.format_number(number, form), region


@settings(deadline=None)
@given(numbers())
def test_display_normalises_to_the_same_key(case: tuple[str, str]) -> None:
    raw, region = case
    value = phone.normalise(raw, region)
    assert value is not None
    again = phone.normalise(value.display, region)
    assert again is not None
    assert again == value


@settings(deadline=None)
@given(numbers(), st.sampled_from([str.upper, str.lower]), st.text(" \t", max_size=3))
def test_key_ignores_case_and_surrounding_whitespace(
    case: tuple[str, str], change: Callable[[str], str], pad: str
) -> None:
    raw, region = case
    value = phone.normalise(raw, region)
    changed = phone.normalise(pad + change(raw) + pad, region.lower())
    assert value is not None and changed is not None
    assert changed.key == value.key
