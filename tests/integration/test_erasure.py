"""Erasure of one applicant on request, and retention (services/erasure.py, retention.py), on
a generated input folder run through the whole pipeline, on SQLite and on PostgreSQL.

After an erasure no table holds the person's e-mails or phones (searched for in every text
column with raw SQL), the audit chain still verifies, re-ingesting the same files or a new
copy of them does not bring the person back, a preview changes no record, and erasing again
changes nothing. A case on the person's identity goes with its notes and files; a case on
their network moves to an application that stays."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, func, select, text

from fauxhire.domain.erasure import parse_selector
from fauxhire.errors import ConfigError, NotFound
from fauxhire.services.analyst_actions import Acting
from fauxhire.services.assess import assess_store, load_ruleset
from fauxhire.services.audit import verify_audit
from fauxhire.services.cases import attach, case, note, open_case
from fauxhire.services.erasure import Actor, erase_applicant
from fauxhire.services.keys import Principal
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import IngestOptions, Plan, run_pipeline
from fauxhire.services.retention import RetentionPolicy, apply_retention
from fauxhire.store import SqlStore
from fauxhire.store import schema as s
from fauxhire.store.case_tables import case_entries as s_case_entries
from fauxhire.store.types import JsonText
from support.clock import Ticks
from support.folder import write_folder
from support.members_world import NOW, store_world

KEY = b"erasure test key"
ACTOR = Actor("dpo@hub")
# Tables whose rows are the person's data or cite it; audit_events and the tombstones too.
RECORD_TABLES = (
    "applications", "applicant_values", "meeting_participants", "signin_events", "hires",
    "report_subject_values", "report_matches", "quarantine", "held_records", "links",
    "link_edges", "assessments", "erasure_tombstones",
)  # fmt: skip


@dataclass
class World:
    store: SqlStore
    folder: Path
    plan: Plan


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    folder = tmp_path / "input"
    write_folder(folder, seed=7, companies=4, candidates=60)
    store = SqlStore.open(db_url)
    plan = Plan(Ticks(), Linker(), load_ruleset, ingest=IngestOptions(workers=1, erasure_key=KEY))
    run_pipeline(store, folder, plan)
    try:
        yield World(store, folder, plan)
    finally:
        store.close()


def _one(store: SqlStore, query: str) -> Any:
    with store.transaction("test") as conn:
        return conn.execute(text(query)).first()


def _hired_and_interviewed(store: SqlStore) -> Any:
    """An applicant with an interview meeting, a hire and its sign-ins, and an e-mail no one
    else holds."""
    return _one(
        store,
        """
        SELECT a.key, a.company_id, a.application_id, h.work_email_key
        FROM applications a
        JOIN hires h ON h.company_id = a.company_id AND h.candidate_id = a.candidate_id
        WHERE EXISTS (SELECT 1 FROM signin_events e WHERE e.hire_key = h.key)
          AND EXISTS (SELECT 1 FROM meeting_participants m WHERE m.app_key = a.key)
        ORDER BY a.key LIMIT 1
        """,
    )


def _values(store: SqlStore, app_key: str) -> list[tuple[str, str, str]]:
    v, a = s.applicant_values, s.applications
    query = (
        select(v.c.kind, v.c.key, v.c.display)
        .join(a, a.c.id == v.c.app_ref)
        .where(a.c.key == app_key, v.c.kind.in_(["email", "phone"]))
    )
    with store.transaction("test") as conn:
        return [tuple(row) for row in conn.execute(query)]


def _holders(store: SqlStore, kind: str, key: str) -> set[str]:
    v, a = s.applicant_values, s.applications
    query = select(a.c.key).join(v, a.c.id == v.c.app_ref).where(v.c.kind == kind, v.c.key == key)
    with store.transaction("test") as conn:
        return {row[0] for row in conn.execute(query)}


def _tables_holding(store: SqlStore, needle: str) -> list[str]:
    """Every table.column whose text holds ``needle``, searched with raw SQL."""
    found = []
    with store.transaction("test") as conn:
        for table in s.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text | JsonText):
                    continue
                contains = (
                    func.strpos(column, needle) if store.dialect == "postgresql"
                    else func.instr(column, needle)
                )  # fmt: skip
                hits = conn.execute(select(func.count()).where(contains > 0)).scalar_one()
                if hits:
                    found.append(f"{table.name}.{column.name}")
    return found


def _counts(store: SqlStore) -> dict[str, int]:
    return {table: store.count(table) for table in RECORD_TABLES}


def _held_version(world: World, app_key: str, folder: Path) -> None:
    """The application's file again with its job title changed: a conflicting duplicate,
    quarantined and its version held whole (the applicant's values with it)."""
    source, title = _one(
        world.store, f"SELECT prov_file, job_title FROM applications WHERE key = '{app_key}'"
    )
    changed = folder / source
    changed.parent.mkdir(parents=True)
    original = (world.folder / source).read_text(encoding="utf-8")
    changed.write_text(original.replace(title, f"{title} II"), encoding="utf-8")
    shutil.copy(world.folder / "companies.csv", folder / "companies.csv")  # already ingested
    run_pipeline(world.store, folder, world.plan)
    held = s.held_records.c.record_key == app_key
    assert world.store.count("held_records", held) == 1


def test_erasure_by_email_leaves_no_value_and_the_audit_chain_verifies(
    world: World, tmp_path: Path
) -> None:
    store = world.store
    app_key, _, _, work_email = _hired_and_interviewed(store)
    _held_version(world, app_key, tmp_path / "changed")
    values = _values(store, app_key)
    email = next(display for kind, _, display in values if kind == "email")
    applications = _holders(store, "email", next(k for kind, k, _ in values if kind == "email"))
    # A value another applicant also holds (persons 2 and 3 share a phone) stays with them.
    gone = [
        (kind, key, display) for kind, key, display in values
        if _holders(store, kind, key) <= applications
    ]  # fmt: skip
    needles = {n for _, key, display in gone for n in (key, display)} | {work_email}
    assert needles and all(_tables_holding(store, n) for n in needles)
    assert "held_records.children" in _tables_holding(store, email)  # the held version's
    before = _counts(store)
    selector = parse_selector("email", [email.upper()])  # any spelling finds the stored key

    preview = erase_applicant(
        store, selector, actor=ACTOR, purpose="ticket 1", key=KEY, now=world.plan.clock(),
        confirm=False,
    )  # fmt: skip
    assert not preview.applied and preview.counts["applications"] == len(applications)
    assert preview.counts["hires"] >= 1 and preview.counts["signin_events"] >= 1
    assert preview.counts["held_records"] >= 1 and preview.counts["quarantine"] >= 1
    assert _counts(store) == before  # the preview deleted nothing

    done = erase_applicant(
        store, selector, actor=ACTOR, purpose="ticket 1", key=KEY, now=world.plan.clock(),
        confirm=True,
    )  # fmt: skip
    assert done.applied and done.counts == preview.counts and done.tombstones > 0
    for needle in needles:
        assert _tables_holding(store, needle) == [], needle
    report = verify_audit(store)
    assert report.problems == [] and report.events == 2
    erase_event = store.audit_trail()[-1].event
    assert (erase_event.action, erase_event.actor, erase_event.purpose) == (
        "erase", "dpo@hub", "ticket 1"
    )  # fmt: skip
    assert f"count:applications={len(applications)}" in erase_event.records
    assert not any(app_key in r or email in r for r in erase_event.records)

    # The outputs rebuilt from what remains (incrementally, then in full) show no one erased.
    world.plan.linker.link_new(store, now=world.plan.clock())
    world.plan.linker.link(store, now=world.plan.clock())
    assess_store(store, now=world.plan.clock())
    assert store.count("links") == store.count("applications")
    for needle in needles:
        assert _tables_holding(store, needle) == [], needle

    after = _counts(store)
    again = erase_applicant(
        store, selector, actor=ACTOR, purpose="ticket 1", key=KEY, now=world.plan.clock(),
        confirm=True,
    )  # fmt: skip
    assert again.counts == {} and again.tombstones == 0
    assert _counts(store) == after  # erasing again changes nothing


def test_reingesting_does_not_bring_the_person_back(world: World, tmp_path: Path) -> None:
    store = world.store
    app_key, _, _, _ = _hired_and_interviewed(store)
    [email] = [display for kind, _, display in _values(store, app_key) if kind == "email"][:1]
    selector = parse_selector("email", [email])
    erase_applicant(
        store, selector, actor=ACTOR, purpose="ticket 2", key=KEY, now=world.plan.clock(),
        confirm=True,
    )  # fmt: skip
    erased = _counts(store)

    again = run_pipeline(store, world.folder, world.plan)  # the same files: skipped by content
    assert {f.status for f in again.files} == {"skipped"}
    assert store.count("applications") == erased["applications"]

    copy = tmp_path / "copy"  # the same records in files of other content
    shutil.copytree(world.folder, copy)
    for path in copy.rglob("*"):
        if path.is_file() and path.suffix in {".csv", ".jsonl"}:
            path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run_pipeline(store, copy, world.plan)
    assert store.count("applications", s.applications.c.key == app_key) == 0
    assert _tables_holding(store, email) == []
    refused = store.count("quarantine", s.quarantine.c.code == "erased_applicant")
    assert refused >= 1

    with pytest.raises(ConfigError, match="erasure_key"):  # no key: tombstones can't be honoured
        run_pipeline(store, copy, Plan(Ticks(), Linker(), load_ruleset))


def test_a_borrowed_name_is_not_erased_with_the_person_it_was_borrowed_from(
    world: World,
) -> None:
    """Persons 0 and 1 of the folder share a name at one company: erasing one by its
    application leaves the other, name and all."""
    store = world.store
    a, b = _one(
        store,
        """
        SELECT x.key, y.key FROM applications x JOIN applications y
          ON x.name_key = y.name_key AND x.company_id = y.company_id AND x.key < y.key
         AND x.candidate_id <> y.candidate_id
        ORDER BY x.key LIMIT 1
        """,
    )
    company, application_id = a.split(s.KEY_SEP)
    erase_applicant(
        store, parse_selector("application", [f"{company}:{application_id}"]), actor=ACTOR,
        purpose="ticket 3", key=KEY, now=world.plan.clock(), confirm=True,
    )  # fmt: skip
    assert store.count("applications", s.applications.c.key == a) == 0
    assert store.count("applications", s.applications.c.key == b) == 1
    assert store.count("links", s.links.c.app_key == b) == 1


def test_retention_deletes_what_is_old_and_holds_confirmed_fraud(world: World) -> None:
    store = world.store
    held = _one(
        store,
        """
        SELECT m.app_key, a.applied_at FROM report_matches m
        JOIN employer_reports r ON r.key = m.report_key
        JOIN applications a ON a.key = m.app_key
        WHERE r.disposition = 'confirmed_fraud' ORDER BY a.applied_at DESC LIMIT 1
        """,
    )
    assert held is not None
    now = world.plan.clock()
    newest = _one(store, "SELECT max(applied_at) FROM applications")[0]
    days = (now - _aware(newest)).days + 1  # past every application: all but fraud expire
    policy = RetentionPolicy(days)
    before = _counts(store)

    dry = apply_retention(store, policy, actor=ACTOR, now=now, dry_run=True, batch=7)
    assert not dry.applied and dry.counts["applications"] > 0
    assert _counts(store) == before

    done = apply_retention(store, policy, actor=ACTOR, now=now, dry_run=False, batch=7)
    assert done.counts == dry.counts
    assert store.count("applications", s.applications.c.key == held.app_key) == 1
    assert store.count("applications") == before["applications"] - done.counts["applications"]
    assert store.count("signin_events") < before["signin_events"]
    after = _counts(store)
    rerun = apply_retention(store, policy, actor=ACTOR, now=now, dry_run=False, batch=7)
    assert rerun.counts == {} and _counts(store) == after
    events = [e.event for e in store.audit_trail()]
    assert [e.action for e in events] == ["retention:dry-run", "retention:apply"] * 1 + [
        "retention:apply"
    ]
    assert f"count:applications={done.counts['applications']}" in events[1].records
    assert verify_audit(store).problems == []

    expire_fraud = RetentionPolicy(days, fraud_hold_days=days)
    last = apply_retention(store, expire_fraud, actor=ACTOR, now=now + timedelta(1), dry_run=False)
    assert last.counts["applications"] >= 1
    assert store.count("applications", s.applications.c.key == held.app_key) == 0


def _aware(value: Any) -> Any:
    from datetime import UTC, datetime

    if isinstance(value, str):  # SQLite's text form
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_long_lookups_stay_within_sqlites_expression_depth(db_url: str) -> None:
    """Retention's batches name thousands of identities and values at once: each OR chain is
    cut short of SQLite's limit of 1,000 on an expression's depth."""
    from fauxhire.store.erasure_outputs import erase_quarantined, select_pairs

    store = SqlStore.open(db_url)
    try:
        many = {f"x{n}@example.com" for n in range(1500)}
        with store.transaction("test") as conn:
            assert erase_quarantined(conn, {}, many) == dict.fromkeys(
                ("quarantine_decisions", "held_records", "quarantine"), 0
            )
            pairs = [(f"c-{n}", f"p-{n}") for n in range(1500)]
            a = s.applications
            assert (
                select_pairs(conn, select(a.c.key), a.c.company_id, a.c.candidate_id, pairs) == []
            )
    finally:
        store.close()


def test_an_erasure_moves_a_networks_case_and_removes_the_persons_own(db_url: str) -> None:
    """members_world: i-1's applications anchor a case on i-1 and one on its network net-7,
    which i-2 and i-3 stay in."""
    store, now, network = SqlStore.open(db_url), NOW, "net-7"
    store_world(store)
    try:
        _erase_with_cases(store, now, network)
    finally:
        store.close()


def _erase_with_cases(store: SqlStore, now: datetime, network: str) -> None:
    acting = Acting(Principal("fk_analyst", "analyst", None, ()), None, now)
    on_network = open_case(store, "network", network, "Payroll ring", acting)
    anchored = f"SELECT anchor_app FROM cases WHERE case_id = {on_network.row.case_id}"
    anchor = _one(store, anchored)[0]
    person = _one(store, f"SELECT identity_id FROM links WHERE app_key = '{anchor}'")[0]
    own = open_case(store, "identity", person, "The person's own review", acting)
    note(store, own.row.case_id, "Called the number on the resume", acting)
    attach(store, own.row.case_id, "id.txt", "text/plain", b"a copy of an ID", acting)
    note(store, on_network.row.case_id, "Shares a payout account", acting)
    before = _counts(store) | {"cases": store.count("cases")}
    selector = parse_selector("identity", [person])

    preview = erase_applicant(
        store, selector, actor=ACTOR, purpose="ticket 2", key=KEY, now=now, confirm=False
    )
    assert (preview.counts["cases"], preview.counts["case_entries"]) == (1, 3)
    assert _counts(store) | {"cases": store.count("cases")} == before
    done = erase_applicant(
        store, selector, actor=ACTOR, purpose="ticket 2", key=KEY, now=now, confirm=True
    )
    assert done.counts == preview.counts

    with pytest.raises(NotFound):
        case(store, own.row.case_id, acting)
    for gone in ("Called the number", "The person's own review"):
        assert _tables_holding(store, gone) == [], gone
    assert store.count("case_entries", s_case_entries.c.file_name == "id.txt") == 0
    kept = case(store, on_network.row.case_id, acting)
    assert [entry.text for entry in kept.entries][-1] == "Shares a payout account"
    moved = _one(store, anchored)[0]
    assert moved != anchor
    assert _one(store, f"SELECT network_id FROM links WHERE app_key = '{moved}'")[0] == network
    assert kept.row.current_id == network, "the case still finds its network"
