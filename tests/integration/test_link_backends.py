"""Linking gives the same identities and networks on SQLite and on PostgreSQL.

Linking reads whole tables through each backend's own fast path (driver tuples on SQLite,
Arrow over ADBC on PostgreSQL) and writes through its own bulk path (executemany, COPY); one
small world, ingested into each, must come out linked the same, in full and incrementally.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.services.increment import link_new
from fauxhire.services.link import link_store
from fauxhire.store import Store
from fauxhire.store import outputs as out

runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 600-applicant world's input folder, its canonical applications split: most now,
    the last fifth to come as a batch."""
    root = tmp_path_factory.mktemp("backends")
    result = runner.invoke(
        app, ["demo", "--size", "600", "--seed", "7", "--out", str(root / "demo")]
    )
    assert result.exit_code == 0, result.output
    folder = root / "input"
    shutil.copytree(root / "demo" / "input", folder)
    source = folder / "applications" / "part-0001.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = len(lines) * 4 // 5
    source.write_text("".join(lines[:cut]), encoding="utf-8")
    (root / "later.jsonl").write_text("".join(lines[cut:]), encoding="utf-8")
    return root


# Applications grouped by identity, and by network: ids are numbered in row order, which the
# two backends may give differently; what is linked with what must not differ.
Groups = frozenset[frozenset[tuple[str, str]]]
Linked = tuple[Groups, Groups, Groups, Groups]  # identities, networks: after --new, after full


def _linked(open_store: Callable[[str], Store], url: str, world: Path) -> Linked:
    result = runner.invoke(app, ["run", str(world / "input"), "--db", url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["ingest", "applications", str(world / "later.jsonl"), "--db", url])
    assert result.exit_code == 0, result.output
    store = open_store(url)
    batch = link_new(store)
    assert batch.applications > 0 and batch.links > 0
    incremental = out.read_links(store)
    link_store(store)
    full = out.read_links(store)
    return (
        _groups(incremental, "identity_id"),
        _groups(incremental, "network_id"),
        _groups(full, "identity_id"),
        _groups(full, "network_id"),
    )


def _groups(links: list[out.Link], by: str) -> Groups:
    members: dict[str, set[tuple[str, str]]] = {}
    for link in links:
        group = getattr(link, by)
        if group is not None:
            members.setdefault(group, set()).add((link.company_id, link.application_id))
    return frozenset(frozenset(m) for m in members.values())


def test_sqlite_and_postgresql_link_the_same(
    open_store: Callable[[str], Store], pg_url: str, tmp_path: Path, world: Path
) -> None:
    on_sqlite = _linked(open_store, f"sqlite:///{tmp_path / 'store.db'}", world)
    on_postgresql = _linked(open_store, pg_url, world)
    identities, _, full_identities, full_networks = on_sqlite
    assert sum(len(m) for m in identities) == sum(len(m) for m in full_identities) > 500
    assert any(len(m) > 1 for m in full_identities) and full_networks
    assert on_postgresql == on_sqlite
