"""Address normaliser: table of cases, one key for the spellings of one address, properties."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.normalise import address
from fauxhire.domain.values import ValueKind


def key(raw: str) -> str:
    value = address.normalise(raw)
    assert value is not None
    return value.key


def outcome(raw: str) -> str:
    """The key, or "invalid" where the address is refused."""
    try:
        return key(raw)
    except ValueError:
        return "invalid"


@pytest.mark.parametrize(
    ("raw", "display", "key"),
    [
        (
            "100 Example St\nAustin, TX 78701",
            "100 Example St, Austin, TX 78701",
            "100 example st austin tx 78701",
        ),
        ("  100   Example  St ,\r\n Austin ", "100 Example St, Austin", "100 example st austin"),
        ("100 Example St,\n\nAustin", "100 Example St, Austin", "100 example st austin"),
        ("Apt 4B", "Apt 4B", "unit 4b"),
        ("Apt. #4B", "Apt. #4B", "unit 4b"),
        ("Rue de l'Église 3, Montréal", "Rue de l'Église 3, Montréal", "rue de leglise 3 montreal"),
    ],
)
def test_cases(raw: str, display: str, key: str) -> None:
    value = address.normalise(raw)
    assert value is not None
    assert (value.kind, value.display, value.key) == (ValueKind.ADDRESS, display, key)
    assert address.key(raw) == key


@pytest.mark.parametrize(
    "spellings",
    [
        # unit designators
        [
            "12 Elm St Apt 4B",
            "12 Elm St #4B",
            "12 Elm St # 4b",
            "12 Elm St Suite 4b",
            "12 Elm St Ste. 4B",
            "12 Elm St Unit 4-B",
            "12 Elm St Apartment 4B",
            "12 Elm St, Apt #4B",
            "12 Elm St Rm 4B",
            "12 Elm St No. 4B",
            "12 Elm St Flat 4B",
            "12 Elm St Room 4B",
            "12 Elm St Floor 4B",
        ],
        # street types and directionals
        ["5 North Main Street", "5 N. Main St.", "5 n main st", "5 NORTH MAIN ST"],
        ["7 Northeast Park Avenue", "7 NE Park Ave", "7 N.E. Park Ave."],
        ["1 Ocean Boulevard", "1 Ocean Blvd"],
        ["1 Hill Road", "1 Hill Rd"],
        ["1 Oak Drive", "1 Oak Dr"],
        ["1 Oak Lane", "1 Oak Ln"],
        ["1 Oak Court", "1 Oak Ct"],
        ["1 Oak Place", "1 Oak Pl"],
        ["1 Oak Terrace", "1 Oak Ter"],
        ["1 Coast Highway", "1 Coast Hwy"],
        ["1 Oak Parkway", "1 Oak Pkwy"],
        ["1 Oak Circle", "1 Oak Cir"],
        ["1 Oak Square", "1 Oak Sq"],
        ["1 West Oak St", "1 W Oak St"],
        ["1 Southwest Oak St", "1 SW Oak St"],
        # states and the country
        [
            "100 Example St, Austin, Texas, United States",
            "100 Example St, Austin, TX, US",
            "100 example st austin tx usa",
            "100 Example St., Austin, TX, U.S.A.",
            "100 Example Street\nAustin, Texas\nUnited States of America",
        ],
        ["9 King St, Raleigh, North Carolina", "9 King St, Raleigh, NC"],
        ["1 Penn Ave, Washington, District of Columbia 20500", "1 Penn Ave, Washington, DC 20500"],
        # accents and compatibility forms
        [
            "Calle Peñón 5, Bogotá",
            "calle penon 5, bogota",
            "CALLE PEÑÓN 5, BOGOTÁ",
            "Calle Peñón ５, Bogotá",
        ],
        # ZIP+4
        ["100 Example St, Austin, TX 78701-1234", "100 Example St, Austin, TX 78701"],
    ],
)
def test_spellings_of_one_address_share_a_key(spellings: list[str]) -> None:
    assert len({key(raw) for raw in spellings}) == 1, [key(raw) for raw in spellings]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("12 Elm St Apt 4B", "12 Elm St Apt 5B"),
        ("12 Elm St", "21 Elm St"),
        ("5 North Main St", "5 South Main St"),
        ("12 Elm St, Austin, TX", "12 Elm St, Austin, TN"),
        ("Wilkes-Barre Blvd", "WilkesBarre Blvd"),
    ],
)
def test_different_addresses_keep_different_keys(one: str, other: str) -> None:
    assert key(one) != key(other)


def test_word_order_is_kept() -> None:
    assert key("Apt 4B, 12 Elm St") == "unit 4b 12 elm st"
    assert key("12 Elm St, Apt 4B") == "12 elm st unit 4b"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100 Main St, Miami, FL 33101", "100 main st miami fl 33101"),  # Florida, not a floor
        ("100 Main St, Miami, Florida 33101", "100 main st miami fl 33101"),
        ("3rd Floor, 1 Rue de la Paix", "3rd fl 1 rue de la paix"),  # no unit across a comma
        ("Apt\n4", "apt 4"),
        ("1 Main St #", "1 main st"),
        ("Suite B", "unit b"),
    ],
)
def test_unit_edge_cases(raw: str, expected: str) -> None:
    assert key(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  \n "])
def test_blank_is_none(raw: str | None) -> None:
    assert address.normalise(raw) is None


@pytest.mark.parametrize("raw", ["#", "---", ", , ;", "."])
def test_no_letters_or_digits_raises(raw: str) -> None:
    with pytest.raises(ValueError):
        address.normalise(raw)


_WORDS = st.sampled_from(
    [
        "100",
        "4B",
        "Example",
        "Street",
        "St.",
        "Apt",
        "#",
        "Suite",
        "North",
        "N",
        "Austin",
        "Texas",
        "TX",
        "78701-1234",
        "United",
        "States",
        "USA",
        "Peñón",
        "Montréal",
        "Ave",
        "FL",
        "Floor",
        "3rd",
        "Wilkes-Barre",
        "O'Neil",
        "São",
        "Köln",
        "Straße",
        "ＮＹ",
        "4-B",
    ]
)
_SEPARATORS = st.sampled_from([" ", "  ", ", ", ",", "\n", " \n ", "; ", "\t"])


@st.composite
def addresses(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=1, max_size=10))
    out = words[0]
    for word in words[1:]:
        out += draw(_SEPARATORS) + word
    return out


@given(st.one_of(addresses(), st.text(min_size=1, max_size=40)))
def test_display_normalises_to_the_same_key(raw: str) -> None:
    try:
        value = address.normalise(raw)
    except ValueError:
        return
    if value is None:
        return
    again = address.normalise(value.display)
    assert again is not None
    assert again.key == value.key
    assert again.display == value.display


@given(
    addresses(),
    st.sampled_from([str.upper, str.lower, str.swapcase, str.title]),
    st.text(" \t\n", max_size=3),
)
def test_key_ignores_case_and_surrounding_whitespace(
    raw: str, change: Callable[[str], str], pad: str
) -> None:
    assert outcome(pad + change(raw) + pad) == outcome(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # One mail-receiving service's boxes, written every way its customers write them.
        (
            "23764 Vernon St, Unit 204, PMB 79979, Jacksonville, FL 32230",
            "23764 vernon st jacksonville fl 32230",
        ),
        (
            "23764 Vernon Street #204 Box 77528 Jacksonville FL 32230 USA",
            "23764 vernon st jacksonville fl 32230",
        ),
        ("23764 vernon st, jacksonville, fl 32230", "23764 vernon st jacksonville fl 32230"),
        # A block of flats: each flat's building is the block.
        ("100 Example Street, Apt. 4B, Austin, Texas, USA", "100 example st austin tx"),
        ("Unit 5, 100 Main St", "100 main st"),
        # A house is its own building.
        ("4476 Spring Ct, Portland, OR 97204", "4476 spring ct portland or 97204"),
    ],
)
def test_building_drops_unit_mailbox_and_box_numbers(raw: str, expected: str) -> None:
    assert address.building(address.key(raw)) == expected


@given(addresses())
def test_building_of_a_building_is_itself(raw: str) -> None:
    once = address.building(address.key(raw))
    assert address.building(once) == once
