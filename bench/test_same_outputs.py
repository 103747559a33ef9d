"""bench/same_outputs' comparisons on outputs small enough to check by hand.

.venv/bin/python -m pytest bench/test_same_outputs.py
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from compare_outputs import (
    ONLY_FIRST,
    ONLY_THIS,
    compare_assessments,
    compare_links,
    compare_report,
    flatten,
    read_assessments,
    read_links,
    read_report,
)

# Applications a1 a2 a3 are identity i-1 in network n-1; b1 is i-2 in n-1; c1 is i-3 alone.
LINKS = {
    "a1": ("i-1", "n-1"),
    "a2": ("i-1", "n-1"),
    "a3": ("i-1", "n-1"),
    "b1": ("i-2", "n-1"),
    "c1": ("i-3", None),
}


def links(assignment: dict[str, tuple[str, str | None]]) -> pl.DataFrame:
    apps = list(assignment)
    return pl.DataFrame({
        "company_id": ["c-1"] * len(apps),
        "application_id": apps,
        "candidate_id": [f"cand-{app}" for app in apps],
        "identity_id": [identity for identity, _ in assignment.values()],
        "network_id": [network for _, network in assignment.values()],
    })  # fmt: skip


def evidence(*indicators: str) -> str:
    return json.dumps([{"indicator": name, "weight": 1.0} for name in indicators])


def assessments(
    levels: dict[str, str] | None = None, probabilities: dict[str, float] | None = None
) -> pl.DataFrame:
    rows = {"i-1": ("n-1", 0.97), "i-2": ("n-1", 0.9), "i-3": (None, 0.01)}
    levels = {"i-1": "almost certain", "i-2": "very likely", "i-3": "remote"} | (levels or {})
    probabilities = probabilities or {}
    return pl.DataFrame({
        "identity_id": list(rows),
        "network_id": [network for network, _ in rows.values()],
        "probability": [probabilities.get(i, p) for i, (_, p) in rows.items()],
        "level": [levels[i] for i in rows],
        "evidence": [evidence("a", "b"), evidence("b"), evidence()],
        "ruleset": ["r@1"] * 3,
        "ruleset_hash": ["sha256:0"] * 3,
    })  # fmt: skip


REPORT = {
    "about": {"generated_at": "2026-12-05T06:33:26+00:00", "ruleset": {"version": "r@1"}},
    "identities": 2,
    "expected_legitimate": 0.13,
    "interviews_by_country": {"US": 5, "CA": 1},
    "identity_list": [{"identity_id": "i-1", "probability": 0.97}, {"identity_id": "i-2"}],
    "sectors": [],
}


def renamed(assignment: dict[str, tuple[str, str | None]]) -> dict[str, tuple[str, str | None]]:
    """The same groupings under other ids."""
    return {
        app: (identity.replace("i-", "j-"), network and network.replace("n-", "m-"))
        for app, (identity, network) in assignment.items()
    }


def test_the_same_outputs_have_no_difference() -> None:
    found = compare_links(links(LINKS), links(LINKS))
    assert (found.rows, found.differing, found.kinds, found.first) == (5, 0, {}, [])
    found = compare_assessments(assessments(), assessments(), links(LINKS), links(LINKS))
    assert (found.rows, found.differing, found.kinds) == (3, 0, {})
    found = compare_report(flatten(REPORT), flatten(REPORT))
    assert (found.rows, found.differing) == (9, 0)  # every leaf but generated_at


def test_a_changed_level_is_a_difference() -> None:
    found = compare_assessments(
        assessments(), assessments(levels={"i-2": "likely"}), links(LINKS), links(LINKS)
    )
    assert (found.differing, found.kinds) == (1, {"level": 1})
    assert found.first == [
        {"row": "i-2: 1 application, from c-1/b1", "what": "level",
         "first": "very likely", "this": "likely"},
    ]  # fmt: skip


def test_each_kind_of_difference_is_shown_before_more_of_one() -> None:
    other_ruleset = assessments(levels={"i-3": "unlikely"}).with_columns(
        pl.lit("sha256:1").alias("ruleset_hash")
    )
    found = compare_assessments(assessments(), other_ruleset, links(LINKS), links(LINKS))
    assert found.kinds == {"level": 1, "ruleset_hash": 3}
    assert [d["what"] for d in found.first] == ["ruleset_hash", "level", "ruleset_hash",
                                                "ruleset_hash"]  # fmt: skip


def test_a_probability_counts_from_one_in_a_billion() -> None:
    nearly = assessments(probabilities={"i-1": 0.97 + 1e-10})
    moved = assessments(probabilities={"i-1": 0.97 + 1e-8})
    same = compare_assessments(assessments(), nearly, links(LINKS), links(LINKS))
    assert same.differing == 0
    found = compare_assessments(assessments(), moved, links(LINKS), links(LINKS))
    assert found.kinds == {"probability": 1}


def test_evidence_in_another_order_is_a_difference() -> None:
    reordered = assessments().with_columns(
        pl.when(pl.col("identity_id") == "i-1")
        .then(pl.lit(evidence("b", "a")))
        .otherwise(pl.col("evidence"))
        .alias("evidence")
    )
    found = compare_assessments(assessments(), reordered, links(LINKS), links(LINKS))
    assert found.kinds == {"evidence": 1}
    # Shown by the first item that differs, not the whole list.
    assert found.first == [
        {"row": "i-1: 3 applications, from c-1/a1", "what": "evidence[0]",
         "first": '{"indicator": "a", "weight": 1.0}', "this": '{"indicator": "b", "weight": 1.0}'},
    ]  # fmt: skip


def test_evidence_cut_short_is_shown_by_the_item_missing() -> None:
    shorter = assessments().with_columns(
        pl.when(pl.col("identity_id") == "i-1")
        .then(pl.lit(evidence("a")))
        .otherwise(pl.col("evidence"))
        .alias("evidence")
    )
    found = compare_assessments(assessments(), shorter, links(LINKS), links(LINKS))
    assert [(d["what"], d["this"]) for d in found.first] == [("evidence[1]", None)]


def test_other_ids_for_the_same_groups_are_an_id_difference_only() -> None:
    found = compare_links(links(LINKS), links(renamed(LINKS)))
    assert found.kinds == {"identity_id": 5, "network_id": 4}
    assert found.first[0] == {"row": "c-1/a1", "what": "identity_id", "first": "i-1", "this": "j-1"}
    other = assessments().with_columns(
        pl.col("identity_id").str.replace("i-", "j-"), pl.col("network_id").str.replace("n-", "m-")
    )
    found = compare_assessments(assessments(), other, links(LINKS), links(renamed(LINKS)))
    assert (found.rows, found.kinds) == (3, {"identity_id": 3, "network_id": 2})


def test_an_application_moved_to_another_identity_changes_both_groups() -> None:
    # a3 leaves i-1 for i-2: a1, a2 (their identity lost a3), a3 and b1 (gained it) differ;
    # the ids of a1, a2, b1 did not change, and neither did any network.
    moved = LINKS | {"a3": ("i-2", "n-1")}
    found = compare_links(links(LINKS), links(moved))
    assert found.kinds == {"identity grouping": 4, "identity_id": 1}
    assert found.differing == 4
    assert {"row": "c-1/a3", "what": "identity grouping", "first": "i-1: 3 applications, from "
            "c-1/a1", "this": "i-2: 2 applications, from c-1/a3"} in found.first  # fmt: skip
    # Their assessments are of other sets of applications: neither matches.
    found = compare_assessments(assessments(), assessments(), links(LINKS), links(moved))
    assert found.kinds == {ONLY_FIRST: 2, ONLY_THIS: 2}


def test_an_identity_leaving_its_network_changes_the_network_groups() -> None:
    found = compare_links(links(LINKS), links(LINKS | {"b1": ("i-2", None)}))
    assert found.kinds == {"network grouping": 4, "network_id": 1}


def test_a_missing_application_is_only_in_the_first() -> None:
    fewer = {app: ids for app, ids in LINKS.items() if app != "c1"}
    found = compare_links(links(LINKS), links(fewer))
    assert (found.rows, found.kinds) == (5, {ONLY_FIRST: 1})
    assert found.first == [{"row": "c-1/c1", "what": ONLY_FIRST, "first": None, "this": None}]


def test_a_column_or_field_one_side_adds_is_a_difference() -> None:
    more = links(LINKS).with_columns(pl.lit("x").alias("source"))
    assert compare_links(links(LINKS), more).kinds == {"source": 5}
    more = assessments().with_columns(pl.lit(1.0).alias("odds"))
    found = compare_assessments(assessments(), more, links(LINKS), links(LINKS))
    assert (found.kinds, found.first[0]["this"]) == ({"odds": 3}, "1.0")


def test_the_report_ignores_its_time_of_generation_only() -> None:
    later = REPORT | {"about": REPORT["about"] | {"generated_at": "2027-01-01T00:00:00+00:00"}}
    assert compare_report(flatten(REPORT), flatten(later)).differing == 0
    changed = later | {
        "expected_legitimate": 0.13000000000001,
        "interviews_by_country": {"US": 5, "CA": 2},
        "sectors": ["51"],
    }
    found = compare_report(flatten(REPORT), flatten(changed))
    assert found.kinds == {
        "expected_legitimate": 1, "interviews_by_country": 1, ONLY_FIRST: 1, ONLY_THIS: 1,
    }  # fmt: skip
    assert {"row": "interviews_by_country.CA", "what": "interviews_by_country", "first": "1",
            "this": "2"} in found.first  # fmt: skip


def test_the_files_are_read_as_fauxhire_writes_them(tmp_path: Path) -> None:
    header = "company_id,application_id,candidate_id,identity_id,network_id"
    (tmp_path / "links.csv").write_text(f"{header}\nc-1,007,'=cmd,i-1,\n")
    assert read_links(tmp_path / "links.csv").row(0) == ("c-1", "007", "'=cmd", "i-1", None)
    line = {
        "identity_id": "i-1", "network_id": None, "probability": 0.25, "level": "unlikely",
        "evidence": [{"indicator": "b", "weight": 2.5}, {"indicator": "a", "sources": []}],
        "ruleset": "r@1", "ruleset_hash": "sha256:0", "assessed_at": "2026-12-05T06:33:25Z",
    }  # fmt: skip
    (tmp_path / "a.jsonl").write_text(json.dumps(line, separators=(",", ":")) + "\n")
    read = read_assessments(tmp_path / "a.jsonl")
    assert read.row(0, named=True) == {
        "identity_id": "i-1", "network_id": None, "probability": 0.25, "level": "unlikely",
        "evidence": json.dumps(line["evidence"], separators=(",", ":")),
        "ruleset": "r@1", "ruleset_hash": "sha256:0",
    }  # fmt: skip
    # Another time of assessment is no difference; another field is.
    later = line | {"assessed_at": "2027-01-01T00:00:00Z"}
    (tmp_path / "b.jsonl").write_text(json.dumps(later) + "\n")
    links_ = links({"a1": ("i-1", None)})
    same = compare_assessments(read, read_assessments(tmp_path / "b.jsonl"), links_, links_)
    assert (same.rows, same.differing) == (1, 0)
    (tmp_path / "c.jsonl").write_text(json.dumps(later | {"model": "v2"}) + "\n")
    found = compare_assessments(read, read_assessments(tmp_path / "c.jsonl"), links_, links_)
    assert found.kinds == {"model": 1}
    (tmp_path / "empty.jsonl").write_text("")
    assert read_assessments(tmp_path / "empty.jsonl").height == 0
    (tmp_path / "report.json").write_text(json.dumps(REPORT))
    assert read_report(tmp_path / "report.json").equals(flatten(REPORT))
