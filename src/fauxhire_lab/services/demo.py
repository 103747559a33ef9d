"""`fauxhire demo`: generate a world, run the whole pipeline on it, say what came out."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fauxhire.errors import ConfigError
from fauxhire.ports import KeyAdmin
from fauxhire.project import PROJECT_FILE
from fauxhire.services.assess import AssessSummary, load_ruleset
from fauxhire.services.file_results import FileResult
from fauxhire.services.ingest import Clock, IngestProgress
from fauxhire.services.keys import CreatedKey, create_key
from fauxhire.services.link import LinkSummary
from fauxhire.services.linker import Linker
from fauxhire.services.pipeline import IngestOptions, Plan, ReportRequest, run_pipeline
from fauxhire.services.report import WrittenReport
from fauxhire.services.stats import store_stats
from fauxhire.store import SqlStore
from fauxhire_lab.world.feeds import COMMUNITY_KEY
from fauxhire_lab.world.generate import WorldSummary, generate
from fauxhire_lab.world.spec import WorldSpec

MARKER = "world.json"  # in the truth folder: how we know a folder is a demo we may replace
# The first line of a project file the demo wrote, so the next demo may replace it and no
# demo ever replaces one a person wrote.
PROJECT_MARKER = "# Written by fauxhire demo"


@dataclass(frozen=True, slots=True)
class DemoResult:
    world: WorldSummary
    files: list[FileResult]
    joins: dict[str, int]
    stats: dict[str, Any]
    linked: LinkSummary
    assessed: AssessSummary
    report: WrittenReport


def prepare_out(out: Path) -> None:
    """Empty a previous demo's folder; refuse to touch a folder that is not one."""
    if out.exists() and any(out.iterdir()):
        if not (out / "truth" / MARKER).is_file():
            raise ConfigError(
                f"{out} exists and is not a demo folder (no truth/{MARKER}); "
                "choose another --out or remove it",
                path=str(out),
            )
        for part in ("input", "truth", "report"):
            shutil.rmtree(out / part, ignore_errors=True)
        for db in out.glob("fauxhire.db*"):
            db.unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate_world(
    spec: WorldSpec, out: Path, progress: Callable[[int], None] | None = None
) -> WorldSummary:
    return generate(spec, out / "input", out / "truth", progress=progress)


def run_world(
    store: SqlStore,
    world: WorldSummary,
    *,
    clock: Clock,
    linker: Linker,
    progress: IngestProgress | None = None,
    chunk_size: int,
) -> DemoResult:
    """Every stage that exists, in order, on the world's input folder (services/pipeline.py),
    under the shipped ruleset: the demo shows what fauxhire does out of the box."""
    plan = Plan(
        clock=clock,
        linker=linker,
        ruleset=load_ruleset,
        # The demo's partner feed hashes contact details under the demo community key
        # (tests/fixtures/samples/pii_hmac_test_vectors.json); a real deployment configures
        # its own.
        community_key=COMMUNITY_KEY,
        ingest=IngestOptions(chunk_size=chunk_size),
        # Beside the input and truth folders: the demo folder is the world and what came of it.
        report=ReportRequest(world.input_dir.parent / "report"),
    )
    ran = run_pipeline(store, world.input_dir, plan, progress=progress)
    assert ran.report is not None  # asked for above
    return DemoResult(
        world, ran.files, ran.joins, store_stats(store), ran.linked, ran.assessed, ran.report
    )


@dataclass(frozen=True, slots=True)
class ProjectNote:
    """What the demo did about the project file of the folder it ran in."""

    path: Path
    written: bool  # it names the demo's store now
    why_not: str = ""


def name_store_in_project(folder: Path, out: Path, db: str) -> ProjectNote:
    """Name the demo's store in ``folder``'s project file, so every command run there reads
    it: when the demo's folder is inside ``folder`` (`make demo`'s demo-out), and the file is
    absent or one an earlier demo wrote. A demo elsewhere, or a file a person wrote, is left
    alone, and the note says why."""
    path = folder / PROJECT_FILE
    folder, out = folder.resolve(), out.resolve()
    if not out.is_relative_to(folder):
        return ProjectNote(path, False, f"the demo folder {out} is outside {folder}")
    if path.exists() and not path.read_text(encoding="utf-8").startswith(PROJECT_MARKER):
        return ProjectNote(path, False, f"{path} was not written by a demo, so it is kept")
    prefix = f"sqlite:///{out / 'fauxhire.db'}"
    # Relative to the project file's folder: the project can move, or be read from below.
    named = f"sqlite:///{(out / 'fauxhire.db').relative_to(folder)}" if db == prefix else db
    path.write_text(
        f"{PROJECT_MARKER}, and replaced by the next one: every fauxhire command run in this\n"
        "# folder or a folder below it reads the demo's store. --db or FAUXHIRE_DB name\n"
        "# another; without this file the store is ./fauxhire.db.\n"
        f"db = {json.dumps(named)}\n",
        encoding="utf-8",
    )
    return ProjectNote(path, True)


def demo_key(store: KeyAdmin, now: datetime) -> CreatedKey:
    """An analyst's API key for the demo's store, so `fauxhire serve` answers at once. It
    expires in a week: a demo's key should not outlive the demo."""
    return create_key(
        store, name="demo analyst", role="analyst", expires_in=timedelta(days=7),
        created_by="fauxhire demo", now=now,
    )  # fmt: skip
