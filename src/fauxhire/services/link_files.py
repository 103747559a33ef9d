"""Linking away from the store: the records written out for an engine on a cluster, and the
resolution it wrote read back (docs/linking-at-scale.md, section 0).

`fauxhire export records --out DIR` writes the identity records and the analysts' judgements
(``link.record_files``), or with ``--table NAME`` the same into PostgreSQL tables for Spark
to read over JDBC (``store.record_tables``). The records hold applicants' contact details as
linking compares them, so writing them is a read of personal data, audited. `fauxhire
resolve` runs an engine over such a folder with no store. `fauxhire link --resolution DIR`
finishes the run in the store: borrowed identities, stable ids, networks and evidence, from
the identities the folder holds, which must be the store's applications exactly.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Final, Protocol

import polars as pl

from fauxhire.errors import ConfigError
from fauxhire.link import record_files
from fauxhire.link.engine import Judgements, Resolution
from fauxhire.link.identities import IDENTITY_SPEC, application_records
from fauxhire.ports import AuditEvent, AuditLog, Judgement, LinkingInputs
from fauxhire.store.database import shown_url
from fauxhire.store.record_tables import write_record_tables

ACTION: Final = "link:records-export"


class RecordsStore(LinkingInputs, AuditLog, Protocol):
    """What writing the records reads, and where its read is audited."""


def export_records(
    store: RecordsStore, folder: Path, *, actor: str, purpose: str, now: datetime
) -> int:
    """Write the store's identity records and judgements to ``folder``; one audit event."""
    records, judged = _records(store)
    written = record_files.write_records(folder, records, judged, IDENTITY_SPEC)
    subject = f"applications:{written}"
    store.append_audit(AuditEvent(actor, ACTION, subject, f"{purpose} ({folder})", now))
    return written


def export_records_table(
    store: RecordsStore, url: str, table: str, *, actor: str, purpose: str, now: datetime
) -> int:
    """Write the store's identity records and judgements as tables ``table`` and
    ``table_judgements`` of the PostgreSQL database at ``url`` (``store.record_tables``),
    for the Spark engine to read over JDBC; one audit event, naming the database without
    its password."""
    records, judged = _records(store)
    written = write_record_tables(url, table, records, judged, IDENTITY_SPEC)
    detail = f"{purpose} (table {table} in {shown_url(url)})"
    store.append_audit(AuditEvent(actor, ACTION, f"applications:{written}", detail, now))
    return written


def _records(store: RecordsStore) -> tuple[pl.DataFrame, Judgements]:
    apps = store.linking_frame("applications")
    records = application_records(apps, store.linking_frame("applicant_values"))
    return records, judged_pairs(store.judgements(), apps.select("key", "rec"))


def judged_pairs(judgements: list[Judgement], by_key: pl.DataFrame) -> Judgements:
    """Application-key judgements as record pairs (rec_a < rec_b)."""

    def frame(kind: str) -> pl.DataFrame:
        rows = [(j.a, j.b) for j in judgements if j.kind == kind]
        pairs = pl.DataFrame(rows, schema={"a": pl.String, "b": pl.String}, orient="row")
        joined = pairs.join(by_key, left_on="a", right_on="key").join(
            by_key, left_on="b", right_on="key", suffix="_b"
        )
        return joined.select(
            pl.min_horizontal("rec", "rec_b").alias("rec_a"),
            pl.max_horizontal("rec", "rec_b").alias("rec_b"),
        ).unique()

    return Judgements(together=frame("together"), apart=frame("apart"))


def stored_resolution(folder: Path, records: pl.DataFrame, judged: Judgements) -> Resolution:
    """The resolution ``folder`` holds, for these records under these judgements; a
    ``ConfigError`` saying why when it is not theirs (another store, applications stored
    or erased since, or judgements made since the records were written)."""
    try:
        resolution = record_files.read_resolution(folder, IDENTITY_SPEC)
    except (ValueError, OSError, pl.exceptions.PolarsError) as exc:
        message = f"cannot read the resolution in {folder}: {exc}"
        raise ConfigError(message, path=str(folder)) from exc
    held = resolution.clusters.get_column("rec")
    recs = records.get_column("rec")
    if held.len() != recs.len() or not held.sort().equals(recs.sort(), check_names=False):
        missing = recs.filter(~recs.is_in(held.implode())).len()
        extra = held.filter(~held.is_in(recs.implode())).len()
        raise ConfigError(
            f"the resolution in {folder} is not of this store's applications: {missing:,} "
            f"stored applications are not in it and {extra:,} of its records are not stored; "
            "write the records again (fauxhire link records) and resolve them",
            path=str(folder),
        )
    _check_judgements(folder, resolution, judged)
    return resolution


def _check_judgements(folder: Path, resolution: Resolution, judged: Judgements) -> None:
    """A judgement made after the records were written must not be lost: pairs judged
    together must link, and pairs judged apart must not."""
    links = resolution.links.select("rec_a", "rec_b")
    unlinked = judged.together.join(links, on=["rec_a", "rec_b"], how="anti").height
    clusters = resolution.clusters
    linked = (
        judged.apart.join(clusters, left_on="rec_a", right_on="rec")
        .join(clusters, left_on="rec_b", right_on="rec", suffix="_b")
        .filter(pl.col("cluster") == pl.col("cluster_b"))
        .height
    )
    if unlinked or linked:
        raise ConfigError(
            f"the resolution in {folder} predates {unlinked + linked:,} of the analysts' "
            "judgements: write the records again (fauxhire link records) and resolve them",
            path=str(folder),
        )
