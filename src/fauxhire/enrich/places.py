"""The country and time zone of each place people claim as home, each distinct text read once."""

from __future__ import annotations

import polars as pl

from fauxhire.domain.normalise.location import country_of
from fauxhire.enrich import timezones

PLACES_SCHEMA = {"claimed_location": pl.String, "claimed_country": pl.String, "zone": pl.String}


def places(locations: pl.Series) -> pl.DataFrame:
    """claimed_location -> claimed_country, zone (``PLACES_SCHEMA``), a row a distinct text."""
    distinct = locations.drop_nulls().unique().to_list()
    zones = [timezones.zone_of(text) for text in distinct]
    # "Berlin, DE" reads as Delaware to country_of (the US state convention of "City, XX");
    # the zone's city table knows Berlin, so a zone's country wins where there is one.
    country_of_zone = {
        zone: country for country, names in timezones.country_zones().items() for zone in names
    }
    return pl.DataFrame(
        {
            "claimed_location": distinct,
            "claimed_country": [
                country_of_zone.get(zone or "") or country_of(text)
                for zone, text in zip(zones, distinct, strict=True)
            ],
            "zone": zones,
        },
        schema=PLACES_SCHEMA,
    )
