"""Cases (issue 18, items 1 and 5): the hub analyst's investigation of an identity or a
network, assigned to someone and moved through its states (new, investigating, escalated,
closed with a finding), with notes, files and linked employer reports along the way.

A case names its subject by one of its applications (its anchor), not only by id: ids move
when linking runs again, and the case follows whichever identity or network holds that
application now. Closing a case with a finding records it as a disposition on each identity
of the subject (for a network, every identity in it now), which the next assessment weighs,
as `POST /v1/dispositions` does. Every change and every read appends its audit event in the
same unit of work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final, Literal

from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.services import dispositions
from fauxhire.services.analyst_actions import Acting
from fauxhire.store import SqlStore
from fauxhire.store.cases import (
    CaseRow,
    Entry,
    add_case,
    add_entry,
    open_case_on,
    read_cases,
    read_entries,
    read_file,
    report_key,
)
from fauxhire.store.views import identity_applications, link_view

STATES: Final = ("new", "investigating", "escalated", "closed")
FINDINGS: Final = ("confirmed", "cleared")
MAX_FILE: Final = 2 * 1024 * 1024  # bytes: evidence files (a screenshot, a PDF), not archives
# The purpose an entry's audit event gives instead of its text, where that text is content
# (a note, a file's name) rather than the reason for a decision.
_CONTENT_UNSAID: Final = {"note": "note added", "file": "file attached"}
SubjectKind = Literal["identity", "network"]


@dataclass(frozen=True, slots=True)
class Case:
    row: CaseRow
    entries: list[Entry]


def open_case(
    store: SqlStore,
    kind: SubjectKind,
    subject_id: str,
    title: str,
    acting: Acting,
    assignee: str | None = None,
) -> Case:
    """A new case on an identity or a network; ``NotFound`` for an unknown subject."""
    with store.unit_of_work():
        case_id = _open(store, kind, subject_id, title, acting, assignee)
        found = _case(store, case_id)
    return found


def assign(store: SqlStore, identity_ids: list[str], assignee: str, acting: Acting) -> list[int]:
    """Bulk assignment from the queue: each identity's open case assigned to ``assignee``,
    opened first where it has none. The case ids, in the identities' order."""
    assigned = []
    with store.unit_of_work():
        for identity in identity_ids:
            anchor = _anchor(store, "identity", identity)
            existing = open_case_on(store, "identity", [anchor]).get(anchor)
            if existing is None:
                title = f"Review of identity {identity}"
                assigned.append(_open(store, "identity", identity, title, acting, assignee))
                continue
            _append(
                store, existing, acting, "assigned", f"assigned to {assignee}", assignee=assignee
            )
            assigned.append(existing)
    return assigned


def reassign(store: SqlStore, case_id: int, assignee: str, acting: Acting) -> Case:
    """The case assigned to ``assignee``."""
    return _change(store, case_id, acting, "assigned", f"assigned to {assignee}", assignee=assignee)


def list_cases(
    store: SqlStore,
    acting: Acting,
    *,
    states: tuple[str, ...] = (),
    assignee: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[CaseRow]:
    with store.unit_of_work():
        rows = read_cases(store, states=states, assignee=assignee, limit=limit, offset=offset)
        records = tuple(f"case:{row.case_id}" for row in rows)
        store.append_audit(acting.event("case:list", "cases", "review", records))
    return rows


def case(store: SqlStore, case_id: int, acting: Acting) -> Case:
    with store.unit_of_work():
        found = _case(store, case_id)
        store.append_audit(acting.event("case:read", f"case:{case_id}", "review", ()))
    return found


def note(store: SqlStore, case_id: int, text: str, acting: Acting) -> Case:
    return _change(store, case_id, acting, "note", text)


def attach(
    store: SqlStore, case_id: int, name: str, media_type: str, content: bytes, acting: Acting
) -> Case:
    if len(content) > MAX_FILE:
        raise JudgementRefused(
            f"the file is {len(content)} bytes; a case takes files of at most {MAX_FILE}",
            field="content",
        )
    digest = hashlib.sha256(content).hexdigest()
    entry: dict[str, object] = {
        "file_name": name,
        "media_type": media_type,
        "content": content,
        "sha256": digest,
    }
    return _change(store, case_id, acting, "file", f"attached {name}", entry)


def file(store: SqlStore, case_id: int, entry_id: int, acting: Acting) -> tuple[str, str, bytes]:
    with store.unit_of_work():
        found = read_file(store, case_id, entry_id)
        if found is None:
            raise NotFound(f"case {case_id} has no file {entry_id}", case_id=case_id)
        store.append_audit(
            acting.event("case:file:read", f"case:{case_id}", "review", (f"file:{entry_id}",))
        )
    return found


def link_report(store: SqlStore, case_id: int, report: str, acting: Acting) -> Case:
    """An employer report, named ``company_id/report_id``, linked to the case."""
    company, _, report_id = report.partition("/")
    key = report_key(store, company, report_id)
    if key is None:
        raise NotFound(f"no employer report {report!r} in the store", report=report)
    linked = f"linked report {report}"
    return _change(store, case_id, acting, "report", linked, {"report_key": key})


def move(
    store: SqlStore,
    case_id: int,
    state: str,
    reason: str,
    acting: Acting,
    finding: str | None = None,
) -> Case:
    """The case to ``state``. Closing takes a finding, which becomes the disposition of each
    identity of the subject as it is linked now; a closed case stays closed."""
    if state not in STATES:
        raise JudgementRefused(f"unknown state {state!r}: one of {', '.join(STATES)}")
    if (state == "closed") != (finding is not None) or (finding and finding not in FINDINGS):
        raise JudgementRefused(
            "a case is closed with a finding, confirmed or cleared, and only then", field="finding"
        )
    with store.unit_of_work():
        current = _still_open(store, case_id).row
        if finding is not None:
            for identity in _identities(store, current):
                said = f"case {case_id}: {reason}"
                done = dispositions.dispose(
                    store, identity, finding, analyst=acting.caller.key_id, reason=said,
                    now=acting.now,
                )  # fmt: skip
                # On the identity's own trail too, as a disposition of POST /v1/dispositions.
                subject = f"identity:{identity}"
                store.append_audit(acting.event(f"dispose:{finding}", subject, said, done.held_by))
        said = f"{state}" + (f", {finding}" if finding else "") + f": {reason}"
        _append(store, case_id, acting, "state", said, state=state, finding=finding)
        found = _case(store, case_id)
    return found


def _open(
    store: SqlStore,
    kind: SubjectKind,
    subject_id: str,
    title: str,
    acting: Acting,
    assignee: str | None,
) -> int:
    anchor = _anchor(store, kind, subject_id)
    now, actor = acting.now, acting.caller.key_id
    row = {
        "subject_kind": kind, "subject_id": subject_id, "anchor_app": anchor, "title": title,
        "state": "new", "finding": None, "assignee": assignee, "opened_by": actor,
        "opened_at": now, "updated_at": now,
    }  # fmt: skip
    said = f"opened on {kind} {subject_id}" + (f", assigned to {assignee}" if assignee else "")
    case_id = add_case(store, row, {"at": now, "actor": actor, "kind": "opened", "text": said})
    # The audit trail outlives an erasure: it says what was done, never what was written
    # (the title, a note, a file's name may name the person; the case's entries hold them).
    store.append_audit(
        acting.event("case:open", f"case:{case_id}", "opened", (f"{kind}:{subject_id}",))
    )
    return case_id


def _change(
    store: SqlStore,
    case_id: int,
    acting: Acting,
    kind: str,
    text: str,
    entry: dict[str, object] | None = None,
    **changed: object,
) -> Case:
    """An entry appended to an open case (and its columns ``changed``), with its event."""
    with store.unit_of_work():
        _still_open(store, case_id)
        _append(store, case_id, acting, kind, text, entry, **changed)
        found = _case(store, case_id)
    return found


def _still_open(store: SqlStore, case_id: int) -> Case:
    found = _case(store, case_id)
    if found.row.state == "closed":
        raise JudgementRefused(f"case {case_id} is closed: open a new one", case_id=case_id)
    return found


def _append(
    store: SqlStore,
    case_id: int,
    acting: Acting,
    kind: str,
    text: str,
    entry: dict[str, object] | None = None,
    **changed: object,
) -> None:
    row = {"at": acting.now, "actor": acting.caller.key_id, "kind": kind, "text": text}
    entry_id = add_entry(store, case_id, {**row, **(entry or {})}, **changed)
    purpose = _CONTENT_UNSAID.get(kind, text[:500])
    store.append_audit(
        acting.event(f"case:{kind}", f"case:{case_id}", purpose, (f"entry:{entry_id}",))
    )


def _case(store: SqlStore, case_id: int) -> Case:
    rows = read_cases(store, case_ids=[case_id], limit=1)
    if not rows:
        raise NotFound(f"no case {case_id}", case_id=case_id)
    return Case(rows[0], read_entries(store, case_id))


def _anchor(store: SqlStore, kind: SubjectKind, subject_id: str) -> str:
    """The first application of the identity, or of the network's first identity."""
    if kind == "identity":
        keys = identity_applications(store, subject_id, "case_anchor")
    else:
        with link_view(store, "case_anchor") as view:
            keys = sorted(key for key in view.first_applications(subject_id, ""))
    if not keys:
        raise NotFound(f"no {kind} {subject_id}", **{f"{kind}_id": subject_id})
    return keys[0]


def _identities(store: SqlStore, row: CaseRow) -> list[str]:
    """The identities a closed case's finding is given on, as the subject is linked now."""
    if row.current_id is None:
        raise JudgementRefused(
            f"case {row.case_id}'s {row.subject_kind} is no longer linked: nothing to dispose of"
        )
    if row.subject_kind == "identity":
        return [row.current_id]
    with link_view(store, "case_network") as view:
        return sorted({str(identity) for identity, _, _ in view.network_members(row.current_id)})
