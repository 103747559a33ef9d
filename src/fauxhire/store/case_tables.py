"""The analysts' cases (issue 18, item 5): an investigation of an identity or a network,
with its state, its assignee, and an append-only list of what was done in it (notes, files,
linked employer reports, assignments, moves between states). Migration 0022; 0023 the size.

Titles, entries' texts, file names and files are sealed at rest (store/sealed.py)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text

from fauxhire.store.table_base import metadata
from fauxhire.store.types import UtcDateTime

cases = Table(
    "cases",
    metadata,
    Column("case_id", Integer, primary_key=True, autoincrement=True),
    Column("subject_kind", String(16), nullable=False),  # identity | network
    Column("subject_id", Text, nullable=False),  # its id when the case was opened: display
    # An application of the subject when opened: ids move on a relink, an application stays
    # itself, so the case follows whichever identity (or network) holds it now.
    Column("anchor_app", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("state", String(16), nullable=False),  # new | investigating | escalated | closed
    Column("finding", String(16)),  # confirmed | cleared, once closed
    Column("assignee", Text),  # NULL: nobody yet
    Column("opened_by", Text, nullable=False),
    Column("opened_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_cases_state", "state", "updated_at"),
    Index("ix_cases_assignee", "assignee", "state"),
    Index("ix_cases_anchor", "anchor_app"),
)

case_entries = Table(
    "case_entries",
    metadata,
    # What was done in a case, appended, never changed.
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.case_id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # opened | assigned | state | note | file | report
    Column("text", Text, nullable=False),  # the note, the reason, the new state in words
    Column("file_name", Text),
    Column("media_type", Text),
    Column("content", LargeBinary),  # a file's bytes (at most cases.MAX_FILE), sealed
    Column("size", Integer),  # the file's size in bytes (its sealed content is longer)
    Column("sha256", String(64)),
    Column("report_key", Text),  # a linked employer report's stored key
    Index("ix_case_entries_case", "case_id", "entry_id"),
)
