"""The files a linking run reads and writes when it runs away from the store: on a cluster,
where the records cannot pass through one process (docs/linking-at-scale.md, section 0).

A records folder holds ``records.parquet`` (the identity records at the seam, with their
stable order, ``fauxhire link records`` writes it; a user's own pipeline may too) and
``judgements.parquet`` (rec_a, rec_b, together: the analysts' word on pairs). A resolution
folder holds ``links`` and ``clusters`` (Parquet, one file or a folder of parts, as Spark
writes them: the ``Resolution`` frames) and ``run.json`` (the model, the blocking report and
the counts). Reading and writing them is the services' (polars) and, for records too large
for one process, the Spark engine's own; this module says what is in them, and converts.

Parquet has unsigned integers, Spark has none: in the files, the stable order (UInt64) has
its top bit flipped and is stored signed, so that signed numbers sort as the unsigned ones
did, and resume line hashes (List(UInt64), compared for equality only) are stored with the
same bits as Int64. ``signed`` and ``unsigned`` convert, exactly.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Any, Final

import polars as pl

from fauxhire.link.engine import (
    BlockingReport,
    Judgements,
    Resolution,
    ResolvedFiles,
    in_link_order,
)
from fauxhire.link.model import Model
from fauxhire.link.spec import ORDER, LinkSpec

RECORDS: Final = "records.parquet"
JUDGEMENTS: Final = "judgements.parquet"
LINKS: Final = "links"
CLUSTERS: Final = "clusters"
RUN: Final = "run.json"
JUDGEMENTS_TABLE_SUFFIX: Final = "_judgements"  # records tables: NAME and NAME_judgements
FORMAT: Final = "fauxhire-resolution/1"
_TOP_BIT: Final = 1 << 63


def signed(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with no unsigned column: the stable order flipped, line hashes reinterpreted,
    other unsigned integers widened (the module says why)."""
    fixed = []
    for name, dtype in frame.schema.items():
        if dtype == pl.UInt64 and name == ORDER:
            fixed.append((pl.col(name) ^ _TOP_BIT).reinterpret(signed=True).alias(name))
        elif dtype == pl.List(pl.UInt64):
            fixed.append(pl.col(name).list.eval(pl.element().reinterpret(signed=True)))
        elif dtype in (pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64):
            fixed.append(pl.col(name).cast(pl.Int64))
    return frame.with_columns(fixed) if fixed else frame


def unsigned(frame: pl.DataFrame) -> pl.DataFrame:
    """The records of a file as the seam holds them: ``signed`` undone."""
    fixed = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Int64 and name == ORDER:
            fixed.append(pl.col(name).reinterpret(signed=False).__xor__(_TOP_BIT).alias(name))
        elif dtype == pl.List(pl.Int64):
            fixed.append(pl.col(name).list.eval(pl.element().reinterpret(signed=False)))
    return frame.with_columns(fixed) if fixed else frame


def content_order(records: pl.DataFrame, spec: LinkSpec) -> pl.Expr:
    """A number per record, the same in every store that holds it, whatever row id it got
    there: the order windows take neighbours in. The records' ``ORDER`` column where they
    have one; else a hash of what they hold (lists in sorted order), which on a million
    applications costs 11 s."""
    if ORDER in records.columns:
        return pl.col(ORDER).alias("_order")
    columns = sorted(c for c in records.columns if c != "rec" and not c.startswith("_"))
    held = [pl.col(c).list.sort() if c in spec.list_columns else pl.col(c) for c in columns]
    return pl.struct(held).hash(seed=0).alias("_order")


def judgement_frame(judgements: Judgements) -> pl.DataFrame:
    """rec_a, rec_b, together (Boolean): both kinds of judgement in one file."""
    return pl.concat(
        [
            judgements.together.select("rec_a", "rec_b", pl.lit(True).alias("together")),
            judgements.apart.select("rec_a", "rec_b", pl.lit(False).alias("together")),
        ]
    )


def judgements_of(frame: pl.DataFrame) -> Judgements:
    """``judgement_frame`` read back."""
    pairs = frame.select(pl.col("rec_a").cast(pl.Int64), pl.col("rec_b").cast(pl.Int64))
    together = frame.get_column("together")
    return Judgements(together=pairs.filter(together), apart=pairs.filter(~together))


def run_document(
    model: Model, blocking: BlockingReport, candidates: int, engine: str
) -> dict[str, Any]:
    """What ``run.json`` holds: enough to rebuild the ``Resolution`` beside its frames."""
    return {
        "format": FORMAT,
        "engine": engine,
        "spec": [model.spec.name, model.spec.version],
        "model": model.to_json(),
        "blocking": {
            "pairs": blocking.pairs,
            "skipped_blocks": blocking.skipped_blocks,
            "skipped_records": blocking.skipped_records,
        },
        "candidate_pairs": candidates,
    }


def resolution_of(
    run: dict[str, Any], links: pl.DataFrame, clusters: pl.DataFrame, spec: LinkSpec
) -> Resolution:
    """The ``Resolution`` a resolution folder holds; a ``ValueError`` saying what is wrong
    when it is not one of ``spec``'s."""
    if run.get("format") != FORMAT:
        raise ValueError(f"not a fauxhire resolution (format {run.get('format')!r})")
    if list(run.get("spec", [])) != [spec.name, spec.version]:
        raise ValueError(
            f"resolved under spec {run.get('spec')}, not {[spec.name, spec.version]}: "
            "resolve the records again"
        )
    blocking = run["blocking"]
    return Resolution(
        model=Model.from_json(spec, run["model"]),
        links=in_link_order(links),
        clusters=clusters.select(
            pl.col("rec").cast(pl.Int64), pl.col("cluster").cast(pl.Int64)
        ).sort("rec"),
        blocking=BlockingReport(
            pairs=dict(blocking["pairs"]),
            skipped_blocks=dict(blocking["skipped_blocks"]),
            skipped_records=dict(blocking["skipped_records"]),
        ),
        candidate_pairs=int(run["candidate_pairs"]),
    )


def check_records(columns: Collection[str], spec: LinkSpec, where: str) -> None:
    """A ``ValueError`` naming the columns a records file lacks for ``spec``."""
    needed = ["rec", ORDER, *spec.columns]
    missing = [c for c in needed if c not in columns]
    if missing:
        raise ValueError(f"{where}: no column {', '.join(map(repr, missing))} (spec {spec.name})")


def write_records(
    folder: Path, records: pl.DataFrame, judgements: Judgements, spec: LinkSpec
) -> int:
    """Write a records folder: the records with their stable order, and the judgements."""
    folder.mkdir(parents=True, exist_ok=True)
    ordered = records.with_columns(content_order(records, spec).alias(ORDER))
    signed(ordered).write_parquet(folder / RECORDS)
    judgement_frame(judgements).write_parquet(folder / JUDGEMENTS)
    return records.height


def read_records(folder: str, spec: LinkSpec) -> tuple[pl.DataFrame, Judgements]:
    """A records folder's records, as the seam holds them, and its judgements (none when it
    has no judgements file)."""
    path = f"{folder}/{RECORDS}"
    if not Path(path).is_file():
        raise ValueError(f"{path}: no such records file")
    records = unsigned(pl.read_parquet(path))
    check_records(records.columns, spec, path)
    judged = Path(folder, JUDGEMENTS)
    if not judged.exists():
        return records, Judgements.none()
    return records, judgements_of(pl.read_parquet(judged))


def write_run(folder: Path, document: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RUN).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def write_resolution(folder: Path, resolution: Resolution, engine: str) -> ResolvedFiles:
    """Write a resolution folder from a ``Resolution`` held here (one part per frame)."""
    for name, frame in ((LINKS, resolution.links), (CLUSTERS, resolution.clusters)):
        (folder / name).mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / name / "part-00000.parquet")
    model = resolution.model
    write_run(folder, run_document(model, resolution.blocking, resolution.candidate_pairs, engine))
    clusters = resolution.clusters.get_column("cluster").n_unique()
    return ResolvedFiles(resolution.clusters.height, resolution.links.height, clusters, model)


def read_resolution(folder: Path, spec: LinkSpec) -> Resolution:
    """A resolution folder's ``Resolution``; a ``ValueError`` saying what is missing or wrong."""
    run_file = folder / RUN
    if not run_file.is_file():
        raise ValueError(f"{folder}: no {RUN}; not a resolution folder, or its run did not finish")
    run = json.loads(run_file.read_text(encoding="utf-8"))
    frames = [pl.read_parquet(folder / name / "*.parquet") for name in (LINKS, CLUSTERS)]
    return resolution_of(run, frames[0], frames[1], spec)
