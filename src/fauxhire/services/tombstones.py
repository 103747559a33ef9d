"""Ingest and screens honour erasures: a record that names an erased applicant (by an e-mail,
a phone, its application key or its candidate) is not stored, so a later file, screen or
webhook delivery does not bring the person back (docs/privacy.md). Ingest quarantines it with
the reason (``check``); a screen is refused (``names_erased``, services/screen.py).

The store holds tombstones as keyed hashes (services/erasure.py): each incoming record's
identifying values are hashed under the same key and looked up. With no tombstone in the
store nothing is hashed, so an ingest that has no erasure to honour pays nothing. The
quarantine entry says why and where, and shows nothing of the record.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, Protocol

from fauxhire.domain import Record
from fauxhire.domain.erasure import ERASED_APPLICANT, tombstone_digest, tombstone_key
from fauxhire.domain.quarantine import Quarantined
from fauxhire.errors import ConfigError
from fauxhire.services.erasure import KEY_SETTING, audit_record
from fauxhire.store.prepare import Prepared
from fauxhire.store.rows import MAPPINGS, MAPPINGS_BY_TABLE, record_key
from fauxhire.store.schema import KEY_SEP

CODE: Final = ERASED_APPLICANT
REASON: Final = "an erased applicant's record (erasure on request): not stored again"
SCREEN_REASON: Final = (
    "this applicant's data was erased on request: the application is not stored again"
)
_CONTACT_KINDS: Final = frozenset({"email", "phone"})
# Per table: the columns holding an e-mail key, and whether (company_id, candidate_id) name
# the candidate. Applications also carry their values as child rows, and their own key.
_EMAIL_COLUMNS: Final = {
    "meeting_participants": ("email_key",),
    "hires": ("work_email_key",),
    "signin_events": ("user_key",),
}
_CANDIDATE_TABLES: Final = frozenset({"applications", "hires"})
_SUBJECT_VALUES: Final = "report_subject_values"
Children = Sequence[tuple[str, list[list[Any]]]]


class Tombstones(Protocol):
    """What the filter is made from: the store's tombstone digests (ports.ErasureStore)."""

    def tombstone_digests(self) -> frozenset[str]: ...


class TombstoneFilter:
    """Quarantines the records of erased applicants, and strips an erased applicant's values
    from an employer report's subject (the report itself stays: it is another's record)."""

    def __init__(self, secret: bytes, digests: frozenset[str]) -> None:
        self._secret = secret
        self._key = tombstone_key(secret)
        self._digests = digests
        self._columns = {
            table: {name: i for i, name in enumerate(mapping.columns)}
            for table, mapping in MAPPINGS_BY_TABLE.items()
        }

    def _erased(self, kind: str, value: object) -> bool:
        return isinstance(value, str) and tombstone_digest(self._key, kind, value) in self._digests

    def check(self, record: Prepared) -> Prepared | Quarantined:
        """The record as it may be stored, or its quarantine entry."""
        if record.table == "employer_reports":
            return self._without_erased_subjects(record)
        if self._names(record.table, record.key, record.row, record.children):
            return Quarantined(record.row[-4], record.location, "applicant", REASON, CODE)
        return record

    def names_erased(self, record: Record) -> bool:
        """Whether a record that comes from no file (a screen's application) names an
        erased applicant: the values ``check`` tests, read from the record's unconverted
        rows (the identifying values are text, which preparing leaves as it is)."""
        mapping = MAPPINGS[type(record)]
        children = [(str(table.name), rows(record)) for table, rows in mapping.children]
        table = str(mapping.table.name)
        return self._names(table, record_key(record), mapping.to_row(record), children)

    def audit_record(self, table: str, key: str) -> str:
        """The audit trail's name of a record this filter kept out, as an erasure names the
        records it removed: a keyed hash of its key."""
        return audit_record(self._secret, table, key)

    def _names(self, table: str, key: str, row: tuple[Any, ...], children: Children) -> bool:
        found = self._identifying(table, key, row, children)
        return any(self._erased(kind, value) for kind, value in found)

    def _identifying(
        self, table: str, key: str, row: tuple[Any, ...], children: Children
    ) -> Iterator[tuple[str, object]]:
        columns = self._columns.get(table, {})
        if table == "applications":
            yield "application", key
            for _, rows in children:
                yield from ((kind, value) for _, kind, value, _ in rows if kind in _CONTACT_KINDS)
        if table in _CANDIDATE_TABLES:
            company, candidate = row[columns["company_id"]], row[columns["candidate_id"]]
            yield "candidate", f"{company}{KEY_SEP}{candidate}"
        for column in _EMAIL_COLUMNS.get(table, ()):
            yield "email", row[columns[column]]

    def _without_erased_subjects(self, record: Prepared) -> Prepared:
        children = tuple(
            (
                name,
                [
                    r
                    for r in rows
                    if name != _SUBJECT_VALUES
                    or r[1] not in _CONTACT_KINDS
                    or not self._erased(r[1], r[2])
                ],
            )
            for name, rows in record.children
        )
        return record._replace(children=children)


def tombstone_filter(store: Tombstones, key: bytes | None) -> TombstoneFilter | None:
    """The filter of the store's tombstones; None when it holds none. A store with
    tombstones and no key to test records against is refused: ingesting or screening without
    honouring them would bring erased applicants back."""
    digests = store.tombstone_digests()
    if not digests:
        return None
    if key is None:
        raise ConfigError(
            f"the store holds erasure tombstones: set {KEY_SETTING} (FAUXHIRE_ERASURE_KEY) to "
            "the key they were made with, so ingest and screens can keep erased applicants out",
            field=KEY_SETTING,
        )
    return TombstoneFilter(key, digests)
