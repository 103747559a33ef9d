"""The quarantine: what was refused, where and why, and an analyst's decision on each
conflicting duplicate.

A record whose key is stored already, from another file, with other content, is quarantined
and its version held until an analyst decides (``store/conflicts.py``). ``decide`` records the
decision: ``accepted`` (the held version replaces the stored record, which is kept with the
decision) or ``kept`` (the stored record stays, the held version is dismissed), with who, why
and when. A decision is made once. It is on a version, not a file: the other pending entries
that hold the same version of the record (the same change in this week's and next week's
export) are decided with it, and a later ingest of a decided version quarantines nothing.

Entries are named by an id (``q-`` and twelve hex digits of the stored key, which joins its
parts with a control character), the same in every listing, or all of one file at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.services.joins import resolve_joins
from fauxhire.store import Store, outputs
from fauxhire.store.conflicts import CONFLICT_CODE
from fauxhire.store.quarantine import (
    DECISIONS,
    Decision,
    Replacement,
    conflict_record,
    read_codes,
    read_conflicts,
    read_entries,
    record_decisions,
)
from fauxhire.store.schema import KEY_SEP

ID_PREFIX = "q-"


def entry_id(key: str) -> str:
    """A quarantine entry's id as analysts type it."""
    return ID_PREFIX + hashlib.blake2b(key.encode(), digest_size=6).hexdigest()


def record_ref(key: str) -> str:
    """A record's key as analysts see it: its parts joined by ``/`` (``c-1/a-1``)."""
    return key.replace(KEY_SEP, "/")


def quarantine_entries(
    store: Store, *, limit: int | None = None, file: str | None = None, pending: bool = False
) -> list[dict[str, Any]]:
    """Every quarantined record (of one file; only those awaiting a decision, if asked), by
    file and then in the file's own order: ``/objects/2`` before ``/objects/10``, ``line 9``
    before ``line 10`` (a natural sort, which SQL has not: the whole list is sorted here, then
    cut to ``limit``). A conflicting duplicate is ``pending`` until decided; its ``decision``
    says what, who, why and when."""
    entries = [_entry(row) for row in read_entries(store, file=file)]
    if pending:
        entries = [e for e in entries if e["pending"]]
    entries.sort(key=lambda e: (e["file"], natural_key(e["location"])))
    return entries[:limit] if limit else entries


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    decision = None
    if row["decision"] is not None:
        decision = {
            "decision": row["decision"],
            "analyst": row["analyst"],
            "reason": row["decision_reason"],
            "decided_at": row["decided_at"],
        }
    return {
        "id": entry_id(row["key"]),
        **{k: row[k] for k in _LISTED},
        "pending": row["code"] == CONFLICT_CODE and decision is None,
        "decision": decision,
    }


_LISTED = ("file", "location", "field", "code", "reason", "format", "excerpt", "created_at")
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """``text`` as a sort key in which runs of digits compare as numbers. Each part is tagged
    (0: text, 1: number) so a number never meets a string; re.split puts text first."""
    return tuple(
        (1, int(part)) if i % 2 else (0, part) for i, part in enumerate(_DIGITS.split(text))
    )


@dataclass(frozen=True)
class Decided:
    """What one decision command did."""

    decision: str  # accepted | kept
    analyst: str
    named: list[str]  # ids of the entries the analyst named (or the file's pending ones)
    alongside: list[str]  # ids of other pending entries of the same versions, decided with them
    replaced: list[Replacement]  # accepted: the stored records the held versions replaced
    left: int  # entries of the file decided before: left as they were
    stale: bool  # accepted, after links or assessments were made: they are out of date


def decide(
    store: Store,
    decision: str,
    *,
    ids: Sequence[str] = (),
    file: str | None = None,
    analyst: str,
    reason: str,
    now: datetime,
) -> Decided:
    """Accept or keep the held versions of conflicting duplicates named by id, or of every
    pending one of a file."""
    if decision not in DECISIONS:
        raise JudgementRefused(f"unknown decision {decision!r}: say {' or '.join(DECISIONS)}")
    if not analyst.strip():
        raise JudgementRefused("a decision needs its analyst: give --analyst")
    if not reason.strip():
        raise JudgementRefused("a decision needs a reason: say why with --reason")
    if bool(ids) == (file is not None):
        raise JudgementRefused("name the entries to decide by id, or all of one file by --file")
    conflicts = read_conflicts(store)
    if file is not None:
        named, left = _of_file(conflicts, file)
    else:
        named, left = _by_id(store, conflicts, ids), 0
    versions = _versions(named, decision)
    named_keys = {c["key"] for c in named}
    alongside = [
        c
        for c in conflicts
        if c["decision"] is None
        and c["key"] not in named_keys
        and (conflict_record(c["key"]), c["version"]) in versions
    ]
    replace = list(versions.values()) if decision == "accepted" else []
    replaced = record_decisions(
        store,
        [Decision(c["key"], decision, analyst, reason, now) for c in (*named, *alongside)],
        replace=replace,
    )
    if replaced:  # joins made from the replaced versions: e.g. a report naming a new email
        resolve_joins(store)
    return Decided(
        decision,
        analyst,
        [entry_id(c["key"]) for c in named],
        [entry_id(c["key"]) for c in alongside],
        replaced,
        left,
        bool(replaced) and _has_outputs(store),
    )


def _by_id(
    store: Store, conflicts: list[dict[str, Any]], ids: Sequence[str]
) -> list[dict[str, Any]]:
    """The pending entries named by id; an id that names none, or one decided, is refused."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for c in conflicts:
        by_id.setdefault(entry_id(c["key"]), []).append(c)
    named: list[dict[str, Any]] = []
    for given in dict.fromkeys(ids):  # each once, in the order given
        found = by_id.get(given.strip().lower(), [])
        if not found:
            _refuse_unknown(store, given)
        if len(found) > 1:  # two keys, one short hash: never seen, but not to be guessed at
            raise JudgementRefused(
                f"{given} names {len(found)} entries: decide them by --file", entry_id=given
            )
        (entry,) = found
        if entry["decision"] is not None:
            raise JudgementRefused(
                f"{given} was {entry['decision']} by {entry['analyst']} "
                f"{_when(entry['decided_at'])}: a decision is made once",
                entry_id=given,
                decision=entry["decision"],
            )
        named.append(entry)
    return named


def _refuse_unknown(store: Store, given: str) -> None:
    for key, code in read_codes(store).items():
        if entry_id(key) == given.strip().lower():
            raise JudgementRefused(
                f"{given} is quarantined as {code}, not a conflicting duplicate: only a "
                "conflicting duplicate is decided; fix the record at its source and ingest it "
                "again",
                entry_id=given,
                code=code,
            )
    raise NotFound(
        f"no quarantine entry {given!r}: `fauxhire quarantine list` shows each entry's id",
        entry_id=given,
    )


def _of_file(conflicts: list[dict[str, Any]], file: str) -> tuple[list[dict[str, Any]], int]:
    """The pending entries of a file, and how many of its entries are decided already."""
    of_file = [c for c in conflicts if c["file"] == file]
    if not of_file:
        raise NotFound(
            f"no conflicting duplicate quarantined from {file!r}: name the file as "
            "`fauxhire quarantine list --pending` shows it",
            file=file,
        )
    pending = sorted(
        (c for c in of_file if c["decision"] is None), key=lambda c: natural_key(c["location"])
    )
    if not pending:
        raise JudgementRefused(
            f"every conflicting duplicate from {file!r} is decided already ({len(of_file)} in "
            "all): `fauxhire quarantine list --file` shows the decisions",
            file=file,
        )
    return pending, len(of_file) - len(pending)


def _versions(named: list[dict[str, Any]], decision: str) -> dict[tuple[tuple[str, str], str], str]:
    """The versions the named entries hold, by record and version, each with the first entry
    that holds it. Accepted, each must be held, and one a record: two would replace each
    other."""
    versions: dict[tuple[tuple[str, str], str], str] = {}
    for c in named:
        if c["version"] is None and decision == "accepted":
            raise JudgementRefused(
                f"{entry_id(c['key'])} was quarantined before fauxhire held the whole of a "
                "conflicting version, so there is nothing to accept: keep it, or ingest the "
                "record again from a file of its own (that line alone) and accept that entry",
                entry_id=entry_id(c["key"]),
            )
        if c["version"] is not None:
            versions.setdefault((conflict_record(c["key"]), c["version"]), c["key"])
    if decision == "accepted":
        _one_version_a_record(named)
    return versions


def _one_version_a_record(named: list[dict[str, Any]]) -> None:
    by_record: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in named:
        by_record.setdefault(conflict_record(c["key"]), []).append(c)
    for (_, key), entries in by_record.items():
        if len({c["version"] for c in entries}) > 1:
            record = record_ref(key)
            shown = ", ".join(
                f"{entry_id(c['key'])} ({c['file']} {c['location']})" for c in entries
            )
            raise JudgementRefused(
                f"{record!r} has {len(entries)} versions among these entries: {shown}; "
                "accept one of them by its id",
                record=record,
            )


def _has_outputs(store: Store) -> bool:
    """Whether links or assessments were made: from the records as they were."""
    return outputs.latest_link_run(store) is not None or store.count("assessments") > 0


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
