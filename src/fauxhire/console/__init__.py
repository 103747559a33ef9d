"""The analysts' console (issue 18): static pages served by `fauxhire serve` at /console/,
which call the API with the signed-in key. The pages hold no data: every datum comes from a
route that checks the key's role and member, and audits the read."""

from __future__ import annotations

from pathlib import Path
from typing import Final

STATIC: Final = Path(__file__).parent / "static"
# Scripts, styles and fetches from fauxhire itself only: no inline script, no other origin.
CONSOLE_POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The libraries bundled in static/vendor/ (its README says where from): file, version, sha256.
VENDORED: Final = {
    "cytoscape.min.js": (
        "3.35.0",
        "71fa9ebec21a7ca2c40cff6aacc30d1f6464e363662ad4b2c197e1adc770cd94",
    ),
}
