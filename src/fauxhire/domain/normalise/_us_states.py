"""US states, DC and the inhabited territories: folded name -> two-letter USPS code.

One table for the two normalisers that need it: ``address`` folds a spelled-out state to its
code so "Austin, Texas" and "Austin, TX" share a key, and ``location`` reads "Austin, TX" as
the United States. Names are lowercase ASCII, words separated by single spaces.
"""

from __future__ import annotations

from typing import Final

STATES: Final[dict[str, str]] = {
    "alabama": "AL",
    "alaska": "AK",
    "arizona": "AZ",
    "arkansas": "AR",
    "california": "CA",
    "colorado": "CO",
    "connecticut": "CT",
    "delaware": "DE",
    "district of columbia": "DC",
    "florida": "FL",
    "georgia": "GA",
    "hawaii": "HI",
    "idaho": "ID",
    "illinois": "IL",
    "indiana": "IN",
    "iowa": "IA",
    "kansas": "KS",
    "kentucky": "KY",
    "louisiana": "LA",
    "maine": "ME",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "minnesota": "MN",
    "mississippi": "MS",
    "missouri": "MO",
    "montana": "MT",
    "nebraska": "NE",
    "nevada": "NV",
    "new hampshire": "NH",
    "new jersey": "NJ",
    "new mexico": "NM",
    "new york": "NY",
    "north carolina": "NC",
    "north dakota": "ND",
    "ohio": "OH",
    "oklahoma": "OK",
    "oregon": "OR",
    "pennsylvania": "PA",
    "rhode island": "RI",
    "south carolina": "SC",
    "south dakota": "SD",
    "tennessee": "TN",
    "texas": "TX",
    "utah": "UT",
    "vermont": "VT",
    "virginia": "VA",
    "washington": "WA",
    "west virginia": "WV",
    "wisconsin": "WI",
    "wyoming": "WY",
    # Territories: USPS codes that are also their own ISO 3166-1 alpha-2 codes.
    "american samoa": "AS",
    "guam": "GU",
    "northern mariana islands": "MP",
    "puerto rico": "PR",
    "us virgin islands": "VI",
    "virgin islands": "VI",
}

CODES: Final[frozenset[str]] = frozenset(STATES.values())

# Territories have their own ISO country code; a location naming one is in that "country".
TERRITORIES: Final[frozenset[str]] = frozenset({"AS", "GU", "MP", "PR", "VI"})
