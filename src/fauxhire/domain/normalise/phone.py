"""Phone numbers, with the ``phonenumbers`` library.

The key is E.164 (``+15125550147``), which folds every way of writing one line: spacing,
punctuation, a national trunk prefix, an international call prefix, an extension. A number
written without a country code is read in the applicant's region (default US). The display is
the library's INTERNATIONAL format.

Ingest calls this about once per phone of every application, so parsing is cached, and the two
commonest shapes skip ``phonenumbers.parse`` (most of the cost): ``+`` and digits, and a
ten-digit North American number. Both give what the library gives, which the unit tests check.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat

from fauxhire.domain.values import Value, ValueKind

DEFAULT_REGION = "US"

_SEPARATORS = str.maketrans("", "", " ()-./")  # punctuation phonenumbers ignores
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_NANP_NATIONAL = re.compile(r"([2-9][0-9]{2})([0-9]{3})([0-9]{4})")
_NANP_DIALLED = re.compile(r"1?([2-9][0-9]{2})([0-9]{3})([0-9]{4})")
_NANP_REGIONS = frozenset(phonenumbers.region_codes_for_country_code(1))
_CALLING_CODES = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
_INTL = PhoneNumberFormat.INTERNATIONAL


def _nanp(area: str, exchange: str, line: str) -> Value:
    return Value(ValueKind.PHONE, f"+1 {area}-{exchange}-{line}", f"+1{area}{exchange}{line}")


@lru_cache(maxsize=1024)
def _trunk_prefix(calling_code: int) -> re.Pattern[str] | None:
    """The national (trunk) prefix pattern of a calling code's main region, if it has one."""
    region = phonenumbers.region_code_for_country_code(calling_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(calling_code, region)
    pattern = getattr(metadata, "national_prefix_for_parsing", None)
    return re.compile(pattern) if pattern else None


def _from_e164(compact: str) -> Value | None:
    """The value of ``+<digits>``, or None where only ``phonenumbers.parse`` can tell."""
    digits = compact[1:]
    for size in (1, 2, 3):
        calling_code = int(digits[:size])
        if calling_code in _CALLING_CODES:
            break
    else:
        return None
    national = digits[size:]
    if calling_code == 1 and (match := _NANP_NATIONAL.fullmatch(national)):
        return _nanp(*match.groups())
    trunk = _trunk_prefix(calling_code)
    if national.startswith("0") or (trunk is not None and trunk.match(national)):
        return None  # leading zeros and trunk prefixes: leave them to the library
    number = PhoneNumber(country_code=calling_code, national_number=int(national))
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible phone number")
    return Value(ValueKind.PHONE, phonenumbers.format_number(number, _INTL), compact)


def _parse(text: str, region: str) -> Value:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible phone number")
    key = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return Value(ValueKind.PHONE, phonenumbers.format_number(number, _INTL), key)


@lru_cache(maxsize=1 << 16)
def _cached(text: str, region: str) -> Value:
    compact = text.translate(_SEPARATORS)
    if _E164.fullmatch(compact):
        return _from_e164(compact) or _parse(text, region)
    if region in _NANP_REGIONS and (match := _NANP_DIALLED.fullmatch(compact)):
        return _nanp(*match.groups())
    return _parse(text, region)


def normalise(raw: str | None, default_region: str | None = None) -> Value | None:
    """A phone number as a value; None when blank, ValueError when not a possible number.

    ``default_region`` (ISO 3166-1 alpha-2, the applicant's country) reads numbers written
    without a ``+`` country code; without one, US. A region phonenumbers does not know makes
    such a number a ValueError.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    return _cached(text, (default_region or DEFAULT_REGION).upper())
