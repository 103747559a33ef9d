"""The whole exception tree of fauxhire.

    FauxhireError                 root; every error we raise on purpose
    ├── ConfigError               bad settings, unknown format name, bad database URL
    ├── IngestError               one bad input record or file: source, location, field, reason
    │   └── WrongFormatError      a whole file that is not the format it was given as
    ├── RuleError                 a ruleset problem: rule id, path:line
    ├── StoreError                a persistence operation failed: operation, wrapped cause
    ├── NotFound                  an id that the store does not hold
    ├── JudgementRefused          an analyst's judgement that would say nothing: a record
    │                             already alone, an identity in no network, one record twice,
    │                             a disposition that is neither confirmed nor cleared or
    │                             has no reason
    ├── StoreNotReady             the store cannot do this yet (a screen before any link run)
    ├── PermissionDenied          the caller may not do this
    ├── InvalidQuery              a question the caller asked that cannot be read: a search
    │                             value that is not the kind it was given as (its field)
    ├── VendorError               a vendor's API (an ATS write-back, the IdP) refused or
    │                             did not answer: the vendor and the status, never the
    │                             credentials
    ├── SignInRefused             the IdP would not redeem the console's sign-in code: its
    │                             OAuth error code
    └── AuthenticationError       a credential that names no valid key: unknown, malformed,
                                  revoked or expired (the reason is kept, never shown to
                                  the caller)

Each error carries a stable machine-readable ``code`` and its fields, so the CLI and the
API translate them at the edge without parsing text.
"""

from __future__ import annotations

from typing import Any


class FauxhireError(Exception):
    code = "fauxhire_error"

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class ConfigError(FauxhireError):
    code = "config_error"


class IngestError(FauxhireError):
    """A record (or file) that cannot be ingested, with where and why."""

    code = "ingest_error"

    def __init__(
        self,
        reason: str,
        *,
        source: str = "",
        location: str = "",
        field: str = "",
        code: str | None = None,
    ) -> None:
        where = ":".join(part for part in (source, location) if part)
        text = f"{where}: {reason}" if where else reason
        if field:
            text = f"{text} (field {field!r})"
        super().__init__(text, source=source, location=location, field=field, reason=reason)
        self.source = source
        self.location = location
        self.field = field
        self.reason = reason
        if code is not None:
            self.code = code


class WrongFormatError(IngestError):
    code = "wrong_format"


class RuleError(FauxhireError):
    code = "rule_error"


class StoreError(FauxhireError):
    code = "store_error"

    def __init__(self, operation: str, cause: BaseException | None = None) -> None:
        text = f"store operation {operation!r} failed"
        if cause is not None:
            text = f"{text}: {cause}"
        super().__init__(text, operation=operation)
        self.operation = operation
        self.__cause__ = cause


class NotFound(FauxhireError):
    code = "not_found"


class JudgementRefused(FauxhireError):
    code = "judgement_refused"


class StoreNotReady(FauxhireError):
    code = "not_ready"


class InvalidQuery(FauxhireError):
    code = "invalid_query"


class PermissionDenied(FauxhireError):
    code = "permission_denied"


class AuthenticationError(FauxhireError):
    code = "authentication_failed"


class VendorError(FauxhireError):
    code = "vendor_error"


class SignInRefused(FauxhireError):
    code = "sign_in_refused"
