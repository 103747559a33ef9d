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
