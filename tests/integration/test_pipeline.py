"""The pipeline `run` and `demo` share (services/pipeline.py), and the judgement-then-relink
use case of `judge` (services/relink.py), called as the API will call them: on a generated
input folder in a real SQLite store, with no command line in between."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.errors import RuleError
from fauxhire.services import judge, store_stats
from fauxhire.services.assess import load_ruleset
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import Plan, ReportRequest, run_pipeline
from fauxhire.services.relink import judge_and_relink
from fauxhire.store import SqlStore, Store
from fauxhire.store.outputs import read_assessments, read_links
from support.clock import Ticks  # tests/ is on sys.path (its conftest.py)
from support.folder import Expected, write_folder


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, Expected]:
    root = tmp_path / "input"
    return root, write_folder(root, seed=7, companies=4, candidates=60)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = SqlStore.open(f"sqlite:///{tmp_path / 'store.db'}")
    yield opened
    opened.close()


def test_every_stage_runs_in_order_on_the_folder(
    store: Store, folder: tuple[Path, Expected], tmp_path: Path
) -> None:
    root, expected = folder
    plan = Plan(Ticks(), Linker(), load_ruleset, report=ReportRequest(tmp_path / "report"))
    ran = run_pipeline(store, root, plan)
    assert {f.status for f in ran.files} == {"done"}
    assert list(ran.seconds) == ["ingest", "joins", "link", "assess", "report"]
    assert store_stats(store)["joins"] == expected.joins()
    assert sorted(ran.joins.values()) == sorted(expected.joins().values())
    assert ran.linked.applications == expected.applications == len(read_links(store))
    assert ran.assessed.identities == ran.linked.identities
    assert ran.assessed.ruleset == load_ruleset().label
    assert ran.report is not None
    assert ran.report.html == tmp_path / "report" / "report.html"
    assert ran.report.html.is_file()


def test_without_a_report_request_no_report_is_written(
    store: Store, folder: tuple[Path, Expected]
) -> None:
    ran = run_pipeline(store, folder[0], Plan(Ticks(), Linker(), load_ruleset))
    assert ran.report is None
    assert list(ran.seconds) == ["ingest", "joins", "link", "assess"]


def test_the_ruleset_is_loaded_when_assessment_starts(
    store: Store, folder: tuple[Path, Expected]
) -> None:
    """A bad ruleset fails the run where it always did: after linking, whose links stay."""

    def refused() -> LoadedRuleset:
        raise RuleError("private.yaml: the ruleset has 1 problem(s)", path="private.yaml")

    with pytest.raises(RuleError, match=r"private\.yaml"):
        run_pipeline(store, folder[0], Plan(Ticks(), Linker(), refused))
    assert len(read_links(store)) == folder[1].applications
    assert read_assessments(store) == []


def test_a_judgement_is_recorded_and_linking_shows_what_moved(
    store: Store, folder: tuple[Path, Expected]
) -> None:
    clock = Ticks()
    run_pipeline(store, folder[0], Plan(clock, Linker(), load_ruleset))
    links = read_links(store)
    sizes = Counter(link.identity_id for link in links)
    shared = next(link for link in links if sizes[link.identity_id] > 1)
    ref = f"{shared.company_id}/{shared.application_id}"

    kept = judge_and_relink(
        store, judge.split, (ref,), analyst="a", reason="r", clock=clock, linker=Linker(),
        relink=False,
    )  # fmt: skip
    assert kept.linked is None
    assert kept.after == kept.before
    assert kept.before[0].identity_id == shared.identity_id

    moved = judge_and_relink(
        store, judge.split, (ref,), analyst="a", reason="r", clock=clock, linker=Linker()
    )
    assert moved.decision.added == 0  # given above: recorded once
    assert moved.linked is not None
    assert moved.after[0].ref == ref
    assert moved.after[0].identity_id != moved.after[1].identity_id  # kept apart
