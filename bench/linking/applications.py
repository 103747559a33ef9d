"""The applications of a validation world as linking records, for fauxhire and Splink alike.

    .venv/bin/python bench/linking/applications.py /tmp/val/v3-lookalikes-20k \\
        --out bench/.data/linking [--db sqlite:///some/store.db]

WORLD is a validation world's folder, holding ``world/`` (an input folder) and ``truth/``
(shared/validation/README.md). Its input folder is ingested into a store of its own,
``OUT/NAME.db``, the way ``fauxhire run`` ingests it (``run_folder``), unless --db names a store
that already holds it. The applications are then turned into records by the function ``fauxhire
link`` uses, ``fauxhire.link.identities.application_records``, so both engines compare the very
values fauxhire's identity stage compares, and written as two Parquet files:

- ``OUT/NAME.input.parquet``, all an engine is given: ``rec_id`` ("company_id/application_id"),
  ``rec`` (an integer), ``name`` (the name key: folded words, sorted), ``name_start``, the lists
  ``emails``, ``phones``, ``addresses``, ``handles`` ("linkedin:..." and "github:..."),
  ``resume`` (hashes of the resume's distinctive lines), ``history`` (employers and schools with
  their years), and ``location`` (the location the applicant claims, lower-cased), which
  fauxhire does not compare and Splink may;
- ``OUT/NAME.parquet``, the same with the truth: ``entity_id`` (persona_id for DPRK
  applications, person_id otherwise) and ``is_dprk``.

The contact values come as ``application_records`` leaves them: without the values that more
than five distinct names share (a staffing agency's phone). That is fauxhire's own cleaning,
handed to Splink too. Prints the path of the records file.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from fauxhire.link.identities import application_records
from fauxhire.services.ingest import run_folder
from fauxhire.store import SqlStore, Store
from fauxhire.store.columnar import read_columns
from fauxhire.store.frames import read_frame

# What read_frame("applications") leaves out and Splink may compare.
_EXTRA = "SELECT id AS rec, claimed_location FROM applications"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ingest(world: Path, db: Path) -> None:
    """The input folder into a fresh store, as `fauxhire run` ingests it."""
    partial = db.with_name(db.name + ".partial")
    partial.unlink(missing_ok=True)
    store = SqlStore.open(f"sqlite:///{partial}")
    started = time.perf_counter()
    try:
        run_folder(store, world / "world", clock=lambda: datetime.now(UTC))
    finally:
        store.close()
    partial.rename(db)  # only a whole ingest is reused by the next run
    say(f"ingested {world / 'world'} into {db} in {time.perf_counter() - started:.0f} s")


def records_of(store: Store) -> pl.DataFrame:
    apps = read_frame(store, "applications")
    values = read_frame(store, "applicant_values")
    extra = read_columns(
        store, _EXTRA, {"rec": pl.Int64, "claimed_location": pl.String}, "bench:extra"
    )
    records = application_records(apps, values)
    return (
        records.join(apps.select("rec", "company_id", "application_id"), on="rec")
        .join(extra, on="rec", how="left")
        .select(
            (pl.col("company_id") + "/" + pl.col("application_id")).alias("rec_id"),
            "rec",
            "name",
            "name_start",
            *(pl.col(c).fill_null([]) for c in ("emails", "phones", "addresses", "handles")),
            "resume",
            "history",
            pl.col("claimed_location").str.to_lowercase().str.strip_chars().alias("location"),
        )
        .sort("rec")
    )


def truth_of(world: Path) -> pl.DataFrame:
    """rec_id, entity_id, is_dprk: the true identity of every application."""
    ids = ("company_id", "application_id", "person_id", "persona_id")
    truth = pl.read_csv(
        world / "truth" / "applications.csv",
        columns=[*ids, "is_dprk"],
        schema_overrides=dict.fromkeys(ids, pl.String),
    )
    return truth.select(
        (pl.col("company_id") + "/" + pl.col("application_id")).alias("rec_id"),
        pl.when(pl.col("is_dprk") == 1)
        .then("persona:" + pl.col("persona_id"))
        .otherwise("person:" + pl.col("person_id"))
        .alias("entity_id"),
        (pl.col("is_dprk") == 1).alias("is_dprk"),
    )


def write(world: Path, out: Path, db: str | None) -> Path:
    name = world.name
    out.mkdir(parents=True, exist_ok=True)
    if db is None:
        path = out / f"{name}.db"
        if not path.exists():
            ingest(world, path)
        db = f"sqlite:///{path}"
    store = SqlStore.open(db)
    try:
        records = records_of(store)
    finally:
        store.close()
    truth = truth_of(world)
    labelled = records.join(truth, on="rec_id", how="left")
    unknown = labelled.get_column("entity_id").null_count()
    if unknown:
        raise SystemExit(f"{unknown} applications of the store are not in the truth")
    if labelled.height != truth.height:
        say(f"note: the truth has {truth.height:,} applications, the store {labelled.height:,}")
    target = out / f"{name}.parquet"
    labelled.write_parquet(target)
    records.write_parquet(out / f"{name}.input.parquet")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("world", type=Path, help="a folder holding world/ and truth/")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--db", help="a store already holding the world (default: OUT/NAME.db)")
    args = parser.parse_args()
    logging.basicConfig(level="WARNING")
    print(write(args.world.resolve(), args.out.resolve(), args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
