"""Contact details sealed at rest (docs/security.md), on a SQLite file and on PostgreSQL: what
the tables hold read with plain SQL, the round trip, a rotation (old rows readable before it
ends, every row under the new key after, resumable, idempotent, audited), and the errors of a
wrong or missing key. A case's title, notes and files are sealed as well, and so is a member's
ATS credential."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from fauxhire.domain import Hire, Provenance
from fauxhire.domain.values import Value, ValueKind
from fauxhire.enrich.pii import Keyring, PiiError, Sealer, load_keyring, save_keyring
from fauxhire.ports.hub import WebhookTarget
from fauxhire.services import pii_keys
from fauxhire.store import SqlStore
from fauxhire.store.cases import add_case, add_entry, read_cases, read_entries, read_file
from fauxhire.store.database import normalise_url
from fauxhire.store.keyring_file import rotate_keyring
from support.records import application  # tests/ is on sys.path (its conftest.py)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
EMAIL, PHONE = "Ana.Reyes@Example.COM", "+1 (512) 555-0101"
WORK_EMAIL, SHIPPING = "ana.reyes@acme.example", "12 Elm St, Austin TX 78701"


def _hire() -> Hire:
    return Hire(
        company_id="c-1",
        employee_id="e-1",
        candidate_id="p-1",
        work_email=Value(ValueKind.EMAIL, WORK_EMAIL, WORK_EMAIL),
        legal_name=Value(ValueKind.NAME, "Ana Reyes", "ana reyes"),
        start_date=date(2025, 4, 1),
        end_date=None,
        shipping_address=Value(ValueKind.ADDRESS, SHIPPING, "12 elm st austin tx 78701"),
        payout_method=None,
        payout_account=None,
        device_id=None,
        provenance=Provenance("hr", "hr.csv", "row 2", "c-1"),
    )


def _raw(url: str, sql: str) -> list[tuple[object, ...]]:
    """What the database holds, read with plain SQL beside the store."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


@pytest.fixture
def keyring(tmp_path: Path) -> Path:
    path = tmp_path / "keyring.json"
    save_keyring(path, Keyring.new(NOW), replace=False)
    return path


@pytest.fixture
def store(db_url: str, keyring: Path) -> Iterator[SqlStore]:
    opened = SqlStore.open(db_url, sealer=Sealer(load_keyring(keyring, "test")))
    phoned = application("a-1", email=EMAIL, phone=PHONE)
    opened.write_records([phoned, application("a-2", email="b@example.com"), _hire()], now=NOW)
    yield opened
    opened.close()


def _displays(url: str) -> list[str]:
    rows = _raw(url, "SELECT display FROM applicant_values ORDER BY app_ref, kind, key")
    rows += _raw(url, "SELECT work_email_display FROM hires")
    rows += _raw(url, "SELECT shipping_address_display FROM hires")
    return [str(value) for (value,) in rows]


def test_the_tables_hold_ciphertext_tagged_with_the_key(db_url: str, store: SqlStore) -> None:
    displays = _displays(db_url)
    assert len(displays) == 5 and all(d.startswith("pii1:k1:") for d in displays)
    for plain in (EMAIL, PHONE, "b@example.com", WORK_EMAIL, SHIPPING):
        assert not any(plain in d for d in displays)
    assert len(set(displays)) == len(displays)  # random nonces: equal values look unequal
    # The normalised keys linking compares stay as they were (docs/security.md says why).
    keys = _raw(db_url, "SELECT key FROM applicant_values WHERE kind = 'email' ORDER BY key")
    assert keys == [(EMAIL,), ("b@example.com",)]


def test_what_is_sealed_opens_to_what_was_written(db_url: str, store: SqlStore) -> None:
    sealer = store.sealer
    assert sealer is not None
    rows = _raw(db_url, "SELECT kind, display FROM applicant_values ORDER BY app_ref, kind")
    opened = sealer.open_many([str(d) for _, d in rows], "applicant_values.display")
    assert sorted(zip([k for k, _ in rows], opened, strict=True)) == [
        ("email", EMAIL), ("email", "b@example.com"), ("phone", PHONE),
    ]  # fmt: skip
    ((work, shipping),) = _raw(db_url, "SELECT work_email_display, shipping_address_display "
                                       "FROM hires")  # fmt: skip
    assert sealer.open_many([str(work)], "hires.work_email_display") == [WORK_EMAIL]
    assert sealer.open_many([str(shipping)], "hires.shipping_address_display") == [SHIPPING]
    with pytest.raises(PiiError, match="does not open"):  # sealed for one column, not another
        sealer.open_many([str(work)], "hires.shipping_address_display")


def test_reingesting_the_same_records_is_no_conflict(db_url: str, store: SqlStore) -> None:
    """The writer compares what the sealed rows open to, not their ciphertext."""
    again = [application("a-1", email=EMAIL, phone=PHONE), _hire()]
    assert store.write_records(again, now=NOW) == 2
    assert _raw(db_url, "SELECT count(*) FROM quarantine") == [(0,)]


def test_a_rotation_reseals_every_row_and_old_rows_open_until_then(
    db_url: str, store: SqlStore, keyring: Path
) -> None:
    before = _displays(db_url)
    rotate_keyring(db_url, keyring, NOW)
    rotated = Sealer(load_keyring(keyring, "test"))
    assert rotated.active_id == "k2"
    store.sealer = rotated
    assert rotated.open_many(before[-1:], "hires.shipping_address_display") == [SHIPPING]
    store.write_records([application("a-3", email="c@example.com")], now=NOW)  # under k2
    assert pii_keys.pending(store) == 5
    events = len(store.audit_events())
    assert pii_keys.reseal_all(store, actor="ana", now=NOW, batch=2) == 5
    after = _displays(db_url)
    assert all(d.startswith("pii1:k2:") for d in after) and not set(after) & set(before)
    assert rotated.open_many(after[-1:], "hires.shipping_address_display") == [SHIPPING]
    audited = store.audit_events()[events:]
    # applicant_values: 3 values in batches of 2; hires: one value in each of two columns
    assert [(e.actor, e.action, e.subject) for e in audited] == [
        ("ana", "pii:reseal", "column:applicant_values.display"),
        ("ana", "pii:reseal", "column:applicant_values.display"),
        ("ana", "pii:reseal", "column:hires.work_email_display"),
        ("ana", "pii:reseal", "column:hires.shipping_address_display"),
    ]
    assert pii_keys.reseal_all(store, actor="ana", now=NOW) == 0  # again: nothing changes
    assert _displays(db_url) == after and len(store.audit_events()) == events + 4
    counts = {s.column: s.by_key for s in pii_keys.status(store)}
    assert counts["applicant_values.display"] == {"k1": 0, "k2": 4, "": 0}


def test_a_rotation_stopped_part_way_resumes(db_url: str, store: SqlStore, keyring: Path) -> None:
    rotate_keyring(db_url, keyring, NOW)
    store.sealer = Sealer(load_keyring(keyring, "test"))

    def stop(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pii_keys.reseal_all(store, actor="ana", now=NOW, batch=2, advanced=stop)
    assert pii_keys.pending(store) == 3  # the first batch committed, with its audit event
    assert [e.action for e in store.audit_events()] == ["pii:reseal"]
    assert pii_keys.reseal_all(store, actor="ana", now=NOW, batch=2) == 3
    assert pii_keys.pending(store) == 0


def test_a_wrong_or_missing_key_is_a_clear_error(
    db_url: str, store: SqlStore, tmp_path: Path
) -> None:
    sealed = _displays(db_url)[:1]
    other = Sealer(Keyring.new(NOW))  # another keyring, whose key is also called k1
    with pytest.raises(PiiError, match="sealed under key 'k1' does not open"):
        other.open_many(sealed, "applicant_values.display")
    later = Sealer(Keyring(keys=[Keyring.new(NOW).rotated(NOW).keys[1]]))  # k2 alone
    with pytest.raises(PiiError, match="does not hold") as raised:
        later.open_many(sealed, "applicant_values.display")
    assert raised.value.detail == {"field": "applicant_values.display", "key_id": "k1"}
    store.sealer = None  # a store opened without its keyring
    with pytest.raises(PiiError, match="no PII keyring was given"):
        pii_keys.status(store)


def test_a_cases_title_notes_and_files_are_sealed(
    db_url: str, store: SqlStore, keyring: Path
) -> None:
    """What analysts write in a case may name the applicant: sealed as contact details are,
    the file's bytes too, and opened to what was written; a rotation reseals the texts, and
    a file sealed under the old key still opens."""
    opened = {"at": NOW, "actor": "fk_a", "kind": "opened", "text": "opened on identity i-1"}
    case_id = add_case(store, {
        "subject_kind": "identity", "subject_id": "i-1", "anchor_app": "c-1:a-1",
        "title": "Ana Reyes", "state": "new", "finding": None, "assignee": None,
        "opened_by": "fk_a", "opened_at": NOW, "updated_at": NOW,
    }, opened)  # fmt: skip
    note = {"at": NOW, "actor": "fk_a", "kind": "note", "text": f"Wrote to {EMAIL}"}
    add_entry(store, case_id, note)
    scan = f"A scan of an ID, phone {PHONE}".encode()
    attached = {"at": NOW, "actor": "fk_a", "kind": "file", "text": "attached ana-id.txt",
                "file_name": "ana-id.txt", "media_type": "text/plain", "content": scan}  # fmt: skip
    entry_id = add_entry(store, case_id, attached)

    texts = [str(v) for (v,) in _raw(db_url, "SELECT title FROM cases")]
    texts += [str(v) for (v,) in _raw(db_url, "SELECT text FROM case_entries")]
    texts += [str(v) for (v,) in _raw(db_url, "SELECT file_name FROM case_entries "
                                              "WHERE file_name IS NOT NULL")]  # fmt: skip
    assert len(texts) == 5 and all(t.startswith("pii1:k1:") for t in texts)
    ((content, size),) = _raw(db_url, "SELECT content, size FROM case_entries WHERE size > 0")
    assert bytes(content).startswith(b"pii1:k1:") and PHONE.encode() not in bytes(content)
    assert size == len(scan)

    assert read_cases(store, case_ids=[case_id])[0].title == "Ana Reyes"
    entries = read_entries(store, case_id)
    assert [e.text for e in entries][1] == f"Wrote to {EMAIL}"
    assert (entries[2].file_name, entries[2].size) == ("ana-id.txt", len(scan))
    assert read_file(store, case_id, entry_id) == ("ana-id.txt", "text/plain", scan)

    rotate_keyring(db_url, keyring, NOW)
    store.sealer = Sealer(load_keyring(keyring, "test"))
    assert pii_keys.reseal_all(store, actor="ana", now=NOW) == 5 + 5  # and the contacts
    assert read_cases(store, case_ids=[case_id])[0].title == "Ana Reyes"
    assert read_file(store, case_id, entry_id) == ("ana-id.txt", "text/plain", scan)
    store.sealer = None
    with pytest.raises(PiiError, match="no PII keyring"):
        read_file(store, case_id, entry_id)


def test_a_members_ats_credential_is_sealed(db_url: str, store: SqlStore, keyring: Path) -> None:
    """The write-back's vendor credential is a secret: sealed as contact details are, opened
    to what was set, and resealed by a rotation."""
    credential = "client-7:the-client-secret"
    target = WebhookTarget("acme", "greenhouse", "https://harvest.greenhouse.io", credential,
                           "4242", "17", None, NOW, "ana")  # fmt: skip
    store.set_webhook_target(target)
    ((stored,),) = _raw(db_url, "SELECT api_key FROM webhook_targets")
    assert str(stored).startswith("pii1:k1:") and "the-client-secret" not in str(stored)
    assert store.webhook_target("acme", "greenhouse") == target

    rotate_keyring(db_url, keyring, NOW)
    store.sealer = Sealer(load_keyring(keyring, "test"))
    assert pii_keys.reseal_all(store, actor="ana", now=NOW) == 5 + 1  # the contacts, and it
    ((resealed,),) = _raw(db_url, "SELECT api_key FROM webhook_targets")
    assert str(resealed).startswith("pii1:") and not str(resealed).startswith("pii1:k1:")
    assert store.webhook_target("acme", "greenhouse") == target
