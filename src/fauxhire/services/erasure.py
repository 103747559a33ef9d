"""Erasure of one applicant's data on request (issue 17, item 8; docs/privacy.md).

An erasure finds the applicant's records from a selector (domain.erasure), deletes them and
every output that cites them, records tombstones (keyed hashes of the e-mails, phones and
record keys it removed, which ingest honours) and appends one audit event, all in one unit
of work: the store shows the person or it does not, never half. A preview (the default of
the command line and the API) runs the same deletions and rolls them back, so its counts are
exactly what the erasure would remove; its own audit event is the one thing it writes,
because the counts say whether the store holds the person, a read of personal data.

The audit event names the erased records by keyed hashes of their keys and counts them; it
never holds an erased value (the purpose is the caller's words: docs/privacy.md asks that it
name the request, not the person).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, TypeVar

from fauxhire.domain.erasure import ERASED_APPLICANT, Selector, tombstone_digest, tombstone_key
from fauxhire.enrich.keyed import keyed_hash
from fauxhire.errors import ConfigError
from fauxhire.ports import AuditEvent, Erased, ErasureStore

log = logging.getLogger(__name__)
KEY_SETTING: Final = "erasure_key"  # the setting (FAUXHIRE_ERASURE_KEY) tombstones are keyed by
_RECORD_DIGEST: Final = 24  # hex characters of a record key's keyed hash in the audit trail
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who erases, for the audit trail: a key id or an OS user, and a role when an API key's."""

    name: str
    role: str | None = None
    member: str | None = None
    request_id: str | None = None

    def event(
        self, action: str, subject: str, purpose: str, now: datetime, records: tuple[str, ...]
    ) -> AuditEvent:
        return AuditEvent(
            self.name, action, subject, purpose, now, self.role, self.member, records,
            self.request_id,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class ErasureOutcome:
    applied: bool  # False: a preview, rolled back
    counts: dict[str, int]  # table -> rows removed (or that would be)
    tombstones: int  # new tombstones recorded (0 in a preview)
    event_id: int  # the audit event


class _Preview(Exception):
    """Raised inside the unit of work to roll a preview's deletions back."""

    def __init__(self, result: object) -> None:
        super().__init__("preview")
        self.result = result


def rolled_back(store: ErasureStore, work: Callable[[], T], *, keep: bool) -> T:
    """``work()`` in one unit of work, committed when ``keep``, else rolled back: its result
    either way."""
    try:
        with store.unit_of_work():
            result = work()
            if not keep:
                raise _Preview(result)
    except _Preview as preview:
        return preview.result  # type: ignore[return-value]
    return result


def check_purpose(purpose: str) -> str:
    text = " ".join(purpose.split())
    if not text:
        raise ConfigError("purpose: required; name the request this answers", field="purpose")
    return text


def erase_applicant(
    store: ErasureStore,
    selector: Selector,
    *,
    actor: Actor,
    purpose: str,
    key: bytes | None,
    now: datetime,
    confirm: bool,
) -> ErasureOutcome:
    """Erase (``confirm``) or preview the erasure of the applicant ``selector`` names."""
    purpose = check_purpose(purpose)
    if confirm and key is None:
        raise ConfigError(
            f"{KEY_SETTING}: erasure needs it (FAUXHIRE_ERASURE_KEY): the key of the tombstones "
            "that keep the person from being ingested again",
            field=KEY_SETTING,
        )
    emails = selector.values if selector.kind == "email" else ()

    def work() -> tuple[Erased, int, int]:
        applications = store.applications_selected(selector.kind, selector.values)
        erased = store.erase_records(
            applications, emails=emails, thorough=True, refused=ERASED_APPLICANT
        )
        if not confirm or key is None:
            return erased, 0, 0
        added = store.add_tombstones(tombstones(key, erased), at=now)
        event = _event(actor, "erase", selector, purpose, now, erased, key)
        return erased, added, store.append_audit(event)

    started = time.perf_counter()
    erased, added, event_id = rolled_back(store, work, keep=confirm)
    log.info(
        "erasure%s: %d rows in %.2f s",
        "" if confirm else " (preview, rolled back)",
        sum(erased.counts.values()),
        time.perf_counter() - started,
    )
    if not confirm:
        preview = _event(actor, "erase:preview", selector, purpose, now, erased, key)
        event_id = store.append_audit(preview)
    return ErasureOutcome(confirm, erased.counts, added, event_id)


def tombstones(key: bytes, erased: Erased) -> list[tuple[str, str]]:
    """(kind, digest) of each value ingest must not take in again."""
    derived = tombstone_key(key)
    return [(kind, tombstone_digest(derived, kind, value)) for kind, value in erased.erased_values]


def count_records(counts: dict[str, int]) -> tuple[str, ...]:
    """Counts as audit records: ``count:<table>=<rows>``, tables in order."""
    return tuple(f"count:{table}={n}" for table, n in sorted(counts.items()))


def _event(
    actor: Actor,
    action: str,
    selector: Selector,
    purpose: str,
    now: datetime,
    erased: Erased,
    key: bytes | None,
) -> AuditEvent:
    """The audit event: the selector and the records as keyed hashes (without a key, as in
    a preview with none set, the kind of selector and the counts only)."""
    subject = f"erasure:{selector.kind}"
    records = count_records(erased.counts)
    if key is not None:
        subject += ":" + keyed_hash(key, f"selector:{selector.kind}", "\n".join(selector.values))
        records += tuple(
            audit_record(key, table, record)
            for table, keys in sorted(erased.records.items())
            for record in keys
        )
    return actor.event(action, subject, purpose, now, records)


def audit_record(key: bytes, table: str, record: str) -> str:
    """How the audit trail names a record of an erased applicant: ``<table>:<keyed hash of
    its key>``, never the key (a screen refused for an erasure names its application so too,
    and the two events can be matched)."""
    return f"{table}:{keyed_hash(key, 'record:' + table, record)[:_RECORD_DIGEST]}"
