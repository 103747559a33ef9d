"""One contract for every implementation of the store port (``fauxhire.ports``): in memory,
on a SQLite file and on PostgreSQL (skipped without FAUXHIRE_TEST_PG_URL, failed without it
when FAUXHIRE_REQUIRE_PG is set, as every store test). Each test states a behaviour a use case
relies on and runs it on all three."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fauxhire.domain import Applicant, Application, Provenance
from fauxhire.domain.audit_chain import GENESIS, check_chain, event_hash
from fauxhire.domain.evidence import ComparisonEvidence, IndicatorEvidence, SharedEvidence
from fauxhire.domain.outcomes import Assessment
from fauxhire.domain.values import Value, ValueKind
from fauxhire.errors import FauxhireError, StoreError
from fauxhire.ports import ApiKey, AssessmentRow, AuditEvent, Edge, Link
from fauxhire.services.assess import assess_store
from fauxhire.services.link import link_store
from fauxhire.store import SqlStore
from fauxhire.store.memory import MemoryStore
from fauxhire.store.schema import join_key

T1 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
Port = MemoryStore | SqlStore


def _opened(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Port]:
    if kind == "memory":
        yield MemoryStore()
        return
    url = (
        f"sqlite:///{tmp_path / 'store.db'}"
        if kind == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    store = SqlStore.open(url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def port(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Port]:
    yield from _opened(request.param, tmp_path, request)


def application(app_id: str, name: str, email: str, phone: str | None = None) -> Application:
    first, last = name.split()
    phones = (Value(ValueKind.PHONE, phone, phone),) if phone else ()
    applicant = Applicant(
        first_name=first,
        last_name=last,
        name=Value(ValueKind.NAME, name, name.lower()),
        emails=(Value(ValueKind.EMAIL, email, email),),
        phones=phones,
    )
    return Application(
        company_id="c-1",
        application_id=app_id,
        candidate_id=f"p-{app_id}",
        applied_at=datetime(2025, 3, 3, 14, 2, 11, tzinfo=UTC),
        job_title="Backend Engineer",
        applicant=applicant,
        provenance=Provenance("canonical", "apps.jsonl", f"line {app_id}", "c-1"),
    )


# Two people who applied twice each (one e-mail and phone each time), and others once.
APPLICATIONS = [
    application("a-1", "Alex Example", "alex@example.com", "+15550001"),
    application("a-2", "Alex Example", "alex@example.com", "+15550001"),
    application("a-3", "Bea Sample", "bea@example.org", "+15550002"),
    application("a-4", "Bea Sample", "bea@example.org", "+15550002"),
    *(application(f"b-{n}", f"Person{n} Other{n}", f"p{n}@example.net") for n in range(12)),
]


# Each stage's evidence in its stored shape (domain.evidence): what the readers type.
_EVIDENCE: dict[str, list[dict[str, Any]]] = {
    "identity": [{"comparison": "email", "level": 2, "reading": "exact", "weight": 9.5}],
    "network": [
        {"kind": "payout", "family": "money", "value": "k1", "shared_by": 2, "weight": 4.0}
    ],
}


def _edge(stage: str, a: str, group: str, score: float) -> Edge:
    return Edge(stage, a, f"{a}'", group, score, None, _EVIDENCE[stage])


def test_records_written_read_back_once(port: Port) -> None:
    assert port.write_records(APPLICATIONS[:3], now=T1) == 3
    assert port.write_records(APPLICATIONS[:4], now=T1) == 4  # the same three again, and a-4
    changed = replace(APPLICATIONS[0], job_title="Chef")
    assert port.write_records([changed], now=T2) == 0  # other content: the first stands
    apps = port.linking_frame("applications").sort("application_id")
    assert apps.get_column("application_id").to_list() == ["a-1", "a-2", "a-3", "a-4"]
    assert apps.get_column("rec").n_unique() == 4
    values = port.values_of(apps.get_column("rec").to_list()[:1])
    assert sorted(values.get_column("kind").to_list()) == ["email", "phone"]
    counts = port.value_counts(values.select("kind", "key"))
    assert sorted(counts.get_column("holders").to_list()) == [2, 2]  # a-1 and a-2 share both
    assert port.name_counts(["alex example"]).rows() == [("alex example", 2)]
    assert port.linking_frame("applications").filter(pl.col("application_id") == "a-1").height == 1
    assert port.applications_after(int(apps.get_column("rec").max())).height == 0  # type: ignore[arg-type]


def test_links_replace_every_link(port: Port) -> None:
    port.write_records(APPLICATIONS[:3], now=T1)
    port.replace_links([Link("c-1", "a-1", "i-1", None), Link("c-1", "a-2", "i-1", None)], now=T1)
    port.replace_links([Link("c-1", "a-3", "i-2", "net-1")], now=T2)
    assert port.links() == [Link("c-1", "a-3", "i-2", "net-1")]
    frame = port.linking_frame("links")
    assert frame.get_column("identity_id").to_list() == ["i-2"]


def test_links_of_one_identity(port: Port) -> None:
    port.write_records(APPLICATIONS[:3], now=T1)
    held = [Link("c-1", "a-1", "i-1", None), Link("c-1", "a-2", "i-1", None)]
    port.replace_links([*held, Link("c-1", "a-3", "i-2", "net-1")], now=T1)
    assert sorted(port.links("i-1")) == held
    assert port.links("i-2") == [Link("c-1", "a-3", "i-2", "net-1")]
    assert port.links("i-9") == []


def test_an_identitys_applications_with_their_dates_oldest_first(port: Port) -> None:
    later = replace(APPLICATIONS[0], applied_at=datetime(2025, 5, 1, 8, 30, 0, 250000, tzinfo=UTC))
    elsewhere = replace(APPLICATIONS[1], company_id="c-2")
    port.write_records([later, elsewhere, APPLICATIONS[2]], now=T1)
    port.replace_links(
        [
            Link("c-1", "a-1", "i-1", None),
            Link("c-2", "a-2", "i-1", None),
            Link("c-1", "a-3", "i-2", None),
        ],
        now=T1,
    )
    held = port.identity_applications("i-1")
    assert [(a.company_id, a.application_id, a.applied_at) for a in held] == [
        ("c-2", "a-2", elsewhere.applied_at),
        ("c-1", "a-1", later.applied_at),
    ]
    assert held[0].key != held[1].key
    assert port.identity_applications("i-9") == []


def test_edges_replace_one_stage_and_read_strongest_first(port: Port) -> None:
    port.replace_edges("identity", [_edge("identity", "x", "i-1", 1.0)])
    port.replace_edges("network", [_edge("network", "i-1", "net-1", 4.0)])
    port.replace_edges(
        "identity", [_edge("identity", "y", "i-1", 2.0), _edge("identity", "z", "i-1", 9.0)]
    )
    assert [e.a for e in port.edges("identity", "i-1")] == ["z", "y"]
    assert port.edges("identity", "i-1")[0].evidence == (
        ComparisonEvidence("email", 2, "exact", 9.5),
    )
    assert [e.a for e in port.edges("network", "net-1")] == ["i-1"]  # the other stage kept
    assert port.edges("network", "net-1")[0].evidence == (
        SharedEvidence("payout", "money", "k1", 2, 4.0),
    )


def test_borrowed_pairs_among_the_identities_asked_for(port: Port) -> None:
    evidence = _EVIDENCE["identity"]
    port.replace_edges(
        "borrowed",
        [
            Edge("borrowed", "i-1", "i-2", "i-1", 5.0, 0.9, evidence),
            Edge("borrowed", "i-3", "i-4", "i-3", 5.0, 0.9, evidence),
        ],
    )
    port.replace_edges("identity", [Edge("identity", "i-1", "i-5", "i-1", 9.0, 1.0, evidence)])
    assert port.borrowed_pairs(["i-1", "i-2", "i-3", "i-5"]) == [("i-1", "i-2")]
    assert port.borrowed_pairs(["i-2", "i-4"]) == []
    assert port.borrowed_pairs([]) == []


def test_a_failed_unit_of_work_leaves_the_previous_outcome(port: Port) -> None:
    port.write_records(APPLICATIONS[:2], now=T1)
    before = [Link("c-1", "a-1", "i-1", None), Link("c-1", "a-2", "i-1", None)]
    with port.unit_of_work():
        port.replace_links(before, now=T1)
        port.replace_edges("identity", [_edge("identity", "x", "i-1", 1.0)])
        port.save_link_run(mode="full", spec={}, model={"m": 1}, summary={"n": 1}, now=T1)
    with pytest.raises(FauxhireError), port.unit_of_work():
        port.replace_links([Link("c-1", "a-1", "i-9", None)], now=T2)
        port.replace_edges("identity", [])
        port.save_link_run(mode="full", spec={}, model={"m": 2}, summary={"n": 2}, now=T2)
        raise FauxhireError("the stage failed after writing")
    assert sorted(port.links()) == before
    assert [e.a for e in port.edges("identity", "i-1")] == ["x"]
    run = port.latest_link_run()
    assert run is not None and run.model == {"m": 1} and run.summary == {"n": 1}


def test_link_runs_latest_last(port: Port) -> None:
    assert port.latest_link_run() is None
    first = port.save_link_run(mode="full", spec={}, model={}, summary={"a": 1}, now=T1)
    second = port.save_link_run(mode="incremental", spec={}, model={}, summary={"a": 2}, now=T2)
    assert second > first
    run = port.latest_link_run()
    assert run is not None
    assert (run.run_id, run.mode, run.summary) == (second, "incremental", {"a": 2})


def test_assessments_replaced_and_read_by_kind(port: Port) -> None:
    fired = IndicatorEvidence(
        "shared-payout-account", 1.5, "payout shared with 3", ("identity:i-2",)
    )
    old = AssessmentRow("identity", "i-7", None, 0.1, "remote", [])
    port.replace_assessments([old], now=T1)
    rows = [
        AssessmentRow("identity", "i-1", "net-1", 0.9, "very likely", [asdict(fired)], "r@1", "h"),
        AssessmentRow("network", "net-1", "net-1", 0.8, "likely", [], "r@1", "h"),
    ]
    assert port.replace_assessments(rows, now=T2) == 2
    expected = [
        Assessment("identity", "i-1", "net-1", 0.9, "very likely", (fired,), "r@1", "h"),
        Assessment("network", "net-1", "net-1", 0.8, "likely", (), "r@1", "h"),
    ]
    assert port.assessments("identity") == expected[:1]
    assert sorted(port.assessments(), key=lambda a: a.subject_id) == expected
    assert port.assessments("identity", "i-1") == expected[:1]
    assert port.assessments("network", "i-1") == []  # a subject id is one kind's
    assert port.assessments(subject_id="net-1") == expected[1:]


def test_audit_events_read_back_in_order(port: Port) -> None:
    events = [
        AuditEvent("ana", "show-identity", "identity:i-2", "triage", T2),
        AuditEvent("ana", "show-identity", "identity:i-1", "triage", T1),
        AuditEvent("bo", "show-identity", "identity:i-2", "case 7", T1),
    ]
    ids = [port.append_audit(event) for event in events]
    assert ids == sorted(ids)
    assert port.audit_events() == events  # appended order, not time order
    assert port.audit_events("identity:i-2") == [events[0], events[2]]


T3 = datetime(2025, 6, 3, 9, 30, 15, 123456, tzinfo=UTC)
HUB_KEY = ApiKey(
    "fk_hub000000001", "a" * 64, "triage desk", "analyst", None, ("read", "write"), T2,
    None, None, "ana",
)  # fmt: skip
MEMBER_KEY = ApiKey(
    "fk_mem000000001", "b" * 64, "ats hook", "recruiter", "acme", (), T1, T3, None, "ana"
)


def test_api_keys_read_back_as_added_oldest_first(port: Port) -> None:
    port.add_api_key(HUB_KEY)
    port.add_api_key(MEMBER_KEY)
    assert port.api_keys() == [MEMBER_KEY, HUB_KEY]  # by creation, not by insertion
    assert port.api_key("fk_hub000000001") == HUB_KEY
    assert port.api_key("fk_mem000000001") == MEMBER_KEY  # member, expiry to the microsecond
    assert port.api_key("fk_nothere00000") is None


def test_an_api_key_id_is_never_overwritten(port: Port) -> None:
    port.add_api_key(HUB_KEY)
    with pytest.raises(StoreError):
        port.add_api_key(HUB_KEY._replace(secret_hash="c" * 64, role="admin"))
    assert port.api_keys() == [HUB_KEY]


def test_revoking_an_api_key_keeps_the_first_revocation(port: Port) -> None:
    port.add_api_key(HUB_KEY)
    port.add_api_key(MEMBER_KEY)
    assert port.revoke_api_key("fk_hub000000001", at=T3) == HUB_KEY._replace(revoked_at=T3)
    later = T3.replace(day=9)
    assert port.revoke_api_key("fk_hub000000001", at=later) == HUB_KEY._replace(revoked_at=T3)
    assert port.revoke_api_key("fk_nothere00000", at=T3) is None
    assert port.api_keys() == [MEMBER_KEY, HUB_KEY._replace(revoked_at=T3)]  # the other intact


def test_a_failed_unit_of_work_adds_neither_key_nor_audit_event(port: Port) -> None:
    with pytest.raises(RuntimeError), port.unit_of_work():
        port.add_api_key(HUB_KEY)
        port.append_audit(AuditEvent("ana", "key:create", "key:fk_hub000000001", "test", T2))
        raise RuntimeError("the unit fails after both writes")
    assert port.api_keys() == []
    assert port.audit_events() == []


def test_audit_events_are_chained_with_every_field_read_back(port: Port) -> None:
    full = AuditEvent("ana", "screen", "application:c-1/a-1", "screening", T3,
                      role="recruiter", member="acme", records=("c-1/a-1", "c-1/a-2"),
                      request_id="9f" * 16)  # fmt: skip
    bare = AuditEvent("bo", "show-identity", "identity:i-1", "triage", T1)
    ids = [port.append_audit(e) for e in (full, bare, full._replace(subject="identity:i-1"))]
    trail = port.audit_trail()
    assert [entry.event_id for entry in trail] == ids
    assert [entry.event for entry in trail] == port.audit_events()
    assert trail[0].event == full and trail[1].event == bare  # to the microsecond, records
    assert check_chain(trail) == (3, trail[-1].hash, [])
    assert trail[0].prev_hash == GENESIS and trail[0].hash == event_hash(full, GENESIS)
    assert port.audit_trail(after=ids[0], limit=1) == trail[1:2]
    assert port.audit_trail("identity:i-1", after=ids[1]) == trail[2:]
    assert port.audit_trail("identity:i-1", limit=5) == trail[1:]


def test_appends_that_race_keep_one_chain(port: Port) -> None:
    """Three writers (on SQL, three stores: three engines) append at once; each append reads
    the last hash and writes after it, so without the store's lock two would fork the chain."""
    if isinstance(port, MemoryStore):
        writers: list[Port] = [port] * 3
    else:
        url = port.engine.url.render_as_string(hide_password=False)
        writers = [SqlStore.open(url) for _ in range(3)]
    try:
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(_append_many, writers, range(3)))
    finally:
        for writer in writers:
            if writer is not port and isinstance(writer, SqlStore):
                writer.close()
    trail = port.audit_trail()
    assert check_chain(trail) == (90, trail[-1].hash, [])


def _append_many(port: Port, writer: int) -> None:
    for i in range(30):
        port.append_audit(AuditEvent(f"w{writer}", "read", f"identity:i-{i}", "race", T1))


def test_link_and_assess_run_on_the_port(port: Port) -> None:
    port.write_records(APPLICATIONS, now=T1)
    summary = link_store(port, now=T1)
    links = port.links()
    assert sorted(link.application_id for link in links) == sorted(
        app.application_id for app in APPLICATIONS
    )
    identities = {link.identity_id for link in links}
    assert summary.identities == len(identities)
    run = port.latest_link_run()
    assert run is not None and run.mode == "full"
    assert run.summary["applications"] == len(APPLICATIONS)
    assessed = assess_store(port, now=T2)
    assert assessed.identities == len(identities)
    assert {row.subject_id for row in port.assessments("identity")} == identities


def _outcomes(port: Port) -> tuple[list[Link], list[tuple[str, float, str]]]:
    port.write_records(APPLICATIONS, now=T1)
    link_store(port, now=T1)
    assess_store(port, now=T2)
    assessed = [(r.subject_id, round(r.probability, 12), r.level) for r in port.assessments()]
    return sorted(port.links()), sorted(assessed)


def test_memory_and_sql_give_the_same_links_and_assessments(tmp_path: Path) -> None:
    """The in-memory store is the SQL store's behaviour, not an approximation: the same
    records linked and assessed on both give the same identities and the same scores."""
    store = SqlStore.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        on_sql = _outcomes(store)
    finally:
        store.close()
    assert _outcomes(MemoryStore()) == on_sql
    assert len(on_sql[0]) == len(APPLICATIONS)


def test_an_applicant_read_back_and_one_in_a_network_declined(port: Port) -> None:
    """``applicant_rows``: an identity that is only an applicant gives its applications and
    contact details; one in a network is more than an applicant (None), as is one no link
    names. ``partner_observables`` finds nothing where no partner indicator is held."""
    port.write_records(APPLICATIONS[:3], now=T1)
    held = [Link("c-1", "a-1", "i-1", None), Link("c-1", "a-2", "i-1", None)]
    port.replace_links([*held, Link("c-1", "a-3", "i-2", "net-1")], now=T1)
    rows = port.applicant_rows("i-1")
    assert rows is not None
    keys = sorted(application for application, *_ in rows.applications)
    assert keys == [join_key(("c-1", "a-1")), join_key(("c-1", "a-2"))]
    assert all(company == "c-1" and at.startswith("2025-03-03 14:02:11")
               for _, company, at, _ in rows.applications)  # fmt: skip
    given = sorted({(kind, value) for _, kind, value in rows.contacts})
    assert given == [("email", "alex@example.com"), ("phone", "+15550001")]
    assert port.applicant_rows("i-2") is None
    assert port.applicant_rows("i-9") is None
    assert port.partner_observables(["alex@example.com"], ["0" * 64]) == []
    # One list empty (no community key, or no e-mail): PostgreSQL compared an empty list's
    # placeholder, an integer, with text.
    assert port.partner_observables(["alex@example.com"], []) == []
    assert port.partner_observables([], ["0" * 64]) == []
