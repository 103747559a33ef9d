"""A reader running while `fauxhire link` writes never sees half of a run.

The link stage replaces the links, the edges of three kinds and adds the run record: one
unit of work (``OutcomeWriter.unit_of_work``). Here a real `fauxhire link` child process
writes a copy of the demo world's store whose outcomes were emptied, while this process
reads snapshots of it as fast as it can, each in one read transaction. Every snapshot must
be either the empty store (before the commit) or the whole run (after it): links without
their run, or a run without its edges, is what four separate transactions showed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

_READ = (
    "SELECT (SELECT COUNT(*) FROM links), (SELECT COUNT(DISTINCT identity_id) FROM links), "
    "(SELECT COUNT(DISTINCT network_id) FROM links), "
    "(SELECT COUNT(DISTINCT group_id) FROM link_edges WHERE stage = 'identity'), "
    "(SELECT COUNT(*) FROM link_edges WHERE stage = 'network'), "
    "(SELECT COUNT(*) FROM link_edges WHERE stage = 'borrowed'), "
    "(SELECT summary FROM link_runs ORDER BY run_id DESC LIMIT 1)"
)
# Identities with more than one application, and those of them that have no identity edge.
_UNHELD = (
    "SELECT COUNT(*) FROM (SELECT identity_id FROM links GROUP BY identity_id "
    "HAVING COUNT(*) > 1) m WHERE NOT EXISTS (SELECT 1 FROM link_edges e "
    "WHERE e.stage = 'identity' AND e.group_id = m.identity_id)"
)


class Snapshot(NamedTuple):
    links: int
    identities: int
    networks: int
    identities_with_edges: int
    network_edges: int
    borrowed_edges: int
    summary: dict[str, int] | None
    unheld: int


def _snapshot(path: Path) -> Snapshot:
    """The link outcomes as one read transaction sees them."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        conn.execute("BEGIN")
        *counts, summary = conn.execute(_READ).fetchone()
        unheld = conn.execute(_UNHELD).fetchone()[0]
        conn.execute("COMMIT")
    finally:
        conn.close()
    return Snapshot(*counts, json.loads(summary) if summary else None, unheld)


def _empty_outcomes(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for table in ("links", "link_edges", "link_runs", "assessments"):
            conn.execute(f"DELETE FROM {table}")
    conn.close()


def _problems(seen: Snapshot) -> list[str]:
    """What makes a snapshot neither the empty store nor one whole run."""
    if seen.summary is None:
        nothing = (seen.links, seen.identities_with_edges, seen.network_edges)
        return [] if nothing == (0, 0, 0) else [f"outcomes without their run: {seen}"]
    summary = seen.summary
    expected = {
        "links": (seen.links, summary["applications"]),
        "identities": (seen.identities, summary["identities"]),
        "networks": (seen.networks, summary["networks"]),
        "identities held by edges": (seen.unheld, 0),
        "network edges": (seen.network_edges > 0, summary["networks"] > 0),
    }
    return [
        f"{name}: {got} read, {want} in the run ({seen})"
        for name, (got, want) in expected.items()
        if got != want
    ]


def test_a_reader_sees_no_run_or_a_whole_run(demo_world: Path, tmp_path: Path) -> None:
    db = tmp_path / "fauxhire.db"
    shutil.copyfile(demo_world / "fauxhire.db", db)
    _empty_outcomes(db)
    assert _problems(_snapshot(db)) == []
    fauxhire = Path(sys.executable).with_name("fauxhire")
    child = subprocess.Popen(
        [str(fauxhire), "link", "--db", f"sqlite:///{db}"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    snapshots = []
    try:
        while child.poll() is None:
            snapshots.append(_snapshot(db))
            time.sleep(0.002)
    finally:
        output = child.communicate(timeout=300)[0]
    assert child.returncode == 0, output
    final = _snapshot(db)
    assert final.summary is not None and final.links == final.summary["applications"] > 0
    assert final.borrowed_edges >= 0 and final.network_edges > 0
    # Enough looks to have caught a window between four commits; each look is whole.
    assert len(snapshots) >= 20
    problems = [problem for seen in [*snapshots, final] for problem in _problems(seen)]
    assert problems == []
