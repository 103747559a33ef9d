"""Normalisers: raw identifying text -> ``Value(kind, display, key)``, one module per value type.

``display`` is what a person reads; ``key`` is what records are matched on, folded so that the
ways one value is commonly written agree. Each module's docstring says what its key folds and
why. All are pure functions of their arguments; ``location`` reads a country from free text.
"""

from fauxhire.domain.normalise import address, email, ip, location, name, phone, url

__all__ = ["address", "email", "ip", "location", "name", "phone", "url"]
