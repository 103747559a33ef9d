"""Link one benchmark records file with fauxhire's embedded engine: our side of the comparison.

    .venv/bin/python bench/linking/fauxhire_run.py \\
        --records bench/.data/linking/febrl4.input.parquet --mode link --out /tmp/clusters.parquet

Runs in the project's environment. It reads the records (rec_id, the ten FEBRL fields and, in
link mode, source = "a" or "b"), links them with the same engine (--engine, default embedded)
and the same steps as `fauxhire link` (the engine's `resolve`: blocking, u from random pairs,
m by EM, scoring, connected components) under FEBRL_SPEC below, and writes rec_id, cluster_id
to --out. Its last line on stdout is one JSON object: {"engine", "records", "seconds",
"candidate_pairs", "threshold", "out", "stages"}, seconds being the linking itself after the
imports, as splink_run.py reports it.

The spec is fauxhire's reading of FEBRL's fields, written once and used unchanged for FEBRL 3,
FEBRL 4 and the synthetic sets. It compares what Splink's FEBRL example compares (both names,
date of birth, soc_sec_id, street number, postcode), with the same kinds of levels (exact,
then near misses), plus the first address line; names and postcodes weigh an exact agreement
by the value's rarity, as Splink's term-frequency adjustments do. Its blocking rules keep
blocks small as the records grow (README.md in this folder).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

from fauxhire.link import engines, record_files
from fauxhire.link.engine import Engine, Judgements, Resolution
from fauxhire.link.identities import IDENTITY_SPEC
from fauxhire.link.spec import Blocking, Comparison, LinkSpec

NAME_LEVELS = (1.0, 0.92, 0.88, 0.7)  # Splink's NameComparison: exact, then Jaro-Winkler


# A shared first letter says little of the names' similarity; a rule on the date and one says
# nothing of the date.
_DOB = ("date_of_birth",)


def _spec(mode: str) -> LinkSpec:
    return LinkSpec(
        name="febrl",
        version="1",
        comparisons=(
            Comparison(
                name="given_name",
                column="given_name",
                method="jaro_winkler",
                thresholds=NAME_LEVELS,
                term_frequency=True,
            ),
            Comparison(
                name="surname",
                column="surname",
                method="jaro_winkler",
                thresholds=NAME_LEVELS,
                term_frequency=True,
            ),
            # Eight digits: one edit is 0.875, two 0.75 (a day and month swapped).
            Comparison(
                name="date_of_birth",
                column="date_of_birth",
                method="levenshtein",
                thresholds=(1.0, 0.87, 0.74),
            ),
            # Seven digits: one edit 0.857, two 0.714.
            Comparison(
                name="soc_sec_id",
                column="soc_sec_id",
                method="levenshtein",
                thresholds=(1.0, 0.85, 0.71),
            ),
            Comparison(
                name="street_number",
                column="street_number",
                method="exact",
                term_frequency=True,
            ),
            Comparison(
                name="address_1",
                column="address_1",
                method="jaro_winkler",
                thresholds=(1.0, 0.9, 0.8),
            ),
            Comparison(
                name="postcode",
                column="postcode",
                method="levenshtein",
                thresholds=(1.0, 0.75),
                term_frequency=True,
            ),
        ),
        blocking=(
            # Names in either order: a swapped given name and surname is one of FEBRL's errors.
            Blocking(columns=("name_pair",), max_block=100, fixes=("given_name", "surname")),
            # A date of birth alone makes blocks that grow with the records (a day holds one
            # record in 30,000): with a first letter of either name, or both in either order,
            # or the postcode, they stay small and still catch a duplicate whose names and
            # identifiers were all mistyped.
            Blocking(columns=("date_of_birth", "given_initial"), max_block=1000, fixes=_DOB),
            Blocking(columns=("date_of_birth", "surname_initial"), max_block=1000, fixes=_DOB),
            Blocking(columns=("date_of_birth", "initials"), max_block=1000, fixes=_DOB),
            Blocking(columns=("date_of_birth", "postcode"), max_block=1000),
            Blocking(columns=("soc_sec_id",), max_block=1000),
            Blocking(columns=("street_number", "address_1"), max_block=1000),
            Blocking(columns=("postcode", "surname"), max_block=1000),
            Blocking(columns=("postcode", "given_name"), max_block=1000),
        ),
        threshold=0.5,
        random_pairs=1_000_000,
        across="source" if mode == "link" else None,
    )


def records_of(path: Path) -> pl.DataFrame:
    """The records with an integer ``rec`` and the derived blocking columns."""
    frame = pl.read_parquet(path)  # rec_id, FEBRL's ten fields, in link mode source
    given, surname = pl.col("given_name").fill_null(""), pl.col("surname").fill_null("")
    pair = pl.when(given <= surname).then(given + "|" + surname).otherwise(surname + "|" + given)
    first, last = given.str.slice(0, 1), surname.str.slice(0, 1)
    return frame.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("rec"),
        pl.when(pl.col("given_name").is_null() | pl.col("surname").is_null())
        .then(None)
        .otherwise(pair)
        .alias("name_pair"),
        first.replace("", None).alias("given_initial"),
        last.replace("", None).alias("surname_initial"),
        pl.concat_str(pl.min_horizontal(first, last), pl.max_horizontal(first, last)).alias(
            "initials"
        ),
    )


def identities(
    path: Path, seed: int, engine: Engine
) -> tuple[pl.DataFrame, pl.DataFrame, LinkSpec, Resolution]:
    """The identity stage of `fauxhire link` (services/link.py) on applications.py's records:
    resolve under IDENTITY_SPEC, then split the borrowed identities off, as the stage does
    before it numbers them. Networks, ids and writing to a store are not part of it."""
    records = pl.read_parquet(path).drop("location")  # fauxhire does not compare it
    resolution = engine.resolve(records, IDENTITY_SPEC, seed=seed)
    none = Judgements.none()
    borrowed = engine.split_borrowed(
        resolution.clusters, resolution.links, IDENTITY_SPEC, none.together
    )
    return records, borrowed.clusters, IDENTITY_SPEC, resolution


def resolved_via_files(
    engine: Engine,
    records: pl.DataFrame,
    spec: LinkSpec,
    args: argparse.Namespace,
    stages: dict[str, float],
) -> tuple[pl.DataFrame, int, Any]:
    """Write the records folder (timed as its own stage: the user's pipeline would), resolve it
    to a resolution folder, and read the clusters back: the path of `fauxhire resolve`."""
    started = time.perf_counter()
    folder = args.files.resolve()
    shutil.rmtree(folder, ignore_errors=True)
    record_files.write_records(folder / "records", records, Judgements.none(), spec)
    stages["write_records"] = time.perf_counter() - started
    written = engine.resolve_files(
        str(folder / "records"), str(folder / "out"), spec, seed=args.seed
    )
    clusters = pl.read_parquet(folder / "out" / record_files.CLUSTERS / "*.parquet")
    run = json.loads((folder / "out" / record_files.RUN).read_text())
    return clusters.select("rec", "cluster"), int(run["candidate_pairs"]), written


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=Path, required=True, help="input Parquet")
    parser.add_argument("--mode", choices=["dedupe", "link"], required=True)
    parser.add_argument("--out", type=Path, required=True, help="rec_id, cluster_id Parquet")
    parser.add_argument("--seed", type=int, default=0, help="random pairs for u")
    parser.add_argument(
        "--spec",
        choices=["febrl", "identity"],
        default="febrl",
        help="FEBRL's records, or job applications (applications.py)",
    )
    parser.add_argument(
        "--engine", choices=engines.names(), default=engines.DEFAULT, help="the linking engine"
    )
    parser.add_argument(
        "--files",
        type=Path,
        help="FEBRL spec: go through a records folder here (export's format) and the engine's "
        "resolve_files, as at scale, rather than resolve in memory",
    )
    args = parser.parse_args()
    engine = engines.engine(args.engine)
    started = time.perf_counter()
    stages: dict[str, float] = {}
    if args.spec == "identity":
        records, clusters, spec, resolution = identities(args.records, args.seed, engine)
        candidates = resolution.candidate_pairs
    else:
        records = records_of(args.records)
        stages["read"] = time.perf_counter() - started
        spec = _spec(args.mode)
        if args.files is None:
            resolution = engine.resolve(records, spec, seed=args.seed)
            clusters, candidates = resolution.clusters, resolution.candidate_pairs
        else:
            clusters, candidates, resolution = resolved_via_files(
                engine, records, spec, args, stages
            )
    stages["resolve"] = time.perf_counter() - started - sum(stages.values())
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    records.select("rec_id", "rec").join(clusters, on="rec").select(
        "rec_id", pl.col("cluster").alias("cluster_id")
    ).write_parquet(out)
    seconds = time.perf_counter() - started
    result = {
        "engine": "fauxhire",
        "records": records.height,
        "seconds": round(seconds, 2),
        "candidate_pairs": candidates,
        "threshold": spec.threshold,
        "out": str(out),
        "stages": {name: round(value, 2) for name, value in stages.items()},
        "model": resolution.model.to_json(),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
