"""The country and time zone of each place people claim as home, each distinct text read once."""

from __future__ import annotations

from functools import cache, lru_cache

import polars as pl

from fauxhire.domain.normalise.location import country_of
from fauxhire.enrich import timezones

PLACES_SCHEMA = {"claimed_location": pl.String, "claimed_country": pl.String, "zone": pl.String}


def places(locations: pl.Series) -> pl.DataFrame:
    """claimed_location -> claimed_country, zone (``PLACES_SCHEMA``), a row a distinct text."""
    distinct = locations.drop_nulls().unique().to_list()
    found = [place_of(text) for text in distinct]
    return pl.DataFrame(
        {
            "claimed_location": distinct,
            "claimed_country": [country for country, _ in found],
            "zone": [zone for _, zone in found],
        },
        schema=PLACES_SCHEMA,
    )


@lru_cache(maxsize=1 << 16)
def place_of(text: str) -> tuple[str | None, str | None]:
    """The country and IANA zone of one claimed home. "Berlin, DE" reads as Delaware to
    country_of (the US state convention of "City, XX"); the zone's city table knows Berlin,
    so a zone's country wins where there is one."""
    zone = timezones.zone_of(text)
    return _country_of_zone().get(zone or "") or country_of(text), zone


@cache
def _country_of_zone() -> dict[str, str]:
    return {zone: country for country, names in timezones.country_zones().items() for zone in names}
