"""Every linking engine, through the ``Engine`` protocol only, on one small generated world.

Parametrised over ``fauxhire.link.engines.names()``: an engine added to the registry (the
Spark engine of docs/linking-at-scale.md) runs through the same checks as the embedded one.
The world is generated (``fauxhire_lab.world``), ingested into a SQLite store and joined; its
records and network evidence are built as ``fauxhire link`` builds them, and its truth says
which applications are one person and which identities one network.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from fauxhire.errors import ConfigError
from fauxhire.link import engines, record_files
from fauxhire.link.engine import Engine, Judgements, NetworkEvidence, Resolution
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.link.networks import NETWORK_SPEC
from fauxhire.services import resolve_joins, run_folder
from fauxhire.services.network_evidence import network_evidence, sightings
from fauxhire.store import SqlStore, Store
from fauxhire.store.frames import read_frame
from fauxhire.store.record_tables import write_record_tables
from fauxhire_lab.evaluation.metrics import pairwise_scores
from fauxhire_lab.evaluation.truth import load_truth
from fauxhire_lab.world.generate import generate
from fauxhire_lab.world.spec import WorldSpec
from support.clock import Ticks  # tests/ is on sys.path (its conftest.py)

JDBC_DRIVER = Path("/usr/share/java/postgresql.jar")  # Debian's, as the Spark session adds it
NO_APART = pl.DataFrame(schema={"identity_a": pl.Int64, "identity_b": pl.Int64})


@dataclass(frozen=True)
class World:
    store: Store
    apps: pl.DataFrame  # the store's applications
    values: pl.DataFrame  # their applicant values
    records: pl.DataFrame  # application_records: what the engine links
    truth: pl.DataFrame  # rec, person (the true identity), network (the true one, or null)

    def evidence(self, clusters: pl.DataFrame) -> NetworkEvidence:
        seen = sightings(self.store, self.apps, self.values)
        return network_evidence(seen, self.apps, self.values, clusters)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("conformance")
    # 1,200 applications, a third of them of one operation's personas: seconds to link.
    generate(WorldSpec(seed=3, legitimate=400, scale=0.05), root / "input", root / "truth")
    store = SqlStore.open(f"sqlite:///{root / 'fauxhire.db'}")
    try:
        run_folder(store, root / "input", clock=Ticks(), workers=1)
        resolve_joins(store)
        apps = read_frame(store, "applications")
        values = read_frame(store, "applicant_values")
        truth = apps.select("rec", "company_id", "application_id").join(
            load_truth(root / "truth").applications, on=["company_id", "application_id"]
        )
        yield World(
            store,
            apps,
            values,
            application_records(apps, values),
            truth.select("rec", pl.col("identity_id").alias("person"), "network_id"),
        )
    finally:
        store.close()


@pytest.fixture(
    params=[
        pytest.param(name, marks=pytest.mark.spark) if name == "spark" else name
        for name in engines.names()
    ]
)
def engine(request: pytest.FixtureRequest) -> Engine:
    return engines.engine(request.param)


def _cluster_of(clusters: pl.DataFrame) -> dict[int, int]:
    return dict(clusters.select("rec", "cluster").iter_rows())


def _pair(a: int, b: int) -> pl.DataFrame:
    return pl.DataFrame({"rec_a": [min(a, b)], "rec_b": [max(a, b)]})


# One resolution per engine for the tests that only read it: a Spark run of this world takes
# tens of seconds, most of it the fixed cost of its stages.
_RESOLVED: dict[str, tuple[Resolution, pl.DataFrame]] = {}


def _identities(engine: Engine, world: World) -> tuple[Resolution, pl.DataFrame]:
    """The resolution and its clusters with borrowed identities split off, as `link` does
    (once per engine and world: ``_resolved`` runs it again)."""
    key = f"{engine.name}:{id(world)}"
    if key not in _RESOLVED:
        _RESOLVED[key] = _resolved(engine, world)
    return _RESOLVED[key]


def _resolved(engine: Engine, world: World) -> tuple[Resolution, pl.DataFrame]:
    resolution = engine.resolve(world.records, IDENTITY_SPEC, seed=0)
    none = Judgements.none()
    split = engine.split_borrowed(
        resolution.clusters, resolution.links, IDENTITY_SPEC, none.together, world.records
    )
    return resolution, split.clusters


def test_identities_are_the_people_the_world_holds(engine: Engine, world: World) -> None:
    resolution, clusters = _identities(engine, world)
    recs = world.records.get_column("rec").sort()
    assert clusters.get_column("rec").sort().equals(recs)  # every record once
    links = resolution.links
    assert links.filter(pl.col("rec_a") >= pl.col("rec_b")).height == 0
    assert links.get_column("probability").min() >= IDENTITY_SPEC.threshold  # type: ignore[operator]
    assert resolution.candidate_pairs >= links.height > 0
    assert resolution.model.spec == IDENTITY_SPEC
    items = world.truth.join(clusters, on="rec").select(
        pl.col("person").alias("truth"), pl.col("cluster").alias("predicted")
    )
    scores = pairwise_scores(items)
    assert scores.precision >= 0.99 and scores.recall >= 0.95, scores
    # The strongest links that hold each cluster: a tree of n - 1 links for n records.
    within = links.join(clusters, left_on="rec_a", right_on="rec").join(
        clusters, left_on="rec_b", right_on="rec", suffix="_b"
    )
    within = within.filter(pl.col("cluster") == pl.col("cluster_b"))
    tree = engine.spanning_links(within, clusters.get_column("rec"))
    assert tree.height == clusters.height - clusters.get_column("cluster").n_unique()


def test_pairs_judged_together_and_apart_end_as_judged(engine: Engine, world: World) -> None:
    """One run with both kinds of judgement (a Spark run is tens of seconds): two people the
    engine keeps apart, judged together, end in one identity; two linked records judged
    apart end in two, and their link is gone."""
    resolution, _ = _identities(engine, world)
    cluster_of = _cluster_of(resolution.clusters)
    a, b = world.truth.unique("person", keep="first").sort("rec").get_column("rec").head(2)
    assert cluster_of[a] != cluster_of[b]
    c, d = resolution.links.sort("rec_a", "rec_b").row(0)[:2]
    assert cluster_of[c] == cluster_of[d]
    assert not {a, b} & {c, d}
    judged = Judgements(together=_pair(a, b), apart=_pair(c, d))
    after = engine.resolve(world.records, IDENTITY_SPEC, seed=0, judgements=judged)
    clustered = _cluster_of(after.clusters)
    assert clustered[a] == clustered[b]
    assert clustered[c] != clustered[d]
    assert after.links.join(_pair(c, d), on=["rec_a", "rec_b"]).height == 0
    together = after.links.join(_pair(a, b), on=["rec_a", "rec_b"])
    assert together.get_column("weight").to_list() == [float("inf")]


def test_networks_are_the_operators_identities(engine: Engine, world: World) -> None:
    _, clusters = _identities(engine, world)
    found = engine.group_networks(world.evidence(clusters), NO_APART, NETWORK_SPEC)
    networks = found.networks
    assert networks.height >= 2 and networks.get_column("identity").is_unique().all()
    edges = found.edges
    assert (
        edges.height > 0 and edges.filter(pl.col("identity_a") >= pl.col("identity_b")).is_empty()
    )
    network_of = dict(networks.iter_rows())
    assert all(
        network_of[a] == network_of[b]
        for a, b in edges.select("identity_a", "identity_b").iter_rows()
    )
    # Every identity put in a network is a persona of a true network.
    true = world.truth.join(clusters, on="rec").select(
        pl.col("cluster").alias("identity"), "network_id"
    )
    placed = networks.join(true, on="identity")
    assert placed.get_column("network_id").null_count() == 0


def test_a_member_split_from_its_network_leaves_it(engine: Engine, world: World) -> None:
    _, clusters = _identities(engine, world)
    evidence = world.evidence(clusters)
    before = engine.group_networks(evidence, NO_APART, NETWORK_SPEC).networks
    largest = before.group_by("network").len().sort("len", "network", descending=[True, False])
    members = before.filter(pl.col("network") == largest.item(0, "network")).get_column("identity")
    leaving, others = members.min(), members.filter(members != members.min()).to_list()
    apart = pl.DataFrame({"identity_a": [leaving] * len(others), "identity_b": others})
    after = dict(engine.group_networks(evidence, apart, NETWORK_SPEC).networks.iter_rows())
    assert after.get(leaving) is None or all(after.get(o) != after[leaving] for o in others)


def test_runs_are_replayed_exactly_from_record_files(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    """A second run, from a records folder to a resolution folder (``resolve_files``), gives
    the first run's model, links and clusters exactly."""
    first, clusters = _identities(engine, world)
    records, out = tmp_path / "records", tmp_path / "resolution"
    record_files.write_records(records, world.records, Judgements.none(), IDENTITY_SPEC)
    written = engine.resolve_files(str(records), str(out), IDENTITY_SPEC, seed=0)
    second = record_files.read_resolution(out, IDENTITY_SPEC)
    assert first.model == second.model == written.model
    assert (written.records, written.links) == (world.records.height, second.links.height)
    assert first.clusters.sort("rec").equals(second.clusters.sort("rec"))
    assert first.links.sort("rec_a", "rec_b").equals(second.links.sort("rec_a", "rec_b"))
    none = Judgements.none().together
    again = engine.split_borrowed(
        second.clusters, second.links, IDENTITY_SPEC, none, world.records
    ).clusters
    assert clusters.sort("rec").equals(again.sort("rec"))
    evidence = world.evidence(clusters)
    one = engine.group_networks(evidence, NO_APART, NETWORK_SPEC)
    two = engine.group_networks(evidence, NO_APART, NETWORK_SPEC)
    assert one.networks.sort("identity").equals(two.networks.sort("identity"))
    assert one.edges.sort("identity_a", "identity_b").equals(
        two.edges.sort("identity_a", "identity_b")
    )


def test_a_batch_links_as_the_full_run_did(engine: Engine, world: World) -> None:
    """A batch under the full run's model, with the store's frequencies, finds the links the
    full run found for those records."""
    resolution, _ = _identities(engine, world)
    new = world.records.select("rec").filter(pl.col("rec") % 7 == 0)
    batch = engine.link_batch(world.records, new, resolution.model, _frequencies(world.records))
    has_new = pl.col("rec_a").is_in(new.get_column("rec").implode()) | pl.col("rec_b").is_in(
        new.get_column("rec").implode()
    )
    expected = resolution.links.filter(has_new).select("rec_a", "rec_b").sort("rec_a", "rec_b")
    assert batch.links.select("rec_a", "rec_b").sort("rec_a", "rec_b").equals(expected)
    assert batch.candidate_pairs >= batch.links.height > 0


def _frequencies(records: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Per weighed column, each value's share of the records holding it (value, tf)."""
    out: dict[str, pl.DataFrame] = {}
    for comparison in IDENTITY_SPEC.comparisons:
        column = comparison.column
        if not comparison.term_frequency or column in out:
            continue
        held = records.select("rec", pl.col(column).alias("value"))
        if column in IDENTITY_SPEC.list_columns:
            held = held.explode("value").unique()
        share = (pl.len() / records.height).alias("tf")
        out[column] = held.drop_nulls().group_by("value").agg(share)
    return out


def test_records_that_are_not_there_or_lack_a_column_are_refused(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    out = str(tmp_path / "out")
    with pytest.raises(ValueError, match="no such records file"):
        engine.resolve_files(str(tmp_path / "nowhere"), out, IDENTITY_SPEC)
    records = tmp_path / "records"
    lacking = world.records.drop("phones")
    record_files.write_records(records, lacking, Judgements.none(), IDENTITY_SPEC)
    with pytest.raises(ValueError, match="no column 'phones'"):
        engine.resolve_files(str(records), out, IDENTITY_SPEC)


def test_the_registry_names_its_engines_and_refuses_others() -> None:
    assert engines.DEFAULT in engines.names()
    for name in engines.names():
        try:
            made = engines.engine(name)
        except ConfigError as missing:  # its libraries are an extra not installed: it says so
            assert name != engines.DEFAULT and f"fauxhire[{name}]" in missing.message
            continue
        assert made.name == name
    with pytest.raises(ConfigError) as refused:
        engines.engine("no-such-engine")
    assert "no-such-engine" in refused.value.message
    assert all(name in refused.value.message for name in engines.names())
    assert refused.value.detail["known"] == list(engines.names())


@pytest.mark.spark
def test_records_tables_in_postgresql_are_read_over_jdbc(
    world: World, pg_empty_url: str, tmp_path: Path
) -> None:
    """Records tables in PostgreSQL (`fauxhire export records --table`), with a judgement in
    their judgements table, read by the Spark engine over JDBC, resolve as the embedded
    engine resolves the same records and judgement in memory. A missing table is named;
    the URL's password is in no message; the embedded engine says it reads no tables."""
    if not JDBC_DRIVER.is_file():
        _missing(f"no PostgreSQL JDBC driver at {JDBC_DRIVER} (make test installs it)")
    embedded = engines.engine("embedded")
    first, _ = _identities(embedded, world)
    c, d = first.links.sort("rec_a", "rec_b").row(0)[:2]
    judged = Judgements(together=Judgements.none().together, apart=_pair(c, d))
    write_record_tables(pg_empty_url, "link_records", world.records, judged, IDENTITY_SPEC)
    out = tmp_path / "resolution"
    spark = engines.engine("spark")
    written = spark.resolve_files(pg_empty_url, str(out), IDENTITY_SPEC, table="link_records")
    got = record_files.read_resolution(out, IDENTITY_SPEC)
    expected = embedded.resolve(world.records, IDENTITY_SPEC, seed=0, judgements=judged)
    assert written.records == world.records.height
    assert _cluster_of(got.clusters)[c] != _cluster_of(got.clusters)[d]
    assert _partition(got.clusters) == _partition(expected.clusters)  # the labels may differ
    pairs = ["rec_a", "rec_b"]
    assert got.links.select(pairs).sort(pairs).equals(expected.links.select(pairs).sort(pairs))

    secret = pg_empty_url.replace("://postgres@", "://postgres:sekrit@")
    assert "sekrit" in secret
    with pytest.raises(ValueError, match="no table 'absent'") as missing:
        spark.resolve_files(secret, str(tmp_path / "none"), IDENTITY_SPEC, table="absent")
    assert "sekrit" not in str(missing.value)
    with pytest.raises(ValueError, match="over JDBC by the spark engine"):
        embedded.resolve_files(pg_empty_url, str(tmp_path / "none"), IDENTITY_SPEC, table="x")


def _partition(clusters: pl.DataFrame) -> set[frozenset[int]]:
    grouped = clusters.group_by("cluster").agg("rec").get_column("rec")
    return {frozenset(recs) for recs in grouped.to_list()}


def _missing(reason: str) -> None:
    """Skip, saying why, unless CI requires the Spark tests (then fail)."""
    if os.environ.get("FAUXHIRE_REQUIRE_SPARK"):
        pytest.fail(reason)
    pytest.skip(reason)
