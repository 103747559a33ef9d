"""Time zones of claimed locations, and local hours in them."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import polars as pl
import pytest

from fauxhire.domain.normalise._us_states import CODES, TERRITORIES
from fauxhire.enrich import timezones
from fauxhire_lab.world import details, pools


@pytest.mark.parametrize(
    ("location", "zone"),
    [
        ("Seattle, WA, US", "America/Los_Angeles"),
        ("Austin, Texas, USA", "America/Chicago"),
        ("Phoenix, AZ", "America/Phoenix"),  # Arizona keeps standard time all year
        ("Tucson, Arizona, US", "America/Phoenix"),
        ("Indianapolis, IN, US", "America/Indiana/Indianapolis"),
        ("Fort Wayne, Indiana", "America/Indiana/Indianapolis"),
        ("New York, NY 10001, US", "America/New_York"),
        ("Washington, DC", "America/New_York"),
        ("Honolulu, HI, USA", "Pacific/Honolulu"),
        ("Portland, OR", "America/Los_Angeles"),
        ("Portland, ME, USA", "America/New_York"),
        ("San Juan, PR", "America/Puerto_Rico"),
        # A big city where no state is named: Zoom's "City (CC)".
        ("Seattle (US)", "America/Los_Angeles"),
        ("Denver (US)", "America/Denver"),
        # Only the country: a guess at the country level, its principal (capital's) zone.
        ("Portland (US)", "America/New_York"),
        ("US", "America/New_York"),
        # Provinces and states abroad, with or without the country.
        ("Toronto, ON, CA", "America/Toronto"),
        ("Vancouver, BC", "America/Vancouver"),
        ("London, ON", "America/Toronto"),
        ("Calgary, Alberta, Canada", "America/Edmonton"),
        ("Perth, WA, Australia", "Australia/Perth"),
        ("Sydney, NSW", "Australia/Sydney"),
        ("Manaus, AM, Brazil", "America/Manaus"),
        ("Rio de Janeiro, RJ", "America/Sao_Paulo"),
        # "City, XX" where XX is both a US state and a country.
        ("Toronto, CA", "America/Toronto"),
        ("Berlin, DE", "Europe/Berlin"),
        ("Bengaluru, IN", "Asia/Kolkata"),
        ("San Francisco, CA", "America/Los_Angeles"),
        ("Wilmington, DE", "America/New_York"),
        # One-zone countries and principal zones.
        ("Bucharest, RO", "Europe/Bucharest"),
        ("Tokyo, JP", "Asia/Tokyo"),
        ("Manila, PH", "Asia/Manila"),
        ("London, UK", "Europe/London"),
        ("Berlin, Germany", "Europe/Berlin"),
        ("Shanghai, CN", "Asia/Shanghai"),
        ("Moscow, Russia", "Europe/Moscow"),
        ("Vladivostok, Russia", "Asia/Vladivostok"),
        ("Mexico City, MX", "America/Mexico_City"),
        ("Kyiv, Ukraine", "Europe/Kyiv"),
        ("Georgia", "Asia/Tbilisi"),
    ],
)
def test_zone_of(location: str, zone: str) -> None:
    assert timezones.zone_of(location) == zone


@pytest.mark.parametrize(
    "location", [None, "", "   ", "Remote", "Anywhere", "Tokyo", "Atlantis, XQ", "12345"]
)
def test_unknown_locations_have_no_zone(location: str | None) -> None:
    assert timezones.zone_of(location) is None


def test_every_us_state_and_dc_has_a_zone() -> None:
    assert set(timezones.US_STATES) == CODES - TERRITORIES
    for code in timezones.US_STATES:
        assert timezones.zone_of(f"Springfield, {code}, US") == timezones.US_STATES[code]


def standard_offset(zone: str, when: datetime) -> float:
    """Hours east of UTC without daylight saving, at ``when``."""
    info = ZoneInfo(zone)
    offset = info.utcoffset(when)
    dst = info.dst(when)
    assert offset is not None and dst is not None
    return (offset - dst).total_seconds() / 3600


PLACES = [*pools.US_PLACES, *pools.ABROAD_PLACES, *pools.CHINA_PLACES]


@pytest.mark.parametrize("place", PLACES, ids=lambda place: place.city)
def test_every_demo_place_has_a_zone_at_its_standard_offset(place: pools.Place) -> None:
    # pools.Place keeps whole hours: India's +5:30 is written 5.
    texts = [details.claimed_location(place)]
    if place.city != "Portland":  # "Portland (US)" names two zones; the country's is a guess
        texts.append(f"{place.city} ({place.country})")  # Zoom's form
    for text in texts:
        zone = timezones.zone_of(text)
        assert zone is not None, text
        offset = standard_offset(zone, datetime(2026, 1, 15))
        assert math.trunc(offset) == place.utc_offset, (text, zone, offset)


def test_every_zone_named_is_a_tzdata_zone_polars_can_convert_to() -> None:
    named = {
        *timezones.US_STATES.values(),
        *(zone for table in timezones.REGIONS.values() for zone in table.values()),
        *(zone for cities in timezones.CITIES.values() for zone in cities.values()),
        *(zone for zone in timezones.PRINCIPAL.values() if zone),
        *(zones[0] for zones in timezones.country_zones().values()),
    }
    assert named <= available_timezones()
    times = pl.DataFrame(
        {"t": [datetime(2026, 1, 1, tzinfo=UTC)] * len(named), "zone": sorted(named)}
    )
    assert timezones.local_hours(times, "t", "zone").null_count() == 0


def test_every_country_of_several_zones_has_a_principal_one() -> None:
    several = {code for code, zones in timezones.country_zones().items() if len(zones) > 1}
    assert several == set(timezones.PRINCIPAL)
    for code, zone in timezones.PRINCIPAL.items():
        assert zone is None or zone in timezones.country_zones()[code]
    assert timezones.principal_zone("ro") == "Europe/Bucharest"
    assert timezones.principal_zone("AQ") is None
    assert timezones.principal_zone("XX") is None


def test_the_same_location_is_read_once() -> None:
    timezones.zone_of("Raleigh, NC, US")
    hits = timezones._zone.cache_info().hits
    assert timezones.zone_of("  Raleigh,   NC,  US ") == "America/New_York"
    assert timezones._zone.cache_info().hits == hits + 1


# Local hours.


def test_local_hours_follow_daylight_saving() -> None:
    july = datetime(2026, 7, 15, 12, 30, tzinfo=UTC)
    january = datetime(2026, 1, 15, 12, 30, tzinfo=UTC)
    frame = pl.DataFrame({"at": [july, january], "zone": ["America/New_York"] * 2})
    assert timezones.local_hours(frame, "at", "zone").to_list() == [8.5, 7.5]  # UTC-4, UTC-5


def test_local_hours_of_a_mixed_frame_in_row_order() -> None:
    at = datetime(2026, 7, 15, 23, 45, tzinfo=UTC)
    zones = [
        "Asia/Tokyo",  # +9: 08:45 the next day
        "America/Phoenix",  # -7 all year: 16:45
        None,
        "Asia/Kolkata",  # +5:30: 05:15 the next day
        "America/New_York",  # -4 in July: 19:45
        "Not/AZone",
        "Asia/Tokyo",
        "Europe/Bucharest",  # +3 in July: 02:45 the next day
    ]
    frame = pl.DataFrame({"at": [at] * len(zones), "zone": zones}).with_columns(
        pl.when(pl.int_range(pl.len()) == 6).then(None).otherwise(pl.col("at")).alias("at")
    )
    hours = timezones.local_hours(frame, "at", "zone")
    assert hours.to_list() == [8.75, 16.75, None, 5.25, 19.75, None, None, 2.75]
    added = timezones.with_local_hour(frame, "at", "zone", "local_hour")
    assert added.columns == ["at", "zone", "local_hour"]
    assert added["local_hour"].to_list() == hours.to_list()


def test_local_hours_read_naive_times_as_utc_and_aware_ones_in_their_zone() -> None:
    naive = pl.DataFrame({"at": [datetime(2026, 1, 15, 12)], "zone": ["Asia/Tokyo"]})
    assert timezones.local_hours(naive, "at", "zone").to_list() == [21.0]
    aware = naive.with_columns(pl.col("at").dt.replace_time_zone("America/New_York"))
    assert timezones.local_hours(aware, "at", "zone").to_list() == [2.0]  # 17:00 UTC
    with pytest.raises(TypeError, match="datetime"):
        timezones.local_hours(pl.DataFrame({"at": ["x"], "zone": ["UTC"]}), "at", "zone")


def test_local_hours_of_an_empty_frame() -> None:
    frame = pl.DataFrame(schema={"at": pl.Datetime("us", "UTC"), "zone": pl.String})
    assert timezones.local_hours(frame, "at", "zone").to_list() == []


def test_hour_in_a_fixed_offset() -> None:
    times = pl.Series([datetime(2026, 7, 15, 23, 45, tzinfo=UTC), datetime(2026, 1, 1, 0, 0)])
    assert timezones.hour_in_offset(times, 8).to_list() == [7.75, 8.0]
    assert timezones.hour_in_offset(times, 9).to_list() == [8.75, 9.0]
    assert timezones.hour_in_offset(times, -5).to_list() == [18.75, 19.0]
    assert timezones.hour_in_offset(times, 5.5).to_list() == [5.25, 5.5]
    frame = pl.DataFrame({"at": times})
    hours = frame.select(timezones.hour_in_offset(pl.col("at"), 9).alias("h"))
    assert hours["h"].to_list() == [8.75, 9.0]


def test_fixed_offset_hours_wrap_before_the_epoch() -> None:
    before = datetime(1969, 12, 31, 22, 0, tzinfo=UTC) - timedelta(minutes=30)
    assert timezones.hour_in_offset(pl.Series([before]), -3).to_list() == [18.5]
