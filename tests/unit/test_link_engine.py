"""The linking core on hand-made records: levels, requirements, EM, clusters, networks."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from fauxhire.link.cluster import cluster, spanning_edges
from fauxhire.link.engines.embedded import blocking, comparison, training
from fauxhire.link.engines.embedded.networks import link_networks
from fauxhire.link.model import RuleSample, estimate, level_shares
from fauxhire.link.spec import MISSING, ORDER, Blocking, Comparison, LinkSpec, Requirement

SPEC = LinkSpec(
    name="t",
    version="1",
    comparisons=(
        Comparison(name="name", column="name", method="jaro_winkler", thresholds=(1.0, 0.9)),
        Comparison(name="email", column="emails", method="overlap", term_frequency=True),
    ),
    blocking=(Blocking(columns=("emails",)), Blocking(columns=("name",))),
    list_columns=frozenset({"emails"}),
    requirements=(Requirement(any_of=("name",), missing_passes=True),),
)

RECORDS = pl.DataFrame(
    {
        "rec": [1, 2, 3, 4],
        "name": ["ann lee", "ann leee", "bob ray", None],
        "emails": [["a@x"], ["a@x", "b@x"], ["a@x"], []],
    }
)


def test_levels_grade_similarity_and_mark_missing() -> None:
    pairs = pl.DataFrame({"rec_a": [1, 1, 1], "rec_b": [2, 3, 4]})
    compared = comparison.compare(pairs, RECORDS, SPEC, comparison.term_frequencies(RECORDS, SPEC))
    assert compared.get_column("lv_name").to_list() == [1, 0, MISSING]
    assert compared.get_column("lv_email").to_list() == [1, 1, MISSING]
    # a@x is on 3 of 4 records: its term frequency is 0.75
    assert compared.get_column("tf_email").to_list()[0] == pytest.approx(0.75)


def test_coded_lists_compare_as_the_values_do() -> None:
    # Integer codes stand for the list values when pairs are compared: the same levels and
    # the same rarity of the shared value, whatever the values were.
    spec = SPEC.model_copy(
        update={
            "comparisons": (
                *SPEC.comparisons,
                Comparison(name="history", column="history", method="jaccard", thresholds=(0.5,)),
            ),
            "list_columns": frozenset({"emails", "history"}),
        }
    )
    records = RECORDS.with_columns(
        pl.Series("history", [["x", "y"], ["y", "x", "z"], None, ["q"]]),
        pl.Series("emails", [["a@x"], ["b@x", "a@x"], ["c@x"], []]),
    )
    coded = comparison.coded_lists(records, spec)
    assert coded.get_column("emails").dtype == pl.List(pl.UInt32)
    assert coded.get_column("name").equals(records.get_column("name"))
    pairs = pl.DataFrame({"rec_a": [1, 1, 1, 2], "rec_b": [2, 3, 4, 4]})
    by_values = comparison.compare(pairs, records, spec, comparison.term_frequencies(records, spec))
    by_codes = comparison.compare(pairs, coded, spec, comparison.term_frequencies(coded, spec))
    assert by_codes.equals(by_values)
    assert by_values.get_column("lv_history").to_list() == [1, MISSING, 0, 0]


def test_blocking_finds_shared_values_and_requirements_drop_other_names() -> None:
    pairs, report = blocking.candidate_pairs(RECORDS, SPEC)
    assert set(pairs.select("rec_a", "rec_b").iter_rows()) == {(1, 2), (1, 3), (2, 3)}
    assert report.pairs["emails"] == 3
    compared = comparison.eligible(comparison.compare(pairs, RECORDS, SPEC), SPEC)
    assert set(compared.select("rec_a", "rec_b").iter_rows()) == {(1, 2)}


def test_blocks_over_the_cap_are_skipped_and_counted() -> None:
    spec = SPEC.model_copy(update={"blocking": (Blocking(columns=("emails",), max_block=2),)})
    pairs, report = blocking.candidate_pairs(RECORDS, spec)
    assert pairs.height == 0
    assert report.skipped_blocks["emails"] == 1 and report.skipped_records["emails"] == 3


def test_a_window_bounds_the_pairs_of_a_block_and_the_rest_still_count() -> None:
    # Sixty records share an email; twenty also share a name. Under a window of 2 the email
    # rule proposes 117 of its 1,770 pairs; each stands for the pairs the window left out.
    # The name rule's block of 20 is wider than 2 too, so its pairs outside both windows are
    # missing, and a pair the email window proposed is still known to share the name. Each
    # record holds something of its own (as real applications do): windows take neighbours in
    # an order of content, where identical records would sit side by side.
    count = 60
    records = pl.DataFrame(
        {
            "rec": list(range(1, count + 1)),
            "name": ["ann lee" if i % 3 == 0 else f"person {i}" for i in range(count)],
            "emails": [["a@x"]] * count,
            "job": [f"job {i}" for i in range(count)],
        }
    )
    windowed = SPEC.model_copy(
        update={
            "blocking": (
                Blocking(columns=("emails",), window=2),
                Blocking(columns=("name",), window=2),
            )
        }
    )
    pairs, report = blocking.candidate_pairs(records, windowed)
    assert report.pairs == {"emails": 117, "name": 37}
    assert pairs.get_column("represents").sum() == pytest.approx(1770, rel=0.05)
    by_pair = {(a, b): r for a, b, r in pairs.select("rec_a", "rec_b", "rules").iter_rows()}
    ann_lee = set(range(1, count + 1, 3))
    # Every pair shares the email; one of two "ann lee"s is known to share the name too,
    # whichever window proposed it.
    assert all(r & 1 for r in by_pair.values())
    named = [r for (a, b), r in by_pair.items() if a in ann_lee and b in ann_lee]
    assert len(named) >= 37 and all(r == 3 for r in named)
    everything, _ = blocking.candidate_pairs(records, SPEC)
    assert "represents" not in everything.columns  # no window: every pair, counted once
    assert everything.height == 1770


def test_windows_follow_the_stable_order_not_the_row_ids() -> None:
    # Two stores number the same twelve applications differently; each record carries the
    # same stable order (spec.ORDER, a hash of its natural key), so a window of 2 over their
    # one shared email proposes the same pairs of applications in both. The records are
    # identical but for that order, so without it nothing but the row ids could order them.
    windowed = SPEC.model_copy(
        update={"blocking": (Blocking(columns=("emails",), window=2),), "requirements": ()}
    )
    keys = [f"c-1/a-{i}" for i in range(12)]

    def proposed(recs: list[int]) -> set[frozenset[str]]:
        records = pl.DataFrame(
            {
                "rec": recs,
                "name": ["ann lee"] * 12,
                "emails": [["a@x"]] * 12,
                ORDER: [hash_of(k) for k in keys],
            }
        )
        key_of = dict(zip(recs, keys, strict=True))
        pairs, _ = blocking.candidate_pairs(records, windowed)
        return {
            frozenset((key_of[a], key_of[b])) for a, b in pairs.select("rec_a", "rec_b").iter_rows()
        }

    first = proposed(list(range(1, 13)))
    in_order = sorted(keys, key=hash_of)  # each record meets the next two in the stable order
    assert first == {
        frozenset((in_order[i], in_order[j])) for i in range(12) for j in (i + 1, i + 2) if j < 12
    }
    assert proposed(list(range(112, 100, -1))) == first
    assert proposed([5, 9, 1, 12, 3, 7, 2, 11, 4, 10, 6, 8]) == first


def hash_of(key: str) -> int:
    return int(pl.Series([key]).hash(seed=0)[0])


def test_u_sampling_stops_a_comparison_once_its_levels_are_common() -> None:
    # Half the records share one email: among random pairs every level of the email
    # comparison is common, and its u is that of the first tenth of the pairs. The names are
    # all different, so their agreement level is never seen and the name samples them all.
    rng = np.random.default_rng(5)
    records = pl.DataFrame(
        {
            "rec": list(range(400)),
            "name": [f"name {i}" for i in range(400)],
            "emails": [["a@x"] if rng.random() < 0.5 else [f"{i}@x"] for i in range(400)],
        }
    )
    spec = SPEC.model_copy(update={"random_pairs": 20_000})
    u = training.sampled_u(records, spec, seed=7)
    pairs = blocking.random_pairs(records, spec, seed=7)
    first = comparison.compare(pairs[: pairs.height // 10], records, spec)
    every = comparison.compare(pairs, records, spec)
    assert u[1] == pytest.approx(level_shares(*training.level_patterns(first, spec), spec)[1])
    assert u[0] == pytest.approx(level_shares(*training.level_patterns(every, spec), spec)[0])


def test_em_recovers_m_rule_by_rule_though_blocked_non_matches_agree() -> None:
    # Rule A blocks on c0, rule B on c1: every pair a rule proposes agrees on its column,
    # matches and non-matches alike. u from random pairs says agreeing on c0 happens 5% of
    # the time; EM over all pairs at once would take each blocked non-match for a match.
    comparisons = tuple(Comparison(name=f"c{i}", column=f"c{i}", method="exact") for i in range(3))
    spec = LinkSpec(
        name="em",
        version="1",
        comparisons=comparisons,
        blocking=(Blocking(columns=("c0",)), Blocking(columns=("c1",))),
    )
    rng = np.random.default_rng(1)
    matches = (rng.random((4000, 3)) < 0.9).astype(np.int8)
    matches = matches[(matches[:, 0] == 1) | (matches[:, 1] == 1)]
    non_a = (rng.random((20_000, 3)) < 0.05).astype(np.int8)
    non_a[:, 0] = 1
    non_b = (rng.random((20_000, 3)) < 0.05).astype(np.int8)
    non_b[:, 1] = 1

    def patterns(
        levels: np.ndarray, mask: int | list[int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        levels = levels.copy()
        if mask is not None:
            levels[:, mask] = MISSING
        distinct, counts = np.unique(levels, axis=0, return_counts=True)
        return distinct.astype(np.int8), counts.astype(np.int64)

    # Each rule sees the pairs it proposed; matches found by both count once, under rule A,
    # and those only B found are known to disagree on c0: it says nothing there.
    by_a = np.vstack([matches[matches[:, 0] == 1], non_a])
    by_b = np.vstack([matches[matches[:, 1] == 1], non_b])
    first_b = np.vstack([matches[matches[:, 0] == 0], non_b])
    random = (rng.random((100_000, 3)) < 0.05).astype(np.int8)
    u = level_shares(*patterns(random), spec)
    samples = [
        RuleSample(patterns(by_a, mask=0), patterns(by_a, mask=0)),
        RuleSample(patterns(by_b, mask=1), patterns(first_b, mask=[0, 1])),
    ]
    model = estimate(spec, samples, u, possible_pairs=1e8)
    for m in model.m:
        assert m[1] == pytest.approx(0.9, abs=0.03)
    every = len(matches) + len(non_a) + len(non_b)
    assert model.match_share == pytest.approx(len(matches) / every, rel=0.05)
    assert model.pair_prior == pytest.approx(len(matches) / 1e8, rel=0.05)
    assert model.weight(0, 1) > 3 > 0 > model.weight(0, 0)
    assert model.weight(0, MISSING) == 0.0
    # Without leaving out what each rule fixes, the blocked non-matches pass for matches.
    unmasked = [
        RuleSample(patterns(by_a), patterns(by_a)),
        RuleSample(patterns(by_b), patterns(first_b)),
    ]
    assert estimate(spec, unmasked, u, possible_pairs=1e8).match_share > 0.5


def test_pairs_remember_the_rules_that_found_them_and_train_by_rule() -> None:
    spec = SPEC.model_copy(
        update={
            "blocking": (
                Blocking(columns=("emails",)),
                Blocking(columns=("name",), trains=False),
            )
        }
    )
    records = pl.DataFrame(
        {
            "rec": [1, 2, 3],
            "name": ["ann lee", "ann lee", "bob ray"],
            "emails": [["a@x"], ["a@x"], ["a@x"]],
        }
    )
    pairs, _ = blocking.candidate_pairs(records, spec)
    assert {(a, b): r for a, b, r in pairs.iter_rows()} == {(1, 2): 3, (1, 3): 1, (2, 3): 1}
    compared = comparison.compare(pairs, records, spec)
    (by_email,) = training.training_samples(compared, spec)  # the name rule does not train
    levels, counts = by_email.proposed
    assert counts.sum() == 3
    assert (levels[:, 1] == MISSING).all()  # emails agree by construction: masked
    assert sorted(levels[:, 0].tolist()) == [0, 2]  # bob ray; ann lee twice


def test_clusters_join_chains_but_never_a_pair_judged_apart() -> None:
    a = np.array([0, 1, 3])
    b = np.array([1, 2, 4])
    weight = np.array([5.0, 1.0, 3.0])
    labels = cluster(5, a, b, weight)
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4]
    split = cluster(5, a, b, weight, apart=[(0, 2)])
    assert split[0] == split[1] != split[2]  # the weaker link (1-2) gives way
    assert split[3] == split[4]


def test_spanning_edges_keep_the_strongest_tree() -> None:
    a = np.array([0, 0, 1])
    b = np.array([1, 2, 2])
    chosen = spanning_edges(3, a, b, np.array([9.0, 1.0, 8.0]))
    assert chosen.tolist() == [0, 2]


def _observations(rows: list[tuple[int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"identity": pl.Int64, "kind": pl.String, "value": pl.String}, orient="row"
    )


def test_a_payout_account_and_a_drop_address_make_a_network_an_agency_contact_does_not() -> None:
    obs = _observations(
        [(1, "payout", "acct-9"), (2, "payout", "acct-9")]
        + [(1, "shipping", "1 farm rd"), (2, "shipping", "1 farm rd")]
        + [(10 + i, "phone", "+15550000") for i in range(20)]
        + [(10 + i, "email", "jobs@agency.test") for i in range(20)]
    )
    found = link_networks(obs)
    networks = dict(found.networks.iter_rows())
    assert networks[1] == networks[2]
    assert not any(10 <= identity < 30 for identity in networks)
    evidence = found.edges.get_column("evidence").to_list()[0]
    assert {e["kind"] for e in evidence} == {"payout", "shipping"}
    assert all(e["shared_by"] == 2 for e in evidence)


@pytest.mark.parametrize("kind", ["payout", "shipping", "phone", "egress_ip"])
def test_one_shared_value_alone_makes_no_network(kind: str) -> None:
    # An employer-of-record's pooled account, a mail-forwarding building: shared by design by
    # people who share nothing else. Only corroboration tells a farm from them.
    obs = _observations([(i, kind, "the-one-value") for i in range(1, 4)])
    assert link_networks(obs).networks.height == 0


def test_a_value_shared_by_more_than_its_cap_is_no_evidence() -> None:
    obs = _observations(
        [(i, "egress_ip", "10.0.0.1") for i in range(100)]
        + [(0, "payout", "x"), (1, "payout", "x")]
    )
    # The payout pair alone is no network, and the NAT held by a hundred adds nothing to it.
    assert link_networks(obs).networks.height == 0
    with_device = pl.concat(
        [obs, _observations([(0, "device", "DESKTOP-1"), (1, "device", "DESKTOP-1")])]
    )
    found = link_networks(with_device)
    assert found.networks.height == 2
    evidence = found.edges.get_column("evidence").to_list()[0]
    assert {e["kind"] for e in evidence} == {"payout", "device"}


def _template(operator: str, lines: int = 6) -> list[str]:
    return [f"{operator} template line {n} about scaling payment systems" for n in range(lines)]


def _strangers(count: int, start: int = 1000) -> list[tuple[int, str, str]]:
    """Identities with resume lines of their own: the store a line's rarity is measured in."""
    return [(start + n, "resume", f"a line only stranger {n} writes") for n in range(count)]


def test_a_template_of_rare_lines_under_other_names_makes_a_network() -> None:
    obs = _observations(
        [(i, "resume", line) for i in (1, 2) for line in _template("op")] + _strangers(1000)
    )
    networks = dict(link_networks(obs).networks.iter_rows())
    assert networks[1] == networks[2]


def test_common_phrasing_makes_no_network() -> None:
    # Two phrases each of fifty people's resumes: the few nats strangers share.
    phrases = ["collaborative team player with strong skills", "passionate about clean code"]
    obs = _observations(
        [(i, "resume", line) for i in range(1, 51) for line in phrases] + _strangers(1000)
    )
    assert link_networks(obs).networks.height == 0


def test_a_value_the_whole_network_holds_counts_in_full_for_joining_one_more() -> None:
    # 1..19 are one network (a chain of shared payout accounts and drop addresses); all twenty
    # share a device name; 20 shares only that and a phone with 5. Pair by pair the device
    # name (held by twenty) is weak; counted outside the network it is as rare as a pair's.
    obs = _observations(
        [(i + d, "payout", f"acct-{i}") for i in range(1, 19) for d in (0, 1)]
        + [(i + d, "shipping", f"{i} farm rd") for i in range(1, 19) for d in (0, 1)]
        + [(i, "device", "DESKTOP-OPS") for i in range(1, 21)]
        + [(5, "phone", "+15559999"), (20, "phone", "+15559999")]
    )
    networks = dict(link_networks(obs).networks.iter_rows())
    assert networks[20] == networks[1]


def test_a_common_value_stays_common_however_groups_form() -> None:
    # An agency's phone held by 60 people, two of whom a network holds, joins nobody to it.
    obs = _observations(
        [(i, "payout", "acct") for i in range(1, 4)]
        + [(i, "shipping", "1 farm rd") for i in range(1, 4)]
        + [(i, "phone", "+15550000") for i in range(2, 62)]
        + [(61, "egress_ip", "203.0.113.9"), (1, "egress_ip", "203.0.113.9")]
    )
    networks = dict(link_networks(obs).networks.iter_rows())
    assert set(networks) == {1, 2, 3}


def test_one_person_split_in_two_is_not_a_network() -> None:
    line = "a line only this person writes"
    obs = _observations(
        [
            (i, kind, value)
            for i in (1, 2)
            for kind, value in (
                ("email", "a.b@mail.test"),
                ("phone", "+15551234"),
                ("resume", line),
            )
        ]
    )
    assert link_networks(obs).networks.height == 0
    # ... but both halves join a network a second person shares an account and a farm with.
    more = pl.concat(
        [
            obs,
            _observations(
                [(2, "payout", "x"), (3, "payout", "x"), (2, "shipping", "y"), (3, "shipping", "y")]
            ),
        ]
    )
    networks = dict(link_networks(more).networks.iter_rows())
    assert networks[1] == networks[2] == networks[3]


def test_one_person_under_a_nickname_is_not_a_network() -> None:
    # A job-board applicant the identity stage split: one mailbox on twenty identities, one
    # resume, under "Anthony King" and "Tony King". One person, however many pieces.
    pieces = range(1, 21)
    obs = _observations(
        [(i, "email", "a.king@mail.test") for i in pieces]
        + [(i, "resume", line) for i in pieces for line in _template("king")]
        + _strangers(1000)
    )
    names = pl.DataFrame(
        {
            "identity": list(pieces),
            "name": ["anthony king" if i % 2 else "king tony" for i in pieces],
        }
    )
    assert link_networks(obs, names=names).networks.height == 0
    # Under names with no word in common, the same template is personas of one operator (who
    # keep a mailbox each: twenty candidates on one mailbox would be an agency's).
    strangers = names.with_columns(pl.format("persona{} p{}", "identity", "identity").alias("name"))
    templates = obs.filter(pl.col("kind") == "resume")
    assert link_networks(templates, names=strangers).networks.height == 20


def test_identities_split_apart_by_an_analyst_are_in_no_network_together() -> None:
    obs = _observations([(1, "payout", "x"), (2, "payout", "x")])
    assert link_networks(obs, apart=[(1, 2)]).networks.height == 0


def _named(pairs: dict[int, str]) -> pl.DataFrame:
    return pl.DataFrame({"identity": list(pairs), "name": list(pairs.values())})


def test_one_machine_under_unrelated_names_is_one_operator() -> None:
    obs = _observations([(1, "device", "DESKTOP-7F3K2LQ"), (2, "device", "DESKTOP-7F3K2LQ")])
    found = link_networks(obs, names=_named({1: "maria lopez", 2: "james chen"}))
    assert dict(found.networks.iter_rows()) == {1: 0, 2: 0}


@pytest.mark.parametrize(
    ("device", "names"),
    [
        ("Sarahs-MacBook-Pro", {1: "sarah jones", 2: "sarah miller"}),  # names its owners
        ("DESKTOP-7F3K2LQ", {1: "anthony king", 2: "king tony"}),  # one person, split
        ("DESKTOP-7F3K2LQ", {1: "ana silva", 2: "joao silva"}),  # a household's computer
    ],
)
def test_a_personal_machine_ties_no_one(device: str, names: dict[int, str]) -> None:
    obs = _observations([(1, "device", device), (2, "device", device)])
    assert link_networks(obs, names=_named(names)).networks.height == 0


def test_a_machine_of_unrelated_names_stays_an_operators_though_two_share_a_surname() -> None:
    # Four personas on one machine; two of them happen to be called Hall. The machine is not
    # one person's: it ties the four.
    machine = "DESKTOP-7F3K2LQ"
    obs = _observations([(i, "device", machine) for i in (1, 2, 3, 4)])
    names = {1: "nicole hall", 2: "eric hall", 3: "ryan clark", 4: "yu nguyen"}
    found = link_networks(obs, names=_named(names))
    assert set(found.networks.get_column("identity").to_list()) == {1, 2, 3, 4}
    assert found.networks.get_column("network").n_unique() == 1


def test_a_machine_whose_holders_are_all_namesakes_one_to_the_next_ties_no_one() -> None:
    # Ana and Joao Silva, and Joao's split identity under his nickname: one family's laptop.
    obs = _observations([(i, "device", "DESKTOP-7F3K2LQ") for i in (1, 2, 3)])
    names = {1: "ana silva", 2: "joao silva", 3: "joao s"}
    assert link_networks(obs, names=_named(names)).networks.height == 0


def test_an_organisation_counts_as_common_as_all_it_reaches() -> None:
    # An agency: one phone on twenty-seven candidates, a mailbox on seven of them and another
    # on seven more; each mailbox looks rare, the agency is not. With its template header a
    # mailbox would otherwise link its candidates.
    header = [f"candidate profile by ranger recruiting, part {n}" for n in range(4)]
    obs = _observations(
        [(i, "phone", "+15550000") for i in range(1, 28)]
        + [(i, "email", "jobs@ranger.test") for i in range(14, 21)]
        + [(i, "email", "cv@ranger.test") for i in range(21, 28)]
        + [(i, "resume", line) for i in range(1, 28) for line in header]
        + _strangers(1000)
    )
    assert link_networks(obs).networks.height == 0


def test_an_agencys_own_template_ties_no_candidates() -> None:
    # An agency writes its header and bullets into every candidate's resume, and submits them
    # from one phone: a template of one organisation's, no operator's.
    template = _template("agency", lines=8)
    obs = _observations(
        [(i, "phone", "+15550000") for i in range(1, 21)]
        + [(i, "resume", line) for i in range(1, 21) for line in template]
        + _strangers(1000)
    )
    assert link_networks(obs).networks.height == 0
    # The same template under twenty names with no organisation behind it: an operator's.
    alone = obs.filter(pl.col("kind") == "resume")
    assert link_networks(alone).networks.height == 20


def test_a_household_is_one_party_never_a_network_by_itself() -> None:
    # A family declaring one home shares a joint account and a connection: two families of
    # signals, and no operator.
    obs = _observations(
        [(i, "payout", "joint-acct") for i in (1, 2)]
        + [(i, "egress_ip", "203.0.113.7") for i in (1, 2)]
    )
    homes = pl.DataFrame({"identity": [1, 2], "value": ["12 elm st springfield il 62701"] * 2})
    assert link_networks(obs).networks.height == 2  # without the homes: a "network"
    assert link_networks(obs, homes=homes).networks.height == 0
    # A household a real network ties to itself is in that network, whole.
    more = pl.concat(
        [obs, _observations([(2, "device", "DESKTOP-7F3K2LQ"), (3, "device", "DESKTOP-7F3K2LQ")])]
    )
    networks = dict(link_networks(more, homes=homes).networks.iter_rows())
    assert networks[1] == networks[2] == networks[3]


def test_a_home_whose_declarers_present_one_template_is_a_farms_not_a_household() -> None:
    # Three personas give a laptop farm's address as their home and send one template of rare
    # lines under their three names: no family writes its members' resumes.
    templated = _observations(
        [(i, "resume", line) for i in (1, 2, 3) for line in _template("op")] + _strangers(1000)
    )
    homes = pl.DataFrame({"identity": [1, 2, 3], "value": ["10 farm rd glendale az 85308"] * 3})
    networks = dict(link_networks(templated, homes=homes).networks.iter_rows())
    assert networks[1] == networks[2] == networks[3]
    # A family at one address whose members share a common phrase or two stays one party.
    phrases = ["collaborative team player with strong skills", "passionate about clean code"]
    family = pl.concat(
        [
            _observations(
                [(i, "resume", line) for i in range(1, 51) for line in phrases]
                + [(i, "payout", "joint-acct") for i in (1, 2)]
                + [(i, "egress_ip", "203.0.113.7") for i in (1, 2)]
            ),
            _observations(_strangers(1000)),
        ]
    )
    assert link_networks(family, homes=homes.head(2)).networks.height == 0


@pytest.mark.parametrize(
    ("name", "random"),
    [
        ("DESKTOP-WBRVRST", True),  # Windows drew letters only: still random
        ("LAPTOP-PXVSEPV", True),
        ("DESKTOP-E9CA", False),  # too short to be Windows' own
        ("GAMING-RIGBOX", False),  # words a person chose
    ],
)
def test_windows_generated_machine_names_are_random_with_or_without_digits(
    name: str, random: bool
) -> None:
    stock = [(100 + n, "device", f"DESKTOP-{n:07d}X") for n in range(3000)]
    obs = _observations([(1, "device", name), (2, "device", name), *stock])
    assert (link_networks(obs).networks.height == 2) is random


def test_a_machine_name_that_chance_could_share_needs_corroboration() -> None:
    # "DESKTOP-E9CA" has 21 random bits: among three thousand machines, some pair shares one
    # by chance. "DESKTOP-7F3K2LQ" has 36: no pair does.
    stock = [(100 + n, "device", f"DESKTOP-{n:07d}X") for n in range(3000)]
    for name, linked in (("DESKTOP-E9CA", False), ("DESKTOP-7F3K2LQ", True)):
        obs = _observations([(1, "device", name), (2, "device", name), *stock])
        assert (link_networks(obs).networks.height == 2) is linked, name
