"""The time zone of a claimed location, and the local hour of a time in it.

A fact about a claimed place and its clocks, so that an applicant's activity can be read in the
hours of the place they say they live in. Nothing here reads or infers where anyone is from: no
nationality, ethnicity, national origin, name or accent enters, only the location text given.

``zone_of`` reads the country with ``normalise.location.country_of``, then takes, in order:

1. the state or province the text names, in the United States (every state and DC), Canada,
   Australia and Brazil: its principal zone, the zone of its largest city ("Seattle, WA, US" is
   America/Los_Angeles, "Phoenix, AZ" America/Phoenix, "Indianapolis, IN"
   America/Indiana/Indianapolis);
2. otherwise a big city the text names (``CITIES``), in a country of several zones ("Seattle
   (US)", Zoom's form);
3. otherwise the country's principal zone: its only zone in tzdata's ``zone.tab``, or for a
   country with several the zone of its capital (``PRINCIPAL``; none for Antarctica and the US
   Minor Outlying Islands). This is a guess at the country level: "Portland (US)" names no
   state, and Portland is a city in two zones, so it reads as America/New_York.

One exception comes first. In "City, XX" ``country_of`` reads XX as a US state; where XX is also
a country code and ``CITIES`` has that city there, the country wins: "Toronto, CA" is Toronto,
Canada, and "Berlin, DE" Berlin, Germany, not California or Delaware.

A text naming no country, or none known, gives None. A state's minority zone is not seen ("El
Paso, TX" reads as Central time, the zone of most of Texas).

Local hours: polars converts a column to one zone per call (``dt.convert_time_zone``), so
``local_hours`` groups the rows by zone, converts each group once and puts the hours back in
row order; claimed locations give few distinct zones. DST comes from the zone's rules. Zone
names come from the Python ``tzdata`` package and hours from polars' own copy of the time zone
database; a zone polars does not know gives null hours, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache, lru_cache
from importlib import resources
from typing import Final, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from fauxhire.domain.normalise._text import fold
from fauxhire.domain.normalise._us_states import STATES
from fauxhire.domain.normalise.location import country_of

# fmt: off
US_STATES: Final[dict[str, str]] = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York",
    "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/Kentucky/Louisville",
    "LA": "America/Chicago", "ME": "America/New_York", "MD": "America/New_York",
    "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York",
    "NJ": "America/New_York", "NM": "America/Denver", "NY": "America/New_York",
    "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York",
    "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver",
    "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
}
# Provinces and states: (code, name) -> principal zone.
_CA: Final = {
    ("AB", "Alberta"): "America/Edmonton", ("BC", "British Columbia"): "America/Vancouver",
    ("MB", "Manitoba"): "America/Winnipeg", ("NB", "New Brunswick"): "America/Moncton",
    ("NL", "Newfoundland and Labrador"): "America/St_Johns",
    ("NS", "Nova Scotia"): "America/Halifax",
    ("NT", "Northwest Territories"): "America/Edmonton", ("NU", "Nunavut"): "America/Iqaluit",
    ("ON", "Ontario"): "America/Toronto", ("PE", "Prince Edward Island"): "America/Halifax",
    ("QC", "Quebec"): "America/Toronto", ("SK", "Saskatchewan"): "America/Regina",
    ("YT", "Yukon"): "America/Whitehorse",
}
_AU: Final = {
    ("NSW", "New South Wales"): "Australia/Sydney", ("VIC", "Victoria"): "Australia/Melbourne",
    ("QLD", "Queensland"): "Australia/Brisbane", ("WA", "Western Australia"): "Australia/Perth",
    ("SA", "South Australia"): "Australia/Adelaide", ("TAS", "Tasmania"): "Australia/Hobart",
    ("ACT", "Australian Capital Territory"): "Australia/Sydney",
    ("NT", "Northern Territory"): "Australia/Darwin",
}
_BR: Final = {
    ("AC", "Acre"): "America/Rio_Branco", ("AL", "Alagoas"): "America/Maceio",
    ("AP", "Amapa"): "America/Belem", ("AM", "Amazonas"): "America/Manaus",
    ("BA", "Bahia"): "America/Bahia", ("CE", "Ceara"): "America/Fortaleza",
    ("DF", "Distrito Federal"): "America/Sao_Paulo", ("ES", "Espirito Santo"): "America/Sao_Paulo",
    ("GO", "Goias"): "America/Sao_Paulo", ("MA", "Maranhao"): "America/Fortaleza",
    ("MT", "Mato Grosso"): "America/Cuiaba", ("MS", "Mato Grosso do Sul"): "America/Campo_Grande",
    ("MG", "Minas Gerais"): "America/Sao_Paulo", ("PA", "Para"): "America/Belem",
    ("PB", "Paraiba"): "America/Fortaleza", ("PR", "Parana"): "America/Sao_Paulo",
    ("PE", "Pernambuco"): "America/Recife", ("PI", "Piaui"): "America/Fortaleza",
    ("RJ", "Rio de Janeiro"): "America/Sao_Paulo",
    ("RN", "Rio Grande do Norte"): "America/Fortaleza",
    ("RS", "Rio Grande do Sul"): "America/Sao_Paulo", ("RO", "Rondonia"): "America/Porto_Velho",
    ("RR", "Roraima"): "America/Boa_Vista", ("SC", "Santa Catarina"): "America/Sao_Paulo",
    ("SP", "Sao Paulo"): "America/Sao_Paulo", ("SE", "Sergipe"): "America/Maceio",
    ("TO", "Tocantins"): "America/Araguaina",
}
# Countries with several zones in zone.tab -> the zone of the capital. None: no capital and no
# settled population.
PRINCIPAL: Final[dict[str, str | None]] = {
    "AQ": None, "AR": "America/Argentina/Buenos_Aires", "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo", "CA": "America/Toronto", "CD": "Africa/Kinshasa",
    "CL": "America/Santiago", "CN": "Asia/Shanghai", "CY": "Asia/Nicosia", "DE": "Europe/Berlin",
    "EC": "America/Guayaquil", "ES": "Europe/Madrid", "FM": "Pacific/Pohnpei", "GL": "America/Nuuk",
    "ID": "Asia/Jakarta", "KI": "Pacific/Tarawa", "KZ": "Asia/Almaty", "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar", "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland", "PF": "Pacific/Tahiti", "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Hebron", "PT": "Europe/Lisbon", "RU": "Europe/Moscow", "UA": "Europe/Kyiv",
    "UM": None, "US": "America/New_York", "UZ": "Asia/Tashkent",
}
# Big cities, by country. Only names that mean one zone: no Portland (Oregon or Maine), Aurora,
# Arlington or Richmond in the United States.
CITIES: Final[dict[str, dict[str, str]]] = {
    "US": {
        **dict.fromkeys(("New York", "New York City", "NYC", "Philadelphia", "Boston", "Atlanta",
                         "Miami", "Orlando", "Tampa", "Jacksonville", "Charlotte", "Raleigh",
                         "Baltimore", "Pittsburgh", "Cleveland", "Cincinnati", "Columbus",
                         "Washington DC", "Newark", "Buffalo"), "America/New_York"),
        "Detroit": "America/Detroit", "Indianapolis": "America/Indiana/Indianapolis",
        "Louisville": "America/Kentucky/Louisville",
        **dict.fromkeys(("Chicago", "Houston", "Dallas", "San Antonio", "Austin", "Fort Worth",
                         "Nashville", "Memphis", "Minneapolis", "Saint Paul", "St Paul",
                         "Milwaukee", "Kansas City", "Saint Louis", "St Louis", "New Orleans",
                         "Oklahoma City", "Tulsa", "Omaha"), "America/Chicago"),
        **dict.fromkeys(("Denver", "Salt Lake City", "Albuquerque", "El Paso"), "America/Denver"),
        "Boise": "America/Boise", "Phoenix": "America/Phoenix", "Tucson": "America/Phoenix",
        **dict.fromkeys(("Los Angeles", "San Francisco", "San Diego", "San Jose", "Sacramento",
                         "Fresno", "Seattle", "Las Vegas", "Oakland"), "America/Los_Angeles"),
        "Anchorage": "America/Anchorage", "Honolulu": "Pacific/Honolulu",
    },
    "CA": {
        **dict.fromkeys(("Toronto", "Ottawa", "Montreal", "Mississauga", "Hamilton", "Quebec City",
                         "Kitchener", "Waterloo"), "America/Toronto"),
        **dict.fromkeys(("Vancouver", "Victoria", "Surrey", "Burnaby"), "America/Vancouver"),
        **dict.fromkeys(("Calgary", "Edmonton"), "America/Edmonton"),
        "Winnipeg": "America/Winnipeg", "Regina": "America/Regina", "Saskatoon": "America/Regina",
        "Halifax": "America/Halifax", "St John's": "America/St_Johns",
    },
    "AU": {
        **dict.fromkeys(("Sydney", "Canberra", "Newcastle"), "Australia/Sydney"),
        "Melbourne": "Australia/Melbourne", "Brisbane": "Australia/Brisbane",
        "Gold Coast": "Australia/Brisbane", "Perth": "Australia/Perth",
        "Adelaide": "Australia/Adelaide", "Hobart": "Australia/Hobart",
        "Darwin": "Australia/Darwin",
    },
    "BR": {
        **dict.fromkeys(("Sao Paulo", "Rio de Janeiro", "Brasilia", "Belo Horizonte", "Curitiba",
                         "Porto Alegre", "Campinas"), "America/Sao_Paulo"),
        "Salvador": "America/Bahia", "Fortaleza": "America/Fortaleza", "Recife": "America/Recife",
        "Manaus": "America/Manaus", "Belem": "America/Belem",
    },
    "MX": {
        **dict.fromkeys(("Mexico City", "Ciudad de Mexico", "CDMX", "Guadalajara", "Puebla"),
                        "America/Mexico_City"),
        "Monterrey": "America/Monterrey", "Tijuana": "America/Tijuana",
        "Cancun": "America/Cancun", "Merida": "America/Merida", "Hermosillo": "America/Hermosillo",
    },
    "RU": {
        **dict.fromkeys(("Moscow", "Saint Petersburg", "St Petersburg"), "Europe/Moscow"),
        "Novosibirsk": "Asia/Novosibirsk", "Yekaterinburg": "Asia/Yekaterinburg",
        "Vladivostok": "Asia/Vladivostok", "Kaliningrad": "Europe/Kaliningrad",
    },
    "ID": {"Jakarta": "Asia/Jakarta", "Surabaya": "Asia/Jakarta", "Bandung": "Asia/Jakarta",
           "Denpasar": "Asia/Makassar", "Makassar": "Asia/Makassar"},
    "KZ": {"Almaty": "Asia/Almaty", "Astana": "Asia/Almaty"},
    "CN": {**dict.fromkeys(("Beijing", "Shanghai", "Shenzhen", "Guangzhou", "Chengdu",
                            "Hangzhou", "Dalian", "Shenyang", "Dandong"), "Asia/Shanghai"),
           "Urumqi": "Asia/Urumqi"},
    "ES": {"Madrid": "Europe/Madrid", "Barcelona": "Europe/Madrid",
           "Las Palmas": "Atlantic/Canary", "Santa Cruz de Tenerife": "Atlantic/Canary"},
    "PT": {"Lisbon": "Europe/Lisbon", "Porto": "Europe/Lisbon"},
    "AR": {"Buenos Aires": "America/Argentina/Buenos_Aires",
           "Cordoba": "America/Argentina/Cordoba", "Mendoza": "America/Argentina/Mendoza"},
    "CL": {"Santiago": "America/Santiago"},
    "NZ": {"Auckland": "Pacific/Auckland", "Wellington": "Pacific/Auckland",
           "Christchurch": "Pacific/Auckland"},
    "UA": {"Kyiv": "Europe/Kyiv", "Kiev": "Europe/Kyiv", "Lviv": "Europe/Kyiv",
           "Kharkiv": "Europe/Kyiv", "Odesa": "Europe/Kyiv"},
    "MY": {"Kuala Lumpur": "Asia/Kuala_Lumpur", "Kuching": "Asia/Kuching"},
    # Countries whose ISO code is also a US state code: "Berlin, DE" is Berlin, Germany.
    "DE": {**dict.fromkeys(("Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne", "Stuttgart",
                            "Dusseldorf", "Leipzig", "Dresden"), "Europe/Berlin")},
    "IN": {**dict.fromkeys(("Bengaluru", "Bangalore", "Mumbai", "Delhi", "New Delhi", "Pune",
                            "Hyderabad", "Chennai", "Kolkata", "Ahmedabad", "Noida", "Gurgaon",
                            "Gurugram"), "Asia/Kolkata")},
    "CO": {"Bogota": "America/Bogota", "Medellin": "America/Bogota", "Cali": "America/Bogota"},
    "IL": {"Tel Aviv": "Asia/Jerusalem", "Jerusalem": "Asia/Jerusalem", "Haifa": "Asia/Jerusalem"},
    "MA": {"Casablanca": "Africa/Casablanca", "Rabat": "Africa/Casablanca"},
    "PA": {"Panama City": "America/Panama"},
    "AZ": {"Baku": "Asia/Baku"},
    "MD": {"Chisinau": "Europe/Chisinau"},
    "MN": {"Ulaanbaatar": "Asia/Ulaanbaatar"},
    "TN": {"Tunis": "Africa/Tunis"},
    "AL": {"Tirana": "Europe/Tirane"},
    "MT": {"Valletta": "Europe/Malta"},
    "GA": {"Libreville": "Africa/Libreville"},
    "LA": {"Vientiane": "Asia/Vientiane"},
}
# fmt: on

_SEPARATORS = re.compile(r"[,;|/]|\s[-\u2013\u2014]\s")
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_ZIP = re.compile(r"\s+\d{5}(?:-\d{4})?$")
_PUNCT = re.compile(r"[\W_]+")
Zoned = TypeVar("Zoned", pl.Expr, pl.Series)


def _folded(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def _regions(table: dict[tuple[str, str], str]) -> dict[str, str]:
    """Folded code and name -> zone."""
    return {_folded(key): zone for pair, zone in table.items() for key in pair}


REGIONS: Final[dict[str, dict[str, str]]] = {
    "US": {_folded(key): US_STATES[code] for name, code in STATES.items() if code in US_STATES
           for key in (name, code)},
    "CA": _regions(_CA),
    "AU": _regions(_AU),
    "BR": _regions(_BR),
}  # fmt: skip
_CITIES: Final = {
    country: {_folded(city): zone for city, zone in cities.items()}
    for country, cities in CITIES.items()
}
# A region named without its country ("Vancouver, BC"): codes and names in one table only.
_LONE_REGIONS: Final = {
    key: country
    for country, table in REGIONS.items()
    for key in table
    if sum(key in other for other in REGIONS.values()) == 1
}


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO 3166-1 alpha-2 code -> the zones tzdata's ``zone.tab`` lists for it, in its order."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    zones: dict[str, list[str]] = {}
    for line in table.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_comments = line.split("\t")
            zones.setdefault(country, []).append(zone)
    return {country: tuple(names) for country, names in zones.items()}


def principal_zone(country: str) -> str | None:
    """The zone of a country named without a region or city: its only one, else ``PRINCIPAL``'s
    (its capital's), else (a country tzdata split after this table was written) the first one
    zone.tab lists, which tzdb orders most populous first where geography allows."""
    zones = country_zones().get(country.upper(), ())
    if len(zones) > 1 and country.upper() in PRINCIPAL:
        return PRINCIPAL[country.upper()]
    return zones[0] if zones else None


def zone_of(location: str | None) -> str | None:
    """The IANA zone of a claimed location, or None when it names no country fauxhire knows.

    A state or province, then a big city, then the country's principal zone (the module
    docstring gives the rule). Where only the country is named and it has several zones
    ("Portland (US)"), the answer is a guess at the country level.
    """
    if location is None or not location.strip():
        return None
    return _zone(" ".join(location.split()))


@lru_cache(maxsize=1 << 14)
def _zone(text: str) -> str | None:
    parts = list(_parts(text))
    if not parts:
        return None
    city = parts[0] if len(parts) > 1 else ""
    country = country_of(text)
    # "City, XX" reads as a US state, unless XX is also a country with a big city of that name.
    abroad = _CITIES.get(parts[-1].upper(), {}) if len(parts) == 2 else {}
    if country == "US" and (zone := abroad.get(city)):
        return zone
    if country is None:
        country = next(
            (_LONE_REGIONS[part] for part in reversed(parts) if part in _LONE_REGIONS), None
        )
        if country is None:
            return None
    regions = REGIONS.get(country, {})
    for part in reversed(parts):
        if zone := regions.get(part):
            return zone
    return _CITIES.get(country, {}).get(city) or principal_zone(country)


def _parts(text: str) -> Iterator[str]:
    """The folded parts of a location, a trailing "(...)" as a part of its own."""
    pieces = [piece.strip() for piece in _SEPARATORS.split(text) if piece.strip()]
    if pieces and (paren := _PAREN.match(pieces[-1])):
        pieces[-1:] = [paren.group(1), paren.group(2)]
    for piece in pieces:
        if folded := _folded(_ZIP.sub("", piece)):
            yield folded


def local_hours(frame: pl.DataFrame, time: str, zone: str) -> pl.Series:
    """The local hour of day in [0, 24) of each row's ``time`` in the IANA zone in its ``zone``
    column, minutes and seconds as the fraction, DST-correct.

    ``time`` is a datetime column; a naive one is UTC (docs/formats.md), an aware one is read in its
    own zone. Null where the time or the zone is null, or the zone is unknown to polars. One
    ``dt.convert_time_zone`` per distinct zone, the hours back in row order.
    """
    times = _utc(frame.get_column(time))
    rows = pl.DataFrame({"_t": times, "_z": frame.get_column(zone).cast(pl.String)})
    rows = rows.with_row_index("_i")
    parts = [pl.DataFrame(schema={"_i": pl.UInt32, "_h": pl.Float64})]
    known = rows.filter(pl.col("_t").is_not_null() & pl.col("_z").is_not_null())
    for (name,), group in known.group_by("_z"):
        if isinstance(name, str) and _polars_knows(name):
            local = group.get_column("_t").dt.convert_time_zone(name)
            parts.append(group.select("_i", _hour_of_day(local).alias("_h")))
    hours = pl.concat(parts)
    hours = rows.select("_i").join(hours, on="_i", how="left", maintain_order="left")
    return hours.get_column("_h").alias("local_hour")


def with_local_hour(frame: pl.DataFrame, time: str, zone: str, name: str) -> pl.DataFrame:
    """``frame`` with a column ``name``: ``local_hours(frame, time, zone)``."""
    return frame.with_columns(local_hours(frame, time, zone).alias(name))


def hour_in_offset(times: Zoned, offset_hours: float) -> Zoned:
    """The hour of day in [0, 24), with the fraction, of UTC ``times`` at a fixed offset such
    as UTC+8 or UTC+9 (``offset_hours`` may be fractional: 5.5, -3.5). A naive time is UTC."""
    shifted = pl.from_epoch(times.dt.epoch("ms") + round(offset_hours * 3_600_000), "ms")
    return _hour_of_day(shifted)


def _hour_of_day(local: Zoned) -> Zoned:
    return local.dt.hour() + local.dt.minute() / 60 + local.dt.second() / 3600


def _utc(times: pl.Series) -> pl.Series:
    dtype = times.dtype
    if not isinstance(dtype, pl.Datetime):
        raise TypeError(f"local_hours needs a datetime column, not {dtype}")
    if dtype.time_zone is None:
        return times.dt.replace_time_zone("UTC")
    return times.dt.convert_time_zone("UTC")


@cache
def _polars_knows(zone: str) -> bool:
    try:
        pl.Series([], dtype=pl.Datetime("us", "UTC")).dt.convert_time_zone(zone)
    except pl.exceptions.ComputeError:
        return False
    return True


def local_hour_at(at: datetime, zone: str | None) -> float | None:
    """``local_hours`` for one UTC time: the hour of day in [0, 24) in ``zone``, minutes and
    seconds as the fraction; None where the zone is missing or unknown to polars (as there)."""
    if zone is None or not _polars_knows(zone):
        return None
    try:
        local = at.astimezone(_zone_info(zone))
    except ZoneInfoNotFoundError:
        return None
    return local.hour + local.minute / 60 + local.second / 3600


@cache
def _zone_info(zone: str) -> ZoneInfo:
    return ZoneInfo(zone)
