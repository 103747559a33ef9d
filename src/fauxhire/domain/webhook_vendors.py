"""The ATS vendors whose webhooks fauxhire takes (services/webhooks.py), and the header each
signs its deliveries in. Here, not in the services, so that `fauxhire webhooks --help` names
them without loading the services."""

from __future__ import annotations

from typing import Final

VENDORS: Final = ("greenhouse", "ashby")
SIGNATURE_HEADER: Final = {"greenhouse": "Signature", "ashby": "Ashby-Signature"}
