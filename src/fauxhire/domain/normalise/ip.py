"""IP addresses, v4 and v6, with the standard library's ``ipaddress``.

The key is the address in its canonical compressed form, which folds how logs write one
address: brackets, a port (``1.2.3.4:443``, ``[2001:db8::1]:443``), a ``%zone`` suffix, hex case,
zero runs, and an IPv4-mapped IPv6 address (``::ffff:1.2.3.4``), which is the IPv4 address.
The display is the same canonical form.
"""

from __future__ import annotations

import ipaddress
import re

from fauxhire.domain.values import Value, ValueKind

_BRACKETED = re.compile(r"\[([^\]]*)\](?::[0-9]{1,5})?")
_V4_PORT = re.compile(r"([0-9.]+):[0-9]{1,5}")


def _address_text(text: str) -> str:
    """The address part of ``text``: without brackets, port and zone."""
    if bracketed := _BRACKETED.fullmatch(text):
        text = bracketed.group(1)
    elif v4_port := _V4_PORT.fullmatch(text):
        text = v4_port.group(1)
    return text.split("%", 1)[0]


def normalise(raw: str | None) -> Value | None:
    """An IP address as a value; None when blank, ValueError when it is not an IP address."""
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    try:
        address = ipaddress.ip_address(_address_text(text))
    except ValueError:
        raise ValueError(f"not an IP address: {text[:60]!r}") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    canonical = address.compressed
    return Value(ValueKind.IP, canonical, canonical)
