"""Turning raw identifying strings into normalised values, keeping what does not normalise.

A bad email or phone does not make an application invalid: the value is left out of the
matching keys and its raw text is kept in the record's ``extra["invalid_values"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fauxhire.domain import Value
from fauxhire.domain.normalise import address, email, ip, name, phone, url


class ValueCollector:
    """Collects normalised values of one record, de-duplicated by key, and the raw rejects."""

    __slots__ = ("invalid",)

    def __init__(self) -> None:
        self.invalid: list[dict[str, str]] = []

    def _many(
        self, kind: str, raws: Iterable[Any], fn: Callable[[str], Value | None]
    ) -> tuple[Value, ...]:
        out: dict[tuple[str, str], Value] = {}
        for raw in raws:
            if raw is None:
                continue
            if not isinstance(raw, str):
                self.invalid.append({"kind": kind, "raw": repr(raw)[:200], "reason": "not text"})
                continue
            try:
                value = fn(raw)
            except ValueError as exc:
                self.invalid.append({"kind": kind, "raw": raw[:200], "reason": str(exc)})
                continue
            if value is not None:
                out.setdefault((value.kind, value.key), value)
        return tuple(out.values())

    def emails(self, raws: Iterable[Any]) -> tuple[Value, ...]:
        return self._many("email", raws, email.normalise)

    def phones(self, raws: Iterable[Any], region: str | None) -> tuple[Value, ...]:
        return self._many("phone", raws, lambda raw: phone.normalise(raw, region))

    def addresses(self, raws: Iterable[Any]) -> tuple[Value, ...]:
        return self._many("address", raws, address.normalise)

    def urls(self, raws: Iterable[Any]) -> tuple[Value, ...]:
        return self._many("url", raws, url.normalise)

    def names(self, raws: Iterable[Any]) -> tuple[Value, ...]:
        return self._many("name", raws, name.normalise)

    def one_name(self, raw: Any) -> Value | None:
        """A full name; one with no letters or digits ("-", "🙂") is kept as a reject."""
        found = self.names([raw])
        return found[0] if found else None

    def full_name(self, first: str | None, last: str | None) -> Value | None:
        """The name of first and last parts; as ``one_name`` where it has no letters."""
        try:
            return name.from_parts(first, last)
        except ValueError as exc:
            raw = " ".join(part for part in (first, last) if part)
            self.invalid.append({"kind": "name", "raw": raw[:200], "reason": str(exc)})
            return None

    def whole_name(self, raw: str | None) -> tuple[str, str, Value | None]:
        """A name given in one field (Lever, Ashby): its first and last parts, as the ATS
        shows them (one word is the first name), and the name as a value."""
        full = " ".join((raw or "").split())
        first, _, last = full.rpartition(" ")
        if not first:
            first, last = last, ""
        return first, last, self.one_name(full) if full else None

    def one_email(self, raw: Any) -> Value | None:
        found = self.emails([raw])
        return found[0] if found else None

    def one_address(self, raw: Any) -> Value | None:
        found = self.addresses([raw])
        return found[0] if found else None

    def one_ip(self, raw: Any) -> str | None:
        found = self._many("ip", [raw], ip.normalise)
        return found[0].key if found else None

    def extra(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The record's ``extra`` with the rejected raw values, if any."""
        out = dict(base or {})
        if self.invalid:
            out["invalid_values"] = self.invalid
        return out
