"""Email addresses.

The key folds what a mailbox provider ignores, so one inbox written two ways matches:
- Unicode compatibility forms (NFKC) and case, over the whole address. Domains are
  case-insensitive; local parts are case-sensitive in theory but not at any provider we know.
- a plus-tag, ``alex+jobs@`` -> ``alex@``, for every domain: the tag is a filter, not an inbox.
- for Gmail only, the dots of the local part, and ``googlemail.com`` -> ``gmail.com``.

The display keeps the local part as written and lowercases the domain.
"""

from __future__ import annotations

import re
import unicodedata

from fauxhire.domain.values import Value, ValueKind

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_SPACE = re.compile(r"\s")


def _strip_wrapping(text: str) -> str:
    """Remove surrounding ``<>`` and a ``mailto:`` prefix (with its ``?query``), in any order."""
    while True:
        before = text
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1].strip()
        if text[:7].lower() == "mailto:":
            text = text[7:].split("?", 1)[0].strip()
        if text == before:
            return text


def _split(raw: str) -> tuple[str, str] | None:
    """(local, domain) of a trimmed, NFKC address; None when the raw text is blank."""
    text = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).strip()
    if not text:
        return None
    text = _strip_wrapping(text)
    if text.count("@") != 1:
        raise ValueError("an email address has exactly one '@'")
    local, domain = text.split("@")
    if not local or not domain:
        raise ValueError("an email address needs a local part and a domain")
    if _SPACE.search(text):
        raise ValueError("an email address has no spaces")
    if domain.startswith(".") or domain.endswith(".") or ".." in domain:
        raise ValueError("the email domain has an empty label")
    return local, domain


def _key(local: str, domain: str) -> str:
    """The matching key of an address already split into its two parts."""
    if local.isascii() and domain.isascii():  # NFKC is the identity on ASCII
        local, domain = local.lower(), domain.lower()
    else:
        local = unicodedata.normalize("NFKC", local.casefold())
        domain = unicodedata.normalize("NFKC", domain.casefold())
    untagged = local.split("+", 1)[0]
    if untagged:
        local = untagged
    if domain in _GMAIL_DOMAINS:
        local = local.replace(".", "") or local
        domain = "gmail.com"
    return f"{local}@{domain}"


def normalise(raw: str | None) -> Value | None:
    """An email address as a value; None when blank, ValueError when it is not an address."""
    if raw is None:
        return None
    parts = _split(raw)
    if parts is None:
        return None
    local, domain = parts
    return Value(ValueKind.EMAIL, f"{local}@{domain.lower()}", _key(local, domain))
