"""The demo world's legitimate look-alikes (world/lookalikes.py), read as the pipeline reads
them: each at its rate, each showing the tell it imitates, shared values really shared by many
unrelated people, a borrowed identity borrowed and nothing more, every knob able to turn its
look-alike off, and one seed one world."""

from __future__ import annotations

import csv
import hashlib
import math
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from fauxhire.services import resolve_joins, run_folder
from fauxhire.store import SqlStore
from fauxhire_lab.world import phrases
from fauxhire_lab.world.generate import generate
from fauxhire_lab.world.lookalikes import EASY_APPLY, HIGH_VOLUME, MAILBOX_PLACES
from fauxhire_lab.world.spec import HARD_CASE_RATES, WorldSpec

LOOKALIKES = ("high_volume", "over_employed", "mail_forwarder", "eor_payroll", "family",
              "relocated")  # fmt: skip
SPEC = WorldSpec(seed=21, legitimate=6_000, scale=0.3, operation={"borrowed_identities": 0.5})
MAILBOX_TOWNS = {f"{p.city} {p.region} {p.postcode}".lower() for p in MAILBOX_PLACES}


@dataclass(frozen=True)
class World:
    """The truth, and what the store holds, by true identity."""

    identities: dict[str, dict[str, str]]  # truth rows
    applications: dict[str, list[dict[str, Any]]]  # stored rows, in the order applied
    values: dict[int, dict[str, set[str]]]  # application id -> kind -> normalised keys
    hires: dict[str, list[dict[str, Any]]]
    signin_ips: dict[int, set[str]]  # hire id -> its sign-ins' IPs
    meeting_ips: dict[str, set[str]]

    def kind(self, kind: str) -> list[str]:
        return [i for i, r in self.identities.items() if kind in r["hard_cases"].split(";")]

    def each(self, identity: str, kind: str) -> list[set[str]]:
        """Each application's values of ``kind``, in the order applied."""
        return [self.values[a["id"]].get(kind, set()) for a in self.applications[identity]]

    def held(self, identity: str, kind: str) -> set[str]:
        return set().union(*self.each(identity, kind))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A world with every look-alike at its default rate (half the personas on a borrowed
    identity, for enough pairs), ingested and joined into SQLite, read back by true identity."""
    root = tmp_path_factory.mktemp("lookalikes")
    generate(SPEC, root / "input", root / "truth")
    db = root / "store.db"
    store = SqlStore.open(f"sqlite:///{db}")
    try:
        results = run_folder(store, root / "input", clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
        assert {r.status for r in results} == {"done"}
        assert sum(r.quarantined for r in results) == 0
        resolve_joins(store)
    finally:
        store.close()
    truth = _rows(root / "truth" / "applications.csv")
    owner = {(r["company_id"], r["application_id"]): r["identity_id"] for r in truth}
    candidate = {(r["company_id"], r["candidate_id"]): r["identity_id"] for r in truth}
    applications: dict[str, list[dict[str, Any]]] = defaultdict(list)
    values: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    hires: dict[str, list[dict[str, Any]]] = defaultdict(list)
    signin_ips: dict[int, set[str]] = defaultdict(set)
    meeting_ips: dict[str, set[str]] = defaultdict(set)
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        app_owner = {}
        for row in conn.execute("SELECT * FROM applications ORDER BY applied_at"):
            identity = owner[(row["company_id"], row["application_id"])]
            applications[identity].append(dict(row))
            app_owner[row["key"]] = identity
        for row in conn.execute("SELECT app_ref, kind, key FROM applicant_values"):
            values[row["app_ref"]][row["kind"]].add(row["key"])
        for row in conn.execute("SELECT * FROM hires"):
            hires[candidate[(row["company_id"], row["candidate_id"])]].append(dict(row))
        for row in conn.execute(
            "SELECT h.id, s.ip_address FROM signin_events s JOIN hires h ON h.key = s.hire_key"
        ):
            signin_ips[row["id"]].add(row["ip_address"])
        for row in conn.execute("SELECT app_key, ip_address FROM meeting_participants"):
            if row["app_key"] in app_owner:
                meeting_ips[app_owner[row["app_key"]]].add(row["ip_address"])
    identities = {r["identity_id"]: r for r in _rows(root / "truth" / "identities.csv")}
    return World(identities, applications, values, hires, signin_ips, meeting_ips)


def _texts(apps: list[dict[str, Any]]) -> set[str]:
    """The resumes, whitespace folded (a PDF's text wraps its lines)."""
    return {" ".join(a["resume_text"].split()) for a in apps if a["resume_text"]}


def _building(address_key: str) -> str:
    """An address key without its unit and private-mailbox numbers: the building."""
    words, kept = address_key.split(), []
    i = 0
    while i < len(words):
        if words[i] in ("unit", "pmb"):
            i += 2  # the word and its number
            continue
        kept.append(words[i])
        i += 1
    return " ".join(kept)


@pytest.mark.parametrize("kind", LOOKALIKES)
def test_each_lookalike_is_its_rate_of_legitimate_people(world: World, kind: str) -> None:
    legit = [r for r in world.identities.values() if r["population"] == "legitimate"]
    realised = len(world.kind(kind)) / len(legit)
    rate = HARD_CASE_RATES[kind]
    # Four standard errors, and a tenth for those who cannot be it (family, a victim). Families
    # come whole, two or three at a time: their count varies E[m^2] / E[m] = 2.6 times more.
    spread = 2.6 if kind == "family" else 1.0
    error = math.sqrt(spread * rate * (1 - rate) / len(legit))
    assert abs(realised - rate) < 4 * error + rate / 10


def test_high_volume_sends_one_application_everywhere_fast(world: World) -> None:
    cases = {i: world.identities[i]["hard_cases"] for i in world.kind("high_volume")}
    people = [i for i, c in cases.items() if "agency" not in c]  # the agency's contact details
    assert len(people) > 20
    for identity in people:
        apps = world.applications[identity]
        assert HIGH_VOLUME[0] <= len(apps) <= HIGH_VOLUME[1]
        assert {a["source"] for a in apps} <= set(EASY_APPLY)
        first, last = (datetime.fromisoformat(apps[i]["applied_at"]) for i in (0, -1))
        assert (last - first).days <= 60
        assert len({a["name_key"] for a in apps}) == 1
        assert len(_texts(apps)) == 1
        for kind in ("email", "phone"):
            assert len({frozenset(v) for v in world.each(identity, kind)}) == 1, kind


def test_over_employed_hold_two_or_three_jobs_from_one_home(world: World) -> None:
    payees = Counter(h["payout_account"] for rows in world.hires.values() for h in rows)
    people = world.kind("over_employed")
    assert len(people) > 50
    for identity in people:
        jobs = world.hires[identity]
        assert 2 <= len(jobs) <= 3
        assert len({h["company_id"] for h in jobs}) == len(jobs)
        assert all(h["end_date"] is None for h in jobs)  # held at once
        assert len({h["shipping_address_key"] for h in jobs}) == 1
        accounts = {h["payout_account"] for h in jobs}
        assert len(accounts) == 1
        if "eor_payroll" not in world.identities[identity]["hard_cases"]:
            assert payees[accounts.pop()] == len(jobs)  # their own
        home = set.intersection(*(world.signin_ips[h["id"]] for h in jobs))
        assert len(home) == 1  # one home IP at every employer


def _hired(world: World) -> list[tuple[str, dict[str, Any]]]:
    return [(i, h) for i, rows in world.hires.items() for h in rows]


def test_mailboxes_are_shared_by_many_unrelated_hires(world: World) -> None:
    forwarders = set(world.kind("mail_forwarder"))
    at_mailbox = [
        (i, h["shipping_address_key"])
        for i, h in _hired(world)
        if any(town in h["shipping_address_key"] for town in MAILBOX_TOWNS)
    ]
    assert {i for i, _ in at_mailbox} == forwarders  # and nobody else ships there
    buildings: dict[str, set[str]] = defaultdict(set)
    exact: dict[str, set[str]] = defaultdict(set)
    for identity, key in at_mailbox:
        buildings[_building(key)].add(identity)
        exact[key].add(identity)
    assert 3 <= len(buildings) <= len(MAILBOX_PLACES)
    assert all(len(people) >= 10 for people in buildings.values())
    # Written as mailboxes are: a building whose customers all write one address, and one
    # where each has a box of their own under the building's.
    assert max(len(people) for people in exact.values()) >= 10
    assert any(sum(_building(key) == building for key in exact) >= 10 for building in buildings)
    # Unrelated people: each their own name and email.
    names = {i: Counter(a["name_key"] for a in world.applications[i]).most_common(1)[0][0]
             for i in forwarders}  # fmt: skip
    assert len(set(names.values())) > 0.9 * len(forwarders)
    emails = [world.held(i, "email") for i in forwarders]
    assert len(set().union(*emails)) >= len(forwarders)


def test_an_employer_of_record_account_pays_tens_of_unrelated_contractors(world: World) -> None:
    contractors = set(world.kind("eor_payroll"))
    payees: dict[str, set[str]] = defaultdict(set)
    companies: dict[str, set[str]] = defaultdict(set)
    for identity, h in _hired(world):
        payees[h["payout_account"]].add(identity)
        companies[h["payout_account"]].add(h["company_id"])
    platforms = {a for a, people in payees.items() if people & contractors}
    assert len(platforms) >= 2
    for account in platforms:
        assert payees[account] <= contractors  # no one else is paid there
        assert len(payees[account]) >= 20 and len(companies[account]) >= 20
    assert set().union(*(payees[a] for a in platforms)) == contractors


def test_a_family_is_hired_apart_with_one_home_account_and_line(world: World) -> None:
    households: dict[str, set[str]] = defaultdict(set)
    for identity in world.kind("family"):
        assert world.hires[identity], identity  # each hired somewhere
        for h in world.hires[identity]:
            households[h["payout_account"]].add(identity)
    assert len(households) > 20
    for members in households.values():
        assert 2 <= len(members) <= 3
        jobs = [h for m in members for h in world.hires[m]]
        assert len({h["company_id"] for h in jobs}) > 1 or len(jobs) == 1
        assert len({h["shipping_address_key"] for h in jobs}) == 1
        home = jobs[0]["shipping_address_key"]
        given = [world.held(m, "address") for m in members]  # (a Lever export has none)
        assert all(home in addresses for addresses in given if addresses)
        assert len(set.intersection(*(world.signin_ips[h["id"]] for h in jobs))) == 1


def test_a_relocated_person_claims_a_new_home_once(world: World) -> None:
    people = world.kind("relocated")
    assert len(people) > 50
    for identity in people:
        claimed = [a["claimed_location"] for a in world.applications[identity]]
        assert sum(a != b for a, b in pairwise(claimed)) == 1, claimed


def _name(world: World, identity: str) -> str:
    """The name an identity gives most often (a slip of the keyboard aside)."""
    names = Counter(a["name_key"] for a in world.applications[identity])
    return names.most_common(1)[0][0]


def test_a_borrowed_identity_is_the_victims_name_home_and_profile_only(world: World) -> None:
    victims = world.kind("identity_theft_victim")
    assert len(victims) >= 10
    compared: Counter[str] = Counter()  # checks that had values on both sides to compare
    for victim in victims:
        persona = world.identities[victim]["identity_theft_pair"]
        truth = world.identities[persona]
        assert truth["population"] == "dprk" and truth["network_id"]
        assert truth["identity_theft_pair"] == victim
        assert "identity_theft_victim" not in truth["hard_cases"]
        assert world.identities[victim]["population"] == "legitimate"
        assert _name(world, victim) == _name(world, persona)
        assert world.held(victim, "linkedin") == world.held(persona, "linkedin") != set()
        for kind in ("email", "phone"):
            assert not world.held(victim, kind) & world.held(persona, kind), kind
        home = world.held(victim, "address")  # (a Lever export has no address)
        if home and world.held(persona, "address"):
            assert home & world.held(persona, "address")
            compared["address"] += 1
        assert not any(h["shipping_address_key"] in home for h in world.hires[persona])
        texts = {i: _texts(world.applications[i]) for i in (victim, persona)}
        assert not texts[victim] & texts[persona]
        compared["resume"] += bool(texts[victim] and texts[persona])
        assert not world.meeting_ips[victim] & world.meeting_ips[persona]
        compared["egress"] += bool(world.meeting_ips[victim] and world.meeting_ips[persona])
    # Few victims reach a logged meeting, so egress is compared on fewer pairs.
    assert compared["address"] >= 3 and compared["resume"] >= 3 and compared["egress"], compared


def test_common_resume_lines_are_common_to_both_populations(world: World) -> None:
    stock = set(phrases.STOCK)
    holders: dict[str, Counter[str]] = {"legitimate": Counter(), "dprk": Counter()}
    for identity, apps in world.applications.items():
        lines = {
            line.strip()
            for a in apps
            if a["resume_text"]
            for line in a["resume_text"].splitlines()
            if line.strip() in stock
        }
        holders[world.identities[identity]["population"]].update(lines)
    legit = sum(r["population"] == "legitimate" for r in world.identities.values())
    commonest = [line for line, _ in holders["legitimate"].most_common(10)]
    assert holders["legitimate"][commonest[0]] > 0.1 * legit  # in many people's resumes
    assert any(holders["dprk"][line] for line in commonest)  # and in personas' too
    # A stock line a persona presents is, nearly always, one legitimate people present too.
    personas_lines = list(holders["dprk"])
    assert len(personas_lines) >= 5  # (a network's personas share one template's lines)
    assert sum(holders["legitimate"][line] > 0 for line in personas_lines) >= 0.8 * len(
        personas_lines
    )


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_lookalikes_other_seed_other(tmp_path: Path) -> None:
    rates = dict.fromkeys(LOOKALIKES, 0.1)
    spec = WorldSpec(
        seed=5,
        legitimate=800,
        scale=0.05,
        hard_case_rates=rates,
        operation={"stealth": 0.5, "borrowed_identities": 0.5},
    )
    digests = []
    for name, each in (("a", spec), ("b", spec), ("c", spec.model_copy(update={"seed": 6}))):
        generate(each, tmp_path / name / "in", tmp_path / name / "truth")
        digests.append(_digest(tmp_path / name))
    assert digests[0] == digests[1] != digests[2]
