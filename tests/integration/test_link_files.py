"""Linking away from the store (issue 20): `fauxhire export records` writes the records and
judgements, `fauxhire resolve` resolves them with no store, and `fauxhire link --resolution`
finishes the run in the store, with the same identities and networks as `fauxhire link`.
A resolution that is not of the store's applications, or that predates a judgement, is
refused; a records file without a column the spec compares is refused naming it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import psycopg
import pytest
from typer.testing import CliRunner

from fauxhire.cli import app
from fauxhire.enrich.pii import Sealer
from fauxhire.errors import ConfigError
from fauxhire.link import engines, record_files
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.ports import Judgement
from fauxhire.services.link import link_store
from fauxhire.services.link_files import export_records
from fauxhire.store import SqlStore
from fauxhire.store.judgements import add_judgements

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _links(db: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT app_key, identity_id, network_id FROM links ORDER BY app_key"
        ).fetchall()


def test_a_resolution_written_away_links_the_store_as_a_run_in_it(
    demo_world: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    db = tmp_path / "store.db"
    db.write_bytes((demo_world / "fauxhire.db").read_bytes())
    url = f"sqlite:///{db}"
    records, resolved = tmp_path / "records", tmp_path / "resolved"

    exported = runner.invoke(app, ["export", "records", "--out", str(records), "--db", url])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(app, ["resolve", str(records), "--out", str(resolved)])
    assert result.exit_code == 0, result.output
    assert "identities" in result.output

    assert runner.invoke(app, ["link", "--db", url]).exit_code == 0
    in_store = _links(db)
    assert runner.invoke(app, ["link", "--db", url, "--resolution", str(resolved)]).exit_code == 0
    assert _links(db) == in_store
    assert any(row[2] for row in in_store), "the demo world has networks"
    with sqlite3.connect(db) as con:
        (audited,) = con.execute(
            "SELECT count(*) FROM audit_events WHERE action = 'link:records-export'"
        ).fetchone()
    assert audited == 1


def test_records_files_hold_the_records_exactly(demo_store: SqlStore, tmp_path: Path) -> None:
    written = export_records(demo_store, tmp_path, actor="t", purpose="test", now=NOW)
    apps = demo_store.linking_frame("applications")
    expected = application_records(apps, demo_store.linking_frame("applicant_values"))
    records, judged = record_files.read_records(str(tmp_path), IDENTITY_SPEC)
    assert written == records.height == expected.height
    ordered = expected.with_columns(
        record_files.content_order(expected, IDENTITY_SPEC).alias("order")
    )
    assert records.equals(ordered)  # unsigned(signed(x)) is x, line hashes and order too
    assert records.schema["order"] == pl.UInt64
    assert judged.together.height == judged.apart.height == 0


def test_a_stale_or_foreign_resolution_is_refused(
    demo_store: SqlStore, tmp_path: Path, pii_sealer: Sealer
) -> None:
    records, resolved = tmp_path / "records", tmp_path / "resolved"
    export_records(demo_store, records, actor="t", purpose="test", now=NOW)
    engines.engine().resolve_files(str(records), str(resolved), IDENTITY_SPEC)

    # Two applications of one linked identity judged apart after the records were written.
    clusters = pl.read_parquet(resolved / record_files.CLUSTERS / "*.parquet")
    pair = (
        clusters.group_by("cluster")
        .agg(pl.col("rec").sort().head(2))
        .filter(pl.col("rec").list.len() == 2)
        .get_column("rec")
        .to_list()[0]
    )
    keys = dict(demo_store.linking_frame("applications").select("rec", "key").iter_rows())
    with demo_store.unit_of_work():
        add_judgements(demo_store, [Judgement("apart", keys[pair[0]], keys[pair[1]], "t", "", NOW)])
    with pytest.raises(ConfigError, match="predates 1 of the analysts' judgements"):
        link_store(demo_store, now=NOW, resolution=resolved)

    # A resolution of other records: one record fewer.
    clusters.filter(pl.col("rec") != pair[0]).write_parquet(
        resolved / record_files.CLUSTERS / "part-00000.parquet"
    )
    with pytest.raises(ConfigError, match="1 stored applications are not in it"):
        link_store(demo_store, now=NOW, resolution=resolved)
    with pytest.raises(ConfigError, match=r"no run\.json"):
        link_store(demo_store, now=NOW, resolution=tmp_path / "nowhere")


def test_records_without_a_compared_column_are_refused_naming_it(
    demo_store: SqlStore, tmp_path: Path
) -> None:
    export_records(demo_store, tmp_path, actor="t", purpose="test", now=NOW)
    path = tmp_path / record_files.RECORDS
    pl.read_parquet(path).drop("emails").write_parquet(path)
    result = CliRunner().invoke(app, ["resolve", str(tmp_path), "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, ConfigError)
    assert "no column 'emails'" in str(result.exception)


def test_records_tables_are_written_to_postgresql_exactly_and_audited(
    demo_world: Path, pg_empty_url: str, tmp_path: Path
) -> None:
    """`export records --table` writes the records and judgements into PostgreSQL for Spark
    to read over JDBC (the Spark run itself: tests/conformance/test_engine.py). The rows are
    the folder's exactly, arrays and signed hashes included; the export is audited naming
    the database without its password, which appears nowhere."""
    db = tmp_path / "store.db"
    db.write_bytes((demo_world / "fauxhire.db").read_bytes())
    secret = pg_empty_url.replace("://postgres@", "://postgres:sekrit@")
    args = ["export", "records", "--table", "link_records", "--to", secret, "--db", str(db)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "records"
    assert CliRunner().invoke(app, ["export", "records", "--out", str(folder), "--db", str(db)])
    expected = pl.read_parquet(folder / record_files.RECORDS)
    with psycopg.connect(pg_empty_url) as con:
        rows = con.execute("SELECT * FROM link_records ORDER BY rec").fetchall()
        columns = [d.name for d in con.execute("SELECT * FROM link_records LIMIT 0").description]
        (judged,) = con.execute("SELECT count(*) FROM link_records_judgements").fetchone()
    table = pl.DataFrame(rows, schema=columns, orient="row").select(expected.columns)
    assert table.equals(expected.sort("rec"), null_equal=True)
    assert judged == 0
    with sqlite3.connect(db) as con:
        details = [
            d
            for (d,) in con.execute(
                "SELECT purpose FROM audit_events WHERE action = 'link:records-export'"
            )
        ]
    assert len(details) == 2 and any("table link_records in postgresql" in d for d in details)
    assert not any("sekrit" in d for d in details) and "sekrit" not in result.output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--table", "applications", "--to", "PG"], "one of the store's own tables"),
        (["--table", "Bad-Name", "--to", "PG"], "not a table name"),
        (["--table", "link_records"], "records tables are for PostgreSQL"),
        (["--table", "link_records", "--out", "DIR"], "one of --out DIR and --table NAME"),
    ],
)
def test_a_records_table_that_is_not_one_is_refused_saying_why(
    demo_world: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    db = tmp_path / "store.db"
    db.write_bytes((demo_world / "fauxhire.db").read_bytes())
    given = [str(tmp_path / "o") if a == "DIR" else a for a in args]
    given = ["postgresql://nobody@127.0.0.1:1/none" if a == "PG" else a for a in given]
    result = CliRunner().invoke(app, ["export", "records", *given, "--db", str(db)])
    assert result.exit_code != 0
    assert reason in result.output + str(result.exception)


def test_the_embedded_engine_says_records_tables_are_read_by_spark(tmp_path: Path) -> None:
    url = "postgresql://postgres:sekrit@127.0.0.1:5432/test"
    args = ["resolve", url, "--table", "link_records", "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, ConfigError)
    assert "over JDBC by the spark engine" in str(result.exception)
    assert "sekrit" not in str(result.exception)
