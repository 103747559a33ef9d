"""Web addresses, with LinkedIn and GitHub profiles recognised as accounts.

The key folds what does not change which page or account is meant: scheme, ``www.``, case,
query, fragment, trailing slash, percent-encoding. A LinkedIn profile (any subdomain,
``/in/<handle>``) keys as ``linkedin.com/in/<handle>``; a GitHub account (``github.com/<handle>``,
a repository under it, or ``<handle>.github.io``) keys as the bare handle, so both agree with the
published hashing test vectors. The display is the text as given, trimmed.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

from fauxhire.domain.values import Value, ValueKind

# github.com/<first path part> that is a GitHub page, not an account.
_GITHUB_PAGES = frozenset({
    "about", "apps", "blog", "collections", "contact", "customer-stories", "enterprise",
    "explore", "features", "gist", "issues", "join", "login", "logout", "marketplace", "new",
    "notifications", "orgs", "organizations", "pricing", "pulls", "readme", "search",
    "security", "settings", "site", "sponsors", "team", "topics", "trending",
})  # fmt: skip
_GITHUB_HANDLE = re.compile(r"[a-z0-9][a-z0-9-]{0,38}")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_LABEL = re.compile(r"(?!-)[^\W_](?:[\w-]*[^\W_])?")
_SPACE = re.compile(r"\s")
# The common shape, "https://host/path?query", split without urlsplit (several times faster);
# anything else (user info, ports, IPv6, no scheme) takes the general path.
_PLAIN = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^?#]*)?(?:[?#].*)?", re.IGNORECASE | re.DOTALL)
# The two profile shapes nearly every resume and ATS gives, keyed without the general path.
_LINKEDIN_PLAIN = re.compile(
    r"https?://(?:www\.)?linkedin\.com/in/([a-z0-9_-]+)/*(?:[?#].*)?", re.IGNORECASE | re.DOTALL
)
_GITHUB_PLAIN = re.compile(
    r"https?://(?:www\.)?github\.com/([a-z0-9][a-z0-9-]{0,38})/*(?:[?#].*)?",
    re.IGNORECASE | re.DOTALL,
)


def _host_and_path(text: str) -> tuple[str, str] | None:
    """(host without ``www.``, path without trailing slash), lowercased; None if no host."""
    if _SPACE.search(text):
        return None
    plain = _PLAIN.fullmatch(text)
    if plain is not None:
        host = plain.group(1).lower().rstrip(".")
        path = plain.group(2) or ""
        if not _is_host(host):
            return None
        path = unquote(path) if "%" in path else path
        return host.removeprefix("www."), path.rstrip("/").lower()
    has_scheme = _SCHEME.match(text) is not None
    try:
        parts = urlsplit(text if has_scheme else f"//{text}")
        host = (parts.hostname or "").rstrip(".")
    except ValueError:  # e.g. a bad port or an unbalanced "[" in the host
        return None
    if not has_scheme and "@" in parts.netloc:
        return None  # an email address, not a web address
    if not _is_host(host):
        return None
    host = host.removeprefix("www.")
    return host, unquote(parts.path).rstrip("/").lower()


def _is_host(host: str) -> bool:
    if host[-1:].isdigit() or ":" in host:  # only these can be IP addresses; skip the costly try
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return True
    labels = host.split(".")
    return len(labels) > 1 and all(_LABEL.fullmatch(label) for label in labels)


def _account(host: str, path: str) -> Value | None:
    """The LinkedIn or GitHub account a (host, path) names, if any (display filled in later)."""
    segments = [segment for segment in path.split("/") if segment]
    if (host == "linkedin.com" or host.endswith(".linkedin.com")) and segments[:1] == ["in"]:
        if len(segments) > 1:
            return Value(ValueKind.LINKEDIN, "", f"linkedin.com/in/{segments[1]}")
    elif host == "github.com" and segments and segments[0] not in _GITHUB_PAGES:
        if _GITHUB_HANDLE.fullmatch(segments[0]):
            return Value(ValueKind.GITHUB, "", segments[0])
    elif host.endswith(".github.io") and host.count(".") == 2:
        handle = host.removesuffix(".github.io")
        if _GITHUB_HANDLE.fullmatch(handle):
            return Value(ValueKind.GITHUB, "", handle)
    return None


def normalise(raw: str | None) -> Value | None:
    """A web address as a value; None when blank, ValueError when it names no host."""
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    plain = _LINKEDIN_PLAIN.fullmatch(text)
    if plain is not None:
        return Value(ValueKind.LINKEDIN, text, f"linkedin.com/in/{plain.group(1).lower()}")
    plain = _GITHUB_PLAIN.fullmatch(text)
    if plain is not None and (handle := plain.group(1).lower()) not in _GITHUB_PAGES:
        return Value(ValueKind.GITHUB, text, handle)
    found = _host_and_path(text)
    if found is None:
        raise ValueError("not a web address: no host")
    host, path = found
    account = _account(host, path)
    if account is not None:
        return account._replace(display=text)
    return Value(ValueKind.URL, text, f"{host}{path}")


def github_handle(raw: str | None) -> Value | None:
    """A GitHub account from a profile URL or a bare handle (``Example-Dev-0001``, ``@alex``)."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    handle = text.removeprefix("@").lower()
    if _GITHUB_HANDLE.fullmatch(handle):
        return Value(ValueKind.GITHUB, text, handle)
    value = normalise(text)
    if value is None or value.kind is not ValueKind.GITHUB:
        raise ValueError("not a GitHub account")
    return value
