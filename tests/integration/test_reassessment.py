"""An identity a screen added an application to, assessed again from its stored assessment
(``services/assess_applicant.reassess_identity``), is the assessment ``assess_identities``
gives it.

The session's demo world is run in full without one canonical application in ten; the held
applications then arrive one at a time, as screens: stored, linked (by the fast link where it
can), and their identity assessed. Where the identity is more than an applicant and the plain
way takes it, the two must agree: the same level and evidence, and the probability within
the rounding of the contributions carried. Then each kind of record that came after the
stored assessment, and each record naming a screened application, makes it decline.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.cli import app
from fauxhire.domain import Application
from fauxhire.ingest.base import IngestContext, SourceFile
from fauxhire.ingest.registry import get_format
from fauxhire.ports import AssessmentRow
from fauxhire.services.assess import assess_store, load_ruleset
from fauxhire.services.assess_applicant import assess_applicant_identity, reassess_identity
from fauxhire.services.assess_few import assess_identities
from fauxhire.services.fast_link import ScorerCache, link_screened
from fauxhire.services.increment import link_new
from fauxhire.store import SqlStore
from fauxhire.store.prepare import sqlite_datetime
from fauxhire.store.schema import join_key
from fauxhire_lab.world.feeds import COMMUNITY_KEY
from support.held_out import held_out_world, run_into
from support.rulesets import changed_ruleset

EVERY = 10
HELD = 200  # every EVERY-th canonical application: all of them on the demo world
ROUNDING = 5e-5  # a stored contribution's weight is rounded to four decimals
# The run matches partner indicators by keyed hash as the screens do.
_KEYED = {"FAUXHIRE_COMMUNITY_KEY": COMMUNITY_KEY.decode()}


@pytest.fixture(scope="module")
def world(demo_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return held_out_world(demo_world, tmp_path_factory.mktemp("reassess"), EVERY, HELD, env=_KEYED)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, world: Path, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        shutil.copyfile(world / "base.db", tmp_path / "store.db")
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_url")
        run_into(world, url, _KEYED)
    opened = SqlStore.open(url)
    try:
        yield opened
    finally:
        opened.close()


def _held(world: Path) -> list[Application]:
    source = SourceFile(world / "held.jsonl", display="held")
    items = get_format("applications").adapter(source, IngestContext())
    return [item for item in items if isinstance(item, Application)]


def _screened(
    store: SqlStore, application: Application, scorers: ScorerCache, now: datetime
) -> str:
    """Store and link one application as a screen does; the identity it is in."""
    assert store.write_records([application], now=now) == 1
    if link_screened(store, scorers, now=now) is None:
        link_new(store, now=now)
    key = join_key(application.key)
    return store.links_of_keys([key])[key]


def _start(store: SqlStore) -> datetime:
    """A clock after the store's last assessment, as a screen's is."""
    with store.engine.connect() as conn:
        last = conn.execute(sa.text("SELECT MAX(CAST(assessed_at AS TEXT)) FROM assessments"))
        text = last.scalar_one()
    return datetime.fromisoformat(str(text)[:19]).replace(tzinfo=UTC) + timedelta(minutes=1)


def _without_referrals(folder: Path) -> LoadedRuleset:
    """The default ruleset with the referral indicator off. On the demo world, personas
    refer each other under names few identities hold, which the detectors read from the
    referrers' evidence now, and the plain way declines (on the million-application world,
    names are common and it does not: bench/screen_assess)."""

    def off(indicator: dict[str, Any]) -> None:
        if indicator["detector"] == "referral_flagged":
            indicator["enabled"] = False

    return changed_ruleset(folder, "no-referral.yaml", off)


# Each store with the default rules, and the rules without referrals on one: what the rules
# change is the detectors', the same on either store (the store suite checks the stores).
@pytest.mark.parametrize(
    ("store", "rules"),
    [("sqlite", "default"), ("postgresql", "default"), ("sqlite", "no referral")],
    indirect=["store"],
)
def test_each_screened_identity_is_reassessed_as_the_detectors_assess_it(
    world: Path, store: SqlStore, rules: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ruleset = load_ruleset() if rules == "default" else _without_referrals(tmp_path)
    if rules != "default":
        assess_store(store, now=_start(store), ruleset=ruleset, community_key=COMMUNITY_KEY)
    scorers = ScorerCache()
    start = _start(store)
    ways: Counter[str] = Counter()
    differ = []
    fired: Counter[str] = Counter()
    for i, application in enumerate(_held(world)):
        now = start + timedelta(minutes=i)
        identity = _screened(store, application, scorers, now)
        args = {"now": now, "ruleset": ruleset, "community_key": COMMUNITY_KEY}
        if assess_applicant_identity(store, identity, **args) is not None:
            ways["applicant"] += 1
            assess_identities(store, [identity], **args)
            continue
        again = reassess_identity(store, identity, [join_key(application.key)], **args)
        expected = assess_identities(store, [identity], **args).rows
        if again is None:
            ways["declined"] += 1
            continue
        ways["reassessed" if again.network is None else "reassessed in a network"] += 1
        fired.update(item["indicator"] for item in orjson.loads(again.row.evidence))
        got = [again.row] if again.network is None else [again.row, again.network]
        assert [(r.subject_kind, r.subject_id, r.network_id) for r in got] == [
            (r.subject_kind, r.subject_id, r.network_id) for r in expected
        ]
        differ += [
            (application.key, row, want)
            for row, want in zip(got, expected, strict=True)
            if _differ(row, want)
        ]
    with capsys.disabled():
        print(f"\nreassessment, {rules} rules, {store.dialect}: {dict(ways)}; fired {dict(fired)}")
    assert not differ, differ[:3]
    assert ways["reassessed"] >= 10  # identities in no network, with meetings, hires, reports
    if rules != "default":
        # Network members, with evidence of many kinds, carried and graded again.
        assert ways["reassessed in a network"] >= 10
        assert len(fired) >= 8


def _differ(row: AssessmentRow, expected: AssessmentRow) -> bool:
    """Not the same level and evidence, or the probability further than the rounding of
    the stored weights summed into it allows (dp/dlogodds is at most 1/4)."""
    items = orjson.loads(row.evidence)
    bound = ROUNDING * len(items) / 4 + 1e-12
    return (
        row.level != expected.level
        or abs(row.probability - expected.probability) > bound
        or items != orjson.loads(expected.evidence)
    )


# What came after an identity's stored assessment, each of which a screen must not carry past.
# Each statement moves one record (or adds one) to :later, after the assessment of the
# identity (:id, in the network :net) and before the screen; it must change some row.
_HIRES_OF = (
    "SELECT h.key FROM hires h JOIN applications a ON a.company_id = h.company_id "
    "AND a.candidate_id = h.candidate_id JOIN links l ON l.app_key = a.key WHERE {who}"
)
_MINE, _MATES = "l.identity_id = :id", "l.network_id = :net AND l.identity_id <> :id"
_CAME_AFTER = {
    "its meeting": "UPDATE meeting_participants SET ingested_at = :later WHERE app_key IN "
    "(SELECT app_key FROM links l WHERE l.identity_id = :id)",
    "its hire": f"UPDATE hires SET ingested_at = :later WHERE key IN ({_HIRES_OF})".format(
        who=_MINE
    ),
    "its sign-in": "UPDATE signin_events SET ingested_at = :later WHERE hire_key IN "
    f"({_HIRES_OF})".format(who=_MINE),
    "its employer report": "UPDATE employer_reports SET ingested_at = :later WHERE key IN "
    "(SELECT report_key FROM report_matches WHERE app_key IN "
    "(SELECT app_key FROM links l WHERE l.identity_id = :id))",
    "a link of its own": "UPDATE links SET linked_at = :later WHERE app_key = "
    "(SELECT MIN(app_key) FROM links WHERE identity_id = :id AND app_key <> :new)",
    "a member's link": "UPDATE links SET linked_at = :later WHERE app_key = "
    "(SELECT MIN(app_key) FROM links l WHERE " + _MATES + ")",
    "a member's meeting": "UPDATE meeting_participants SET ingested_at = :later WHERE app_key IN "
    "(SELECT app_key FROM links l WHERE " + _MATES + ")",
    "a member's hire": f"UPDATE hires SET ingested_at = :later WHERE key IN ({_HIRES_OF})".format(
        who=_MATES
    ),
    "a partner indicator": "UPDATE indicators SET ingested_at = :later "
    "WHERE id = (SELECT MIN(id) FROM indicators)",
    "an indicator expiring": "UPDATE indicators SET valid_until = :later "
    "WHERE id = (SELECT MIN(id) FROM indicators)",
    "IP intelligence": "INSERT INTO ingest_files (format, company_id, sha256, size, display, "
    "status, items_done, records, quarantined, started_at) "
    "VALUES ('ipintel', '', 'later', 0, 'later.csv', 'done', 0, 0, 0, :later)",
    "a disposition": "INSERT INTO dispositions (disposition, subject_id, analyst, reason, "
    "created_at) VALUES ('confirmed', :id, 'analyst-1', 'checked', :later)",
    # An ingest joins what waited (a meeting to an application a screen stored), which no
    # record's time shows; an analyst's decision on a duplicate may replace a record.
    "an ingest": "INSERT INTO ingest_files (format, company_id, sha256, size, display, "
    "status, items_done, records, quarantined, started_at) "
    "VALUES ('zoom', '', 'later', 0, 'later.csv', 'done', 0, 0, 0, :later)",
    "an analyst's quarantine decision": "INSERT INTO quarantine (key, file_id, format, file, "
    "location, field, reason, code, excerpt, created_at) SELECT 'q-later', MIN(file_id), "
    "'applications', 'a.jsonl', 'line 1', 'email', 'duplicate', 'conflict', '', :later "
    "FROM ingest_files",
    # A member's application linked after the identity's assessment (and assessed with its
    # member) that brings a hire into the network: the identity's shared-payout reads it.
    "a member's application bringing a hire": "UPDATE links SET linked_at = :later "
    "WHERE app_key = (SELECT MIN(a.key) FROM applications a JOIN hires h "
    "ON h.company_id = a.company_id AND h.candidate_id = a.candidate_id "
    "JOIN links l ON l.app_key = a.key WHERE " + _MATES + ")",
}  # fmt: skip
_THEN = {
    "an analyst's quarantine decision": "INSERT INTO quarantine_decisions (quarantine_key, "
    "decision, analyst, reason, decided_at) VALUES ('q-later', 'kept', 'a-1', 'x', :later)",
    "a disposition": "INSERT INTO disposition_applications (disposition_id, app_key) "
    "SELECT MAX(d.disposition_id), MIN(l.app_key) FROM dispositions d, links l "
    "WHERE l.identity_id = :id",
    "a member's application bringing a hire": "UPDATE assessments SET assessed_at = :later "
    "WHERE subject_kind = 'identity' AND subject_id = (SELECT l.identity_id FROM links l "
    "WHERE l.linked_at = :later)",
}


def test_anything_that_came_after_the_stored_assessment_makes_it_decline(
    world: Path, tmp_path: Path
) -> None:
    """Screened into a network member with meetings, hires, sign-ins and reports, the plain
    way takes the identity; with any one record of theirs, or the store's IP intelligence or
    partner indicators, newer than its stored assessment, it declines."""
    ruleset = _without_referrals(tmp_path)
    ready, identity, network, key, now = _network_screen(world, tmp_path, ruleset)
    later = sqlite_datetime(now - timedelta(seconds=30))
    args = {"now": now, "ruleset": ruleset, "community_key": COMMUNITY_KEY}
    for case in ["nothing", *_CAME_AFTER]:
        copy = tmp_path / f"{case}.db"
        shutil.copyfile(ready, copy)
        store = SqlStore.open(f"sqlite:///{copy}")
        try:
            if case != "nothing":
                params = {"id": identity, "net": network, "new": key, "later": later}
                with store.engine.begin() as conn:
                    changed = conn.execute(sa.text(_CAME_AFTER[case]), params).rowcount
                    assert changed > 0, case  # the identity has such a record to move
                    if case in _THEN:
                        assert conn.execute(sa.text(_THEN[case]), params).rowcount > 0, case
            again = reassess_identity(store, identity, [key], **args)
        finally:
            store.close()
        assert (again is None) == (case != "nothing"), case


def _network_screen(
    world: Path, folder: Path, ruleset: LoadedRuleset
) -> tuple[Path, str, str, str, datetime]:
    """A store where a held application was just screened (stored and linked, not yet
    assessed) into a network member that holds meetings, hires, sign-ins and employer
    reports, and whose stored assessment the plain way takes: the store's file, the
    identity, its network, the application's key, the screen's time."""
    path = folder / "screened.db"
    shutil.copyfile(world / "base.db", path)
    store = SqlStore.open(f"sqlite:///{path}")
    try:
        assess_store(store, now=_start(store), ruleset=ruleset, community_key=COMMUNITY_KEY)
        scorers, start = ScorerCache(), _start(store)
        for i, application in enumerate(_held(world)):
            now = start + timedelta(minutes=i)
            identity = _screened(store, application, scorers, now)
            key = join_key(application.key)
            args = {"now": now, "ruleset": ruleset, "community_key": COMMUNITY_KEY}
            again = reassess_identity(store, identity, [key], **args)
            if again is not None and again.network is not None and _holds_all(store, identity):
                return path, identity, again.network.subject_id, key, now
            assess_identities(store, [identity], **args)
    finally:
        store.close()
    raise AssertionError("no held application joined such a network member")


def _holds_all(store: SqlStore, identity: str) -> bool:
    """Whether the identity holds a meeting, a hire with a sign-in, and an employer report."""
    held = {
        "meetings": "SELECT COUNT(*) FROM meeting_participants m JOIN links l "
        "ON l.app_key = m.app_key WHERE l.identity_id = :id",
        "sign-ins": "SELECT COUNT(*) FROM signin_events e WHERE e.hire_key IN "
        f"({_HIRES_OF})".format(who=_MINE),
        "reports": "SELECT COUNT(*) FROM report_matches r JOIN links l ON l.app_key = r.app_key "
        "WHERE l.identity_id = :id",
    }
    with store.engine.connect() as conn:
        return all(conn.execute(sa.text(q), {"id": identity}).scalar() for q in held.values())


def _assessed_copy(db: Path, folder: Path, ruleset: LoadedRuleset) -> SqlStore:
    """A copy of the store ``db`` in ``folder``, assessed whole with ``ruleset``: open."""
    shutil.copyfile(db, folder / "store.db")
    store = SqlStore.open(f"sqlite:///{folder / 'store.db'}")
    assess_store(store, now=_start(store), ruleset=ruleset, community_key=COMMUNITY_KEY)
    return store


def test_a_hired_candidate_applying_again_is_reassessed_as_the_detectors_assess_it(
    world: Path, tmp_path: Path
) -> None:
    """A hire names its candidate, so a new application under a hired candidate's id (a
    network member's, with the same name and claimed home) ties the hire to it too: the
    identity holds that hire already, and the plain way takes it, as the detectors do."""
    ruleset = _without_referrals(tmp_path)
    store = _assessed_copy(world / "base.db", tmp_path, ruleset)
    try:
        now = _start(store)
        with store.engine.connect() as conn:
            hired = set(conn.execute(sa.text("SELECT company_id, candidate_id FROM hires")).all())
        source = SourceFile(world / "input" / "applications" / "part-0001.jsonl", display="in")
        again = [
            replace(app, application_id=f"again-{app.application_id}")
            for app in get_format("applications").adapter(source, IngestContext())
            if isinstance(app, Application) and (app.company_id, app.candidate_id) in hired
        ]
        taken = 0
        for i, application in enumerate(again[:40]):
            at = now + timedelta(minutes=i)
            identity = _screened(store, application, ScorerCache(), at)
            args = {"now": at, "ruleset": ruleset, "community_key": COMMUNITY_KEY}
            done = reassess_identity(store, identity, [join_key(application.key)], **args)
            expected = assess_identities(store, [identity], **args).rows
            if done is not None and done.network is not None:
                taken += 1
                assert not _differ(done.row, expected[0])
                assert not _differ(done.network, expected[1])
    finally:
        store.close()
    assert taken >= 5


@pytest.fixture(scope="module")
def borrowed_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo world where every persona presents a real applicant's name, home and profile:
    linking splits several of them from the people they borrowed from (3,000 applicants)."""
    out = tmp_path_factory.mktemp("borrowed") / "demo"
    argv = ["demo", "--size", "3000", "--seed", "5", "--out", str(out)]
    ran = CliRunner().invoke(app, [*argv, "--set", "operation.borrowed_identities=1"], env=_KEYED)
    assert ran.exit_code == 0, ran.output
    return out


def test_an_identity_split_as_borrowed_applying_again_is_reassessed_as_the_detectors_do(
    borrowed_world: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Linking splits a persona from the real person whose name and home it presents
    (a borrowed-identity edge); the detector weighs the two sides' own evidence. An
    application of either side, again under a new id, is reassessed from the stored
    evidence of both, as the detectors assess it: the persona keeps the evidence, and the
    person whose identity was borrowed never gets it."""
    world = borrowed_world
    ruleset = _without_referrals(tmp_path)
    store = _assessed_copy(world / "fauxhire.db", tmp_path, ruleset)
    try:
        now = _start(store)
        with store.engine.connect() as conn:
            tied = dict(conn.execute(sa.text(_BORROWED_APPS)).all())
        assert tied, "the demo world holds no identity split as borrowed"
        per_identity: Counter[str] = Counter()
        again = []
        for part in sorted((world / "input" / "applications").glob("*.jsonl")):
            for app in get_format("applications").adapter(SourceFile(part, "in"), IngestContext()):
                identity = tied.get(join_key(app.key)) if isinstance(app, Application) else None
                if identity is not None and per_identity[identity] < 3:
                    per_identity[identity] += 1  # each applies again up to three times
                    again.append(replace(app, application_id=f"again-{app.application_id}"))
        ways: Counter[str] = Counter()
        for i, application in enumerate(again):
            at = now + timedelta(minutes=i)
            identity = _screened(store, application, ScorerCache(), at)
            args = {"now": at, "ruleset": ruleset, "community_key": COMMUNITY_KEY}
            done = reassess_identity(store, identity, [join_key(application.key)], **args)
            expected = assess_identities(store, [identity], **args).rows
            if done is None:
                ways["declined"] += 1
                continue
            told = "borrowed-identity" in str(done.row.evidence)
            ways["borrower" if told else "not ahead"] += 1
            assert not _differ(done.row, expected[0]), (done.row, expected[0])
            if done.network is not None:
                assert not _differ(done.network, expected[1])
    finally:
        store.close()
    with capsys.disabled():
        print(f"\nborrowed ties screened again: {dict(ways)}")
    assert ways["borrower"] >= 10 and ways["not ahead"] >= 2  # both sides, told from stored


# The applications of each identity that a borrowed-identity edge ties to another.
_BORROWED_APPS = (
    "SELECT DISTINCT l.app_key, l.identity_id FROM links l JOIN link_edges e "
    "ON e.stage = 'borrowed' AND l.identity_id IN (e.a, e.b)"
)
