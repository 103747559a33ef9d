"""Ingest honours erasures: a record that names an erased applicant (by an e-mail, a phone,
its application key or its candidate) is quarantined with the reason, not stored, so a later
file does not bring the person back (docs/privacy.md).

The store holds tombstones as keyed hashes (services/erasure.py): each incoming record's
identifying values are hashed under the same key and looked up. With no tombstone in the
store nothing is hashed, so an ingest that has no erasure to honour pays nothing. The
quarantine entry says why and where, and shows nothing of the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from fauxhire.domain.erasure import tombstone_digest, tombstone_key
from fauxhire.domain.quarantine import Quarantined
from fauxhire.errors import ConfigError
from fauxhire.ports import ErasureStore
from fauxhire.services.erasure import KEY_SETTING
from fauxhire.store.prepare import Prepared
from fauxhire.store.rows import MAPPINGS_BY_TABLE
from fauxhire.store.schema import KEY_SEP

CODE: Final = "erased_applicant"
REASON: Final = "an erased applicant's record (erasure on request): not stored again"
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


class TombstoneFilter:
    """Quarantines the records of erased applicants, and strips an erased applicant's values
    from an employer report's subject (the report itself stays: it is another's record)."""

    def __init__(self, secret: bytes, digests: frozenset[str]) -> None:
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
        if any(self._erased(kind, value) for kind, value in self._identifying(record)):
            return Quarantined(record.row[-4], record.location, "applicant", REASON, CODE)
        return record

    def _identifying(self, record: Prepared) -> Iterator[tuple[str, object]]:
        columns = self._columns.get(record.table, {})
        row = record.row
        if record.table == "applications":
            yield "application", record.key
            for _, rows in record.children:
                yield from ((kind, key) for _, kind, key, _ in rows if kind in _CONTACT_KINDS)
        if record.table in _CANDIDATE_TABLES:
            company, candidate = row[columns["company_id"]], row[columns["candidate_id"]]
            yield "candidate", f"{company}{KEY_SEP}{candidate}"
        for column in _EMAIL_COLUMNS.get(record.table, ()):
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


def tombstone_filter(store: ErasureStore, key: bytes | None) -> TombstoneFilter | None:
    """The filter of the store's tombstones; None when it holds none. A store with
    tombstones and no key to test records against is refused: ingesting without honouring
    them would bring erased applicants back."""
    digests = store.tombstone_digests()
    if not digests:
        return None
    if key is None:
        raise ConfigError(
            f"the store holds erasure tombstones: set {KEY_SETTING} (FAUXHIRE_ERASURE_KEY) to "
            "the key they were made with, so ingest can keep erased applicants out",
            field=KEY_SETTING,
        )
    return TombstoneFilter(key, digests)
