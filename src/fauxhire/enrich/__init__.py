"""What fauxhire adds to an observation from reference data, for linking and assessment alike.

- ``ipintel``: the network an egress address belongs to (who operates it, and whether it is a
  VPN exit, a proxy, Tor, a server, a carrier or a campus), from the customer's ipintel.csv and
  the data fauxhire ships (``reference/``); ``classify`` is the one way any stage classes one.
- ``timezones`` and ``places``: the country and time zone of a place a person claims as home.
- ``keyed``: the keyed hash (HMAC-SHA256) of a contact detail, as partners share them.

Pure: frames and values in, frames and values out; no store, files of the user or settings.
Facts about networks and places, never about people's origins (docs/formats.md section 12).
The vocabularies of records and reports (``domain.sectors``, ``domain.roles``) stay in the
domain: records carry them.
"""
