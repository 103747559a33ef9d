"""Contact details masked for a role that must recognise a value, not read it (a recruiter,
issue 17 item 2): enough to tell "the e-mail I was sent" from another, not enough to
contact or look the person up."""

from __future__ import annotations

from typing import Final

HIDDEN: Final = "***"


def masked(kind: str, display: str) -> str:
    """``display`` of a value of ``kind`` with most of it hidden: an e-mail keeps the first
    letter of its local part and its top-level domain, a phone its last two digits, an
    address its last word (a postcode or a country), a handle its first letter."""
    text = display.strip()
    if not text:
        return ""
    if kind == "email" and "@" in text:
        local, _, domain = text.rpartition("@")
        top = domain.rsplit(".", 1)[-1] if "." in domain else ""
        return f"{local[:1]}{HIDDEN}@{HIDDEN}" + (f".{top}" if top else "")
    if kind == "phone":
        digits = [c for c in text if c.isdigit()]
        return f"{HIDDEN}{''.join(digits[-2:])}" if len(digits) > 4 else HIDDEN
    if kind == "address":
        words = text.replace(",", " ").split()
        return f"{HIDDEN} {words[-1]}" if len(words) > 2 else HIDDEN
    return f"{text[:1]}{HIDDEN}"
