"""Every applicant's personal data a store holds, as text to look for in what leaves it: the
contact values (e-mails, phones, names, addresses, profiles, URLs) as presented and as
normalised, the applications' names, and hires' work accounts and shipping addresses. Values
shorter than six characters are left out: they are common words and parts of ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from fauxhire.store import SqlStore
from fauxhire.store.sealed import RowSealer

SHORTEST = 6


def personal_values(store: SqlStore) -> set[str]:
    """The store's personal data, lower case (look for it in lower-cased text)."""
    sealing = RowSealer(store.sealer)
    values = sealing.open_rows(
        "applicant_values", ["kind", "key", "display"],
        _rows(store, "SELECT kind, key, display FROM applicant_values"),
    )  # fmt: skip
    found = {v for _, key, display in values for v in (key, display) if v}
    names = _rows(store, "SELECT first_name, last_name, name_display FROM applications")
    found |= {f"{first} {last}" for first, last, _ in names}
    found |= {shown for _, _, shown in names if shown}
    hires = sealing.open_rows(
        "hires", ["work_email_display", "shipping_address_display"],
        _rows(store, "SELECT work_email_display, shipping_address_display FROM hires"),
    )  # fmt: skip
    found |= {v for row in hires for v in row if v}
    return {value.lower() for value in found if len(value) >= SHORTEST}


def _rows(store: SqlStore, sql: str) -> list[Any]:
    with store.transaction("test") as conn:
        return [tuple(row) for row in conn.execute(text(sql))]
