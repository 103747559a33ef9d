"""Country of a claimed location: country names and codes, US states, and ambiguous codes."""

from __future__ import annotations

import pycountry
import pytest

from fauxhire.domain.normalise import location


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # US: states after a city, by code or name, and the names of the country
        ("Austin, TX", "US"),
        ("Austin, Texas", "US"),
        ("Austin, TX, US", "US"),
        ("Austin, TX 78701", "US"),
        ("Austin, Texas, United States", "US"),
        ("Austin, United States of America", "US"),
        ("Austin, USA", "US"),
        ("Austin, U.S.A.", "US"),
        ("Texas", "US"),
        ("Brooklyn, New York, NY", "US"),
        ("Washington, DC", "US"),
        ("Dallas (US)", "US"),
        ("Seattle (US)", "US"),
        ("Remote - US", "US"),
        ("  austin ,  tx  ", "US"),
        # territories are their own ISO countries
        ("San Juan, PR", "PR"),
        ("San Juan, Puerto Rico", "PR"),
        # other countries, by ISO code, ISO name, common name or everyday name
        ("Berlin, Germany", "DE"),
        ("DE", "DE"),
        ("Berlin, DEU", "DE"),
        ("Hanoi, Viet Nam", "VN"),
        ("Hanoi, Vietnam", "VN"),
        ("London, UK", "GB"),
        ("London, United Kingdom", "GB"),
        ("Edinburgh, Scotland", "GB"),
        ("Moscow, Russia", "RU"),
        ("Seoul, South Korea", "KR"),
        ("Istanbul, Türkiye", "TR"),
        ("Istanbul, Turkey", "TR"),
        ("Abidjan, Côte d'Ivoire", "CI"),
        ("Abidjan, Cote d'Ivoire", "CI"),
        ("São Paulo, Brazil", "BR"),
        ("Lagos, NG", "NG"),
        ("Manila, Philippines", "PH"),
        ("Remote (Canada)", "CA"),
        ("Toronto, ON, Canada", "CA"),
        ("Toronto, ON, CA", "CA"),
        # a two-letter code after a city is read as a US state where it is one
        ("Toronto, CA", "US"),
        ("Wilmington, DE", "US"),
        ("Berlin, DE", "US"),
        # "Georgia" alone is the country; after a city, the state
        ("Georgia", "GE"),
        ("Atlanta, Georgia", "US"),
        # nothing to go on
        ("Remote", None),
        ("XX", None),
        ("12345", None),
        ("Earth", None),
        ("Austin, ZZ", None),
    ],
)
def test_country_of(text: str, country: str | None) -> None:
    assert location.country_of(text) == country


@pytest.mark.parametrize("text", [None, "", "   ", ",", " , ; "])
def test_blank_is_none(text: str | None) -> None:
    assert location.country_of(text) is None


def test_every_answer_is_a_real_alpha2_code() -> None:
    texts = ["Austin, TX", "Berlin, Germany", "London, UK", "San Juan, PR", "DE", "Georgia"]
    for text in texts:
        code = location.country_of(text)
        assert code is not None
        assert pycountry.countries.get(alpha_2=code) is not None, code
