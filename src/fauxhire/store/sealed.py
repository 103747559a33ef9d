"""Which columns hold contact details sealed at rest (``enrich.pii``), and the sealing and
opening of rows of them as the writer, the quarantine and the key rotation move them.

Sealed: the contact details as presented (``display`` columns), and the members' ATS
credentials (``webhook_targets.api_key``). Not sealed: the normalised
``key`` columns beside them, which linking, the joins and partner matching compare, and the
payout account, which linking and assessment compare; docs/security.md says why.

A store opened without a keyring (tests, a library user) writes in clear, and reads what it
wrote; the product's composition root always gives one (``bootstrap.open_app``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fauxhire.enrich.pii import PREFIX, Sealer, key_id_of, require_sealer
from fauxhire.store import schema

SEALED: Final[Mapping[str, tuple[str, ...]]] = {
    "applicant_values": ("display",),
    "report_subject_values": ("display",),
    "meeting_participants": ("email_display",),
    "signin_events": ("user_display",),
    "hires": ("work_email_display", "shipping_address_display"),
    # What analysts write in a case may name the applicant (its file contents are sealed
    # too, as bytes: ``seal_file``).
    "cases": ("title",),
    "case_entries": ("text", "file_name"),
    # Not a contact detail, a secret: the member's ATS credential the write-back uses.
    "webhook_targets": ("api_key",),
}
MASK: Final = "(contact detail, encrypted at rest)"


def label(table: str, column: str) -> str:
    """A sealed column's name, the associated data its values are sealed with."""
    return f"{table}.{column}"


class RowSealer:
    """Seals and opens the sealed columns of rows of any table; without a sealer, rows pass
    as they are, and a sealed value met while opening is a clear error."""

    def __init__(self, sealer: Sealer | None) -> None:
        self.sealer = sealer

    def seal_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> list[Any]:
        """``rows`` (in ``columns`` order) with their sealed columns sealed, a column at a
        time over the whole batch; rows of a table with no sealed column are given back."""
        return self._each_column(table, columns, rows, seal=True)

    def open_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> list[Any]:
        return self._each_column(table, columns, rows, seal=False)

    def seal_mapping(self, table: str, row: Mapping[str, Any]) -> dict[str, Any]:
        names = list(row)
        (sealed,) = self.seal_rows(table, names, [list(row.values())])
        return dict(zip(names, sealed, strict=True))

    def seal_held(self, held: dict[str, Any]) -> dict[str, Any]:
        """A held version as ``held_records`` keeps it: its contact details sealed."""
        table = held["record_table"]
        return held | {
            "row": self.seal_mapping(table, held["row"]),
            "children": self.seal_children(held["children"]),
        }

    def seal_children(self, children: Mapping[str, list[list[Any]]]) -> dict[str, list[Any]]:
        """Child rows by table, without the parent's id (as ``held_records`` keeps them)."""
        return {name: self._children(name, rows, seal=True) for name, rows in children.items()}

    def open_children(self, children: Mapping[str, list[list[Any]]]) -> dict[str, list[Any]]:
        return {name: self._children(name, rows, seal=False) for name, rows in children.items()}

    def _children(self, table: str, rows: list[list[Any]], *, seal: bool) -> list[Any]:
        columns = [c.name for c in schema.metadata.tables[table].columns][1:]  # no parent id
        return self._each_column(table, columns, rows, seal=seal)

    def _each_column(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, seal: bool
    ) -> list[Any]:
        at = [(i, c) for i, c in enumerate(columns) if c in SEALED.get(table, ())]
        if not at or not rows:
            return list(rows)
        out = [list(row) for row in rows]
        for index, column in at:
            values = [row[index] for row in out]
            name = label(table, column)
            if seal:
                done = values if self.sealer is None else self.sealer.seal_many(values, name)
            elif self.sealer is not None:
                done = self.sealer.open_many(values, name)
            else:
                done = _plain(values, name)
            for row, value in zip(out, done, strict=True):
                row[index] = value
        return out


FILE_LABEL: Final = "case_entries.content"


def seal_file(sealer: Sealer | None, content: bytes) -> bytes:
    """A case file's bytes as stored: sealed (as the base64 text of the file, then sealed
    as any value) when there is a keyring, else as they are."""
    if sealer is None:
        return content
    (sealed,) = sealer.seal_many([base64.b64encode(content).decode()], FILE_LABEL)
    assert sealed is not None
    return sealed.encode()


def open_file(sealer: Sealer | None, stored: bytes) -> bytes:
    """A case file's bytes as attached; one sealed with no keyring to open it is an error."""
    if not stored.startswith(PREFIX.encode()):
        return stored  # attached before files were sealed, or by a store without a keyring
    (opened,) = require_sealer(sealer, FILE_LABEL).open_many([stored.decode()], FILE_LABEL)
    assert opened is not None
    return base64.b64decode(opened)


def _plain(values: list[Any], column: str) -> list[Any]:
    """Values read without a keyring: plain ones as they are; a sealed one is an error."""
    if any(isinstance(v, str) and key_id_of(v) is not None for v in values):
        require_sealer(None, column)
    return values
