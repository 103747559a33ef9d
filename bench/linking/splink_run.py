"""Link one benchmark records file with Splink on DuckDB: the other side of the comparison.

    bench/.venvs/splink4/bin/python bench/linking/splink_run.py \\
        --records bench/.data/linking/febrl4.input.parquet --mode link --out /tmp/clusters.parquet

Runs inside a Splink environment (bench/linking/envs.py), 4.x or 5.x: the model is the same in
both (but for one level of date of birth, see date_of_birth_comparison); the calls around it
differ. It reads the records (rec_id, the ten FEBRL fields and,
in link mode, source = "a" or "b"), trains a Fellegi-Sunter model the way Splink's own FEBRL
examples do, predicts, clusters at --threshold and writes rec_id, cluster_id to --out. Its
last line on stdout is one JSON object:

    {"engine", "splink", "duckdb", "records", "seconds", "threshold", "blocking", "out"}

where seconds is the wall time of the linking itself (load, train, predict, cluster, write),
after the imports. The model (see README.md in this folder):

- comparisons: the "detailed model" of Splink's FEBRL 4 example: NameComparison on both names
  (term-frequency adjusted), DateOfBirthComparison, Damerau-Levenshtein on soc_sec_id and
  postcode, exact street_number;
- probability two random records match: estimated from the examples' deterministic rules;
- u: random sampling of --max-pairs (1e7) pairs, unseeded unless --seed (a seed makes
  Splink 4 take half as long again over it); m: EM over two blocking rules, without term
  frequencies, as in the examples;
- predictions from --blocking rules, clustered by connected components at --threshold, 0.5
  by default: a pair is linked when the model finds a match more likely than not. Not tuned
  per dataset; on FEBRL 3, FEBRL 4 and the synthetic records any threshold from 0.3 to 0.8
  gives the same F1 within 0.001, while the 0.99 of the FEBRL 4 example costs Splink up to
  0.004 of F1 (README.md has the sweep).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from data import FIELDS  # the records' columns, as data.py writes them
from splink import ColumnExpression, DuckDBAPI, Linker, SettingsCreator, block_on

SPLINK_MAJOR = int(version("splink").split(".")[0])
SWAPPED_NAMES = "l.given_name = r.surname and l.surname = r.given_name"


# ---------------------------------------------------------------------------------------------
# The model


def prediction_rules(blocking: str) -> list[Any]:
    """Blocking rules for predictions.

    "docs" is the list of Splink's FEBRL 4 example, whole. Its block_on("postcode") is fine for
    ten thousand records and hopeless for a million (about 5e8 pairs on the synthetic set; the
    state with address_1, 5e7; every other rule under 2e7), and the example says as much: a
    larger dataset needs a further AND condition. "scalable" is that list with postcode joined
    by surname, and without state with address_1, which street_number with address_1 covers."""
    shared = [
        block_on("given_name", "surname"),
        SWAPPED_NAMES,
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("street_number", "address_1"),
    ]
    if blocking == "docs":
        return [*shared, block_on("state", "address_1"), block_on("postcode")]
    if blocking == "scalable":
        return [*shared, block_on("postcode", "surname")]
    raise ValueError(f"unknown blocking {blocking!r}")


def em_rules(blocking: str) -> list[Any]:
    """The examples train m by EM blocked on date of birth, then on postcode; at scale the
    postcode block gets the same extra condition as for predictions."""
    if blocking == "docs":
        return [block_on("date_of_birth"), block_on("postcode")]
    return [block_on("date_of_birth"), block_on("postcode", "surname")]


def date_of_birth_comparison(date_format: str = "%Y%m%d") -> Any:
    """The examples' DateOfBirthComparison on YYYYMMDD strings.

    Splink 4.0.17 forgets datetime_format in its three date-difference levels: it parses with
    %Y-%m-%d, gets null, and those levels are never met, so they go untrained and the model
    loses its near-miss dates. 5.0 passes the format on. On 4.x the levels of 4.x's own
    comparison are spelled out here with the format given to each: the fix, nothing more.
    (5.0 also changed the second fuzzy level from Damerau-Levenshtein to Levenshtein; each
    version keeps its own.)"""
    if SPLINK_MAJOR >= 5:
        return cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format=date_format,
            invalid_dates_as_null=True,
        )
    dob = ColumnExpression("date_of_birth")
    levels = [
        cll.NullLevel(dob.try_parse_date(date_format)),
        cll.ExactMatchLevel(dob).configure(label_for_charts="Exact match on date of birth"),
        cll.DamerauLevenshteinLevel(dob, 1).configure(
            label_for_charts="DamerauLevenshtein distance <= 1"
        ),
    ]
    for threshold, metric in ((1, "month"), (1, "year"), (10, "year")):
        levels.append(
            cll.AbsoluteDateDifferenceLevel(
                dob,
                input_is_string=True,
                threshold=threshold,
                metric=metric,
                datetime_format=date_format,
            ).configure(label_for_charts=f"Abs date difference <= {threshold} {metric}")
        )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="date_of_birth")


def comparisons(date_format: str = "%Y%m%d") -> list[Any]:
    """The detailed model of Splink's FEBRL 4 example. Like the example, no suburb or address:
    they move with the postcode, and counting them too would count the same evidence twice.
    The date format is the backend's own (DuckDB's strptime, Spark's datetime pattern)."""
    return [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        date_of_birth_comparison(date_format),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
    ]


# ---------------------------------------------------------------------------------------------
# The model of job applications (--model applications; applications.py writes the records)

CONTACTS = ("emails", "phones", "addresses", "handles")
LISTS = (*CONTACTS, "resume", "history")


def _jaccard_comparison(column: str, thresholds: list[float]) -> Any:
    """Jaccard similarity of two lists (the resume's distinctive lines, dated employers and
    schools), graded at fauxhire's thresholds. Splink's JaccardAtThresholds compares strings
    character by character, so the levels are spelled out in DuckDB's list functions."""
    left, right = f"{column}_l", f"{column}_r"
    share = (
        f"len(list_intersect({left}, {right})) / len(list_distinct(list_concat({left}, {right})))"
    )
    levels = [cll.NullLevel(column)]
    for threshold in thresholds:
        levels.append(
            cll.CustomLevel(f"{share} >= {threshold}").configure(
                label_for_charts=f"Jaccard >= {threshold}"
            )
        )
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=column)


def application_comparisons() -> list[Any]:
    """What fauxhire's identity spec compares (src/fauxhire/link/identities.py), in Splink's
    comparisons: the name key by Jaro-Winkler at fauxhire's thresholds, term-frequency adjusted;
    each list of contact values (emails, phones, postal addresses, profile handles) by whether
    they share one; the resume lines and the history by Jaccard at fauxhire's thresholds. Plus
    one fauxhire does not make, the claimed location, exact with term frequencies: a Splink user
    would, and it is evidence."""
    return [
        cl.JaroWinklerAtThresholds("name", [0.94, 0.85]).configure(term_frequency_adjustments=True),
        *(cl.ArrayIntersectAtSizes(column, [1]) for column in CONTACTS),
        _jaccard_comparison("resume", [0.7, 0.4, 0.15]),
        _jaccard_comparison("history", [0.99, 0.5]),
        cl.ExactMatch("location").configure(term_frequency_adjustments=True),
    ]


def application_rules() -> list[Any]:
    """Blocking for predictions, fauxhire's rules in Splink's terms: any shared email, phone,
    postal address or profile handle (arrays exploded), the same name key, and the same resume
    (its whole set of distinctive lines). fauxhire blocks on one shared resume line (or dated
    employer or school) under names that start alike, in blocks of at most 500, and compares
    each record with its next 5 in a block; without a cap that rule makes 7e7 pairs on v3
    (template lines are shared by thousands), against 2e6 or less for each rule here, so
    Splink gets the whole resume instead. fauxhire also skips blocks of more than 200 to 500
    records; Splink compares every pair of a block."""
    return [
        *(block_on(column, arrays_to_explode=[column]) for column in CONTACTS),
        block_on("name"),
        block_on("resume"),
    ]


def application_training(linker: Any, max_pairs: float, seed: int | None) -> None:
    """The prior from deterministic rules (the same name and a shared email, or a shared
    phone), assumed to find 0.7 of the matches (many of a persona's applications change email
    and phone); u by random sampling; m by EM blocked on the name (everything else varies)
    and on the same emails (the name varies)."""
    deterministic = [
        block_on("name", "emails", arrays_to_explode=["emails"]),
        block_on("name", "phones", arrays_to_explode=["phones"]),
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    # EM takes no exploded rule: the second blocks on the whole list of emails being equal.
    for rule in (block_on("name"), block_on("emails")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )


def settings(
    mode: str, blocking: str, model: str = "febrl", date_format: str = "%Y%m%d"
) -> SettingsCreator:
    if model == "applications":
        return SettingsCreator(
            unique_id_column_name="rec_id",
            link_type="dedupe_only",
            blocking_rules_to_generate_predictions=application_rules(),
            comparisons=application_comparisons(),
        )
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if mode == "link" else "dedupe_only",
        blocking_rules_to_generate_predictions=prediction_rules(blocking),
        comparisons=comparisons(date_format),
    )


def deterministic_rules(mode: str) -> tuple[list[Any], float]:
    """The rules and recall the examples give to estimate the prior match probability: FEBRL 3
    (dedupe) adds swapped names and assumes recall 0.9; FEBRL 4 (link) assumes 0.8."""
    rules: list[Any] = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    if mode == "link":
        return rules, 0.8
    return [*rules, f"{SWAPPED_NAMES} and l.date_of_birth = r.date_of_birth"], 0.9


# ---------------------------------------------------------------------------------------------
# The run


def load(con: duckdb.DuckDBPyConnection, records: Path, mode: str, model: str) -> list[str]:
    """The records as DuckDB tables, one per source: the names of the tables."""
    columns = ", ".join(("rec_id", *FIELDS))
    source = f"read_parquet('{records}')"
    if model == "applications":
        # An empty list is a missing value, as Splink's null levels expect.
        lists = ", ".join(f"nullif({c}, []) as {c}" for c in LISTS)
        columns = f"rec_id, name, name_start, location, {lists}"
    if mode == "dedupe":
        con.execute(f"create table records as select {columns} from {source}")
        return ["records"]
    tables = []
    for name in ("a", "b"):
        con.execute(
            f"create table records_{name} as select {columns} from {source} where source = '{name}'"
        )
        tables.append(f"records_{name}")
    return tables


def linker_for(con: duckdb.DuckDBPyConnection, tables: list[str], model: SettingsCreator) -> Any:
    """Splink 4 takes table names and a DuckDBAPI; Splink 5 wants the tables registered first."""
    db_api = DuckDBAPI(connection=con)
    inputs = tables[0] if len(tables) == 1 else tables
    if SPLINK_MAJOR >= 5:
        registered = [db_api.register(t, dataset_display_name=t) for t in tables]
        return Linker(registered[0] if len(registered) == 1 else registered, model)
    return Linker(inputs, model, db_api=db_api, input_table_aliases=inputs)


def train(linker: Any, mode: str, blocking: str, max_pairs: float, seed: int | None) -> None:
    rules, recall = deterministic_rules(mode)
    linker.training.estimate_probability_two_random_records_match(rules, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    for rule in em_rules(blocking):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )


def link(args: argparse.Namespace) -> int:
    """Load, train, predict, cluster, write: the number of records linked."""
    con = duckdb.connect()
    tables = load(con, args.records.resolve(), args.mode, args.model)
    linker = linker_for(con, tables, settings(args.mode, args.blocking, args.model))
    if args.model == "applications":
        application_training(linker, args.max_pairs, args.seed)
    else:
        train(linker, args.mode, args.blocking, args.max_pairs, args.seed)
    # Pairs under the clustering threshold cannot join a cluster: no need to keep them.
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy (select rec_id, cluster_id from {clusters.physical_name}) "
        f"to '{out}' (format parquet)"
    )
    return int(con.execute(f"select count(*) from {clusters.physical_name}").fetchall()[0][0])


def link_on_spark(args: argparse.Namespace) -> int:
    """The same model, trained and run the same way, on Spark in local mode (every core, the
    driver heap of fauxhire's Spark engine): Splink's SparkAPI, lineage broken by Parquet
    checkpoints as its docs advise. Writes the clusters as one Parquet file, like DuckDB."""
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    if args.mode != "dedupe" or args.model != "febrl":
        raise SystemExit("--backend spark: FEBRL-style deduplication only")
    work = args.out.resolve().with_suffix(".spark")
    records_in = pq.read_metadata(args.records.resolve()).num_rows
    # The shuffle partitions fauxhire's Spark engine sets for this many records
    # (session.fit_shuffle): twice the cores, at least 4, one per 250,000 records. Spark's
    # default of 200 would make every step of Splink's clustering write 100 tiny files on two
    # cores; its docs say to tune this setting, and both engines then run alike.
    partitions = max(2 * (os.cpu_count() or 1), 4, math.ceil(records_in / 250_000))
    spark = (
        SparkSession.builder.master("local[*]")
        .appName("splink-bench")
        .config("spark.driver.memory", "4g")
        # Splink's Jaro-Winkler and friends are Scala UDFs in a jar it ships.
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(str(work / "checkpoints"))
    records = spark.read.parquet(str(args.records.resolve())).select("rec_id", *FIELDS)
    model = settings(args.mode, args.blocking, args.model, date_format="yyyyMMdd")
    linker = Linker(records, model, db_api=SparkAPI(spark_session=spark))
    train(linker, args.mode, args.blocking, args.max_pairs, args.seed)
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    parts = work / "clusters"
    clusters.as_spark_dataframe().select("rec_id", "cluster_id").write.mode("overwrite").parquet(
        str(parts)
    )
    table = pq.read_table(parts)
    args.out.resolve().parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, args.out.resolve())
    spark.stop()
    return table.num_rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=Path, required=True, help="input Parquet")
    parser.add_argument("--mode", choices=["dedupe", "link"], required=True)
    parser.add_argument("--out", type=Path, required=True, help="rec_id, cluster_id Parquet")
    parser.add_argument("--threshold", type=float, default=0.5, help="match probability")
    parser.add_argument("--blocking", choices=["docs", "scalable"], default="docs")
    parser.add_argument(
        "--model",
        choices=["febrl", "applications"],
        default="febrl",
        help="FEBRL's fields, or job applications (applications.py)",
    )
    parser.add_argument("--max-pairs", type=float, default=1e7, help="u sampling")
    parser.add_argument("--seed", type=int, help="u sampling (default: none, see README.md)")
    parser.add_argument(
        "--backend", choices=["duckdb", "spark"], default="duckdb", help="Splink's SQL engine"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    records = link_on_spark(args) if args.backend == "spark" else link(args)
    seconds = time.perf_counter() - started
    result = {
        "engine": f"splink{SPLINK_MAJOR}",
        "splink": version("splink"),
        "duckdb": version("duckdb"),
        "backend": args.backend,
        "records": records,
        "seconds": round(seconds, 2),
        "threshold": args.threshold,
        "blocking": args.blocking,
        "model": args.model,
        "max_pairs": args.max_pairs,
        "seed": args.seed,
        "out": str(args.out.resolve()),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
