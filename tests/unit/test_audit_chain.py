"""The audit trail's hash chain, pure: what the hash covers, and that each way of tampering
with a chain (an event edited, deleted, inserted, rehashed, the start cut off) is named at
the event where the chain breaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fauxhire.domain.audit_chain import GENESIS, HASHED_FIELDS, check_chain, event_hash
from fauxhire.domain.outcomes import AuditEntry, AuditEvent

AT = datetime(2026, 12, 5, 9, 30, 0, tzinfo=UTC)
EVENT = AuditEvent(
    "ana", "identity-summary", "identity:i-1", "case 12", AT,
    role="analyst", member=None, records=("c-1/a-1", "c-2/a-9"), request_id="r1",
)  # fmt: skip


def chain(events: list[AuditEvent]) -> list[AuditEntry]:
    entries, prev = [], GENESIS
    for number, event in enumerate(events, start=1):
        entries.append(AuditEntry(number, event, prev, event_hash(event, prev)))
        prev = entries[-1].hash
    return entries


def trail(n: int = 5) -> list[AuditEntry]:
    return chain([EVENT._replace(purpose=f"case {i}", at=AT + timedelta(i)) for i in range(n)])


def test_every_field_of_an_event_is_hashed() -> None:
    """A field added to AuditEvent must be added to the hash deliberately (as a new version
    of the chain): until then this fails."""
    assert set(HASHED_FIELDS) == set(AuditEvent._fields)


@pytest.mark.parametrize(
    "changed",
    [
        {"actor": "bo"},
        {"action": "judge:together"},
        {"subject": "identity:i-2"},
        {"purpose": "case 13"},
        {"at": AT + timedelta(microseconds=1)},
        {"role": "admin"},
        {"member": "acme"},
        {"records": ("c-1/a-1",)},
        {"records": ("c-2/a-9", "c-1/a-1")},  # the order of the records is part of the event
        {"request_id": None},
    ],
)
def test_a_change_to_any_field_changes_the_hash(changed: dict[str, object]) -> None:
    assert event_hash(EVENT._replace(**changed), GENESIS) != event_hash(EVENT, GENESIS)


def test_the_previous_hash_is_hashed_and_one_instant_hashes_alike_in_any_zone() -> None:
    assert event_hash(EVENT, "f" * 64) != event_hash(EVENT, GENESIS)
    elsewhere = AT.astimezone(timezone(timedelta(hours=-5)))
    assert event_hash(EVENT._replace(at=elsewhere), GENESIS) == event_hash(EVENT, GENESIS)
    naive = AT.replace(tzinfo=None)  # the stores treat a naive time as UTC
    assert event_hash(EVENT._replace(at=naive), GENESIS) == event_hash(EVENT, GENESIS)


def test_an_intact_chain_has_no_problems_and_reports_its_last_hash() -> None:
    entries = trail()
    assert check_chain(entries) == (5, entries[-1].hash, [])
    assert check_chain([]) == (0, GENESIS, [])


def test_an_edited_event_is_named() -> None:
    entries = trail()
    entries[2] = entries[2]._replace(event=entries[2].event._replace(purpose="nothing to see"))
    assert [(p.event_id, p.kind) for p in check_chain(entries).problems] == [(3, "edited")]


def test_an_edited_event_given_a_new_hash_breaks_the_link_after_it() -> None:
    entries = trail()
    edited = entries[2].event._replace(actor="mallory")
    entries[2] = entries[2]._replace(event=edited, hash=event_hash(edited, entries[2].prev_hash))
    assert [(p.event_id, p.kind) for p in check_chain(entries).problems] == [(4, "gap")]


def test_a_deleted_event_is_a_gap_before_the_next() -> None:
    entries = trail()
    del entries[1]
    problems = check_chain(entries).problems
    assert [(p.event_id, p.kind) for p in problems] == [(3, "gap")]
    assert "event 1" in problems[0].message  # the two events the gap lies between


def test_an_inserted_event_breaks_the_chain() -> None:
    entries = trail()
    forged = EVENT._replace(purpose="alibi")
    entries.insert(2, AuditEntry(99, forged, entries[1].hash, event_hash(forged, entries[1].hash)))
    assert [(p.event_id, p.kind) for p in check_chain(entries).problems] == [(3, "gap")]


def test_a_trail_whose_first_events_were_deleted_has_a_broken_start() -> None:
    assert [(p.event_id, p.kind) for p in check_chain(trail()[2:]).problems] == [(3, "start")]


@given(st.integers(min_value=0, max_value=7), st.sampled_from(["delete", "edit"]))
def test_any_one_change_before_the_newest_event_is_found(index: int, change: str) -> None:
    entries = trail(8)
    if change == "delete" and index < 7:  # deleting the newest leaves nothing to disagree
        del entries[index]
    else:
        entries[index] = entries[index]._replace(event=EVENT._replace(purpose="changed"))
    assert check_chain(entries).problems
