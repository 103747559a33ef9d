"""The memory store's tables as polars frames, and its assessment scope read from them.

The memory store runs the SQL stores' frame queries over frames of its rows (``pl.SQLContext``),
so both answer in the same shape. Its scoped reads (``ScopedFactReader``) read the whole frame
and keep the scope's rows: it holds a test's few hundred records, not a million.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson
import polars as pl
from sqlalchemy import BigInteger, Boolean, Float, Integer

from fauxhire.domain.normalise import name as name_norm
from fauxhire.ports import ApplicantRows, Edge, FactFrame, SinceAssessed
from fauxhire.store import schema
from fauxhire.store.applicants import applicant_rows_of_frames, partner_observables_of_frame
from fauxhire.store.scoped_facts import WHOLE

FrameReader = Callable[[str], pl.DataFrame]  # a FactFrame's name to the whole frame


def table_frame(name: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A table's rows as a frame of its columns, typed as SQLite hands them over."""
    columns = {c.name: _dtype(c) for c in schema.metadata.tables[name].columns}
    return pl.DataFrame(
        [tuple(_scalar(row.get(c)) for c in columns) for row in rows], schema=columns, orient="row"
    )


def _dtype(column: Any) -> pl.DataType:
    if isinstance(column.type, Boolean | Integer | BigInteger):
        return pl.Int64()
    return pl.Float64() if isinstance(column.type, Float) else pl.String()


def _scalar(value: Any) -> Any:
    """A value as SQLite holds it: JSON (evidence, a run's figures) as its text."""
    return orjson.dumps(value).decode() if isinstance(value, list | dict) else value


def scoped_frame(read: FrameReader, name: str, identities: Sequence[str]) -> pl.DataFrame:
    """The frame ``name`` with only the rows of ``identities``, as the SQL stores read it."""
    frame, ids = read(name), list(identities)
    if name in WHOLE:
        return frame
    if name in ("edges", "borrowed"):
        return frame.filter(pl.col("a").is_in(ids) | pl.col("b").is_in(ids))
    if name == "reports":  # every match of a report that touches the scope, as the SQL reads
        touching = frame.filter(pl.col("identity_id").is_in(ids)).get_column("source")
        return frame.filter(pl.col("source").is_in(touching.to_list()))
    if name == "buildings":  # every holder of a building the scope's hires ship to
        held = read("hires").filter(pl.col("identity_id").is_in(ids))
        return frame.filter(
            pl.col("building").is_in(held.get_column("shipping_building").to_list())
        )
    if name == "contacts":
        recs = read("applications").filter(pl.col("identity_id").is_in(ids)).get_column("rec")
        return frame.filter(pl.col("rec").is_in(recs.to_list()))
    return frame.filter(pl.col("identity_id").is_in(ids))


def assessment_scope(read: FrameReader, identities: Sequence[str], namesakes: int) -> list[str]:
    """As ``scoped_facts.assessment_scope``: network members, borrowed-identity partners and
    up to ``namesakes`` holders of each name that referred any of these, and of each name
    ``identities`` hold (the first by their applications' keys)."""
    ids = list(identities)
    apps = read("applications")
    own = apps.filter(pl.col("identity_id").is_in(ids))
    networks = own.get_column("network_id").drop_nulls().to_list()
    borrowed = read("borrowed").filter(pl.col("a").is_in(ids) | pl.col("b").is_in(ids))
    found = set(ids)
    found |= set(apps.filter(pl.col("network_id").is_in(networks))["identity_id"].to_list())
    found |= set(borrowed["a"].to_list()) | set(borrowed["b"].to_list())
    in_scope = apps.filter(pl.col("identity_id").is_in(list(found)))
    referrals = in_scope.get_column("referred_by").drop_nulls().to_list()
    names = {name_norm.key(text) for text in referrals} - {""}
    names |= set(own.get_column("name_key").drop_nulls().to_list()) - {""}
    holders = (
        apps.filter(pl.col("name_key").is_in(list(names)))
        .sort("app_key")
        .unique(["name_key", "identity_id"], keep="first", maintain_order=True)
        .group_by("name_key", maintain_order=True)
        .head(namesakes)
    )
    found |= set(holders["identity_id"].to_list())
    return sorted(found)


def copied(value: Any) -> Any:
    """A value as it reads back from JSON text, as the SQL store's does: no shared objects."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS))


def edge_row(edge: Edge) -> dict[str, Any]:
    evidence = edge.evidence
    return edge._asdict() | {
        "evidence": orjson.loads(evidence) if isinstance(evidence, str) else copied(evidence)
    }


class ScopedFrames:
    """The scoped reads of ``ScopedFactReader`` and ``ApplicantReader`` from a store's whole
    fact frames (``fact_frame``), filtered in polars: for a store with no SQL of its own."""

    def fact_frame(self, name: FactFrame) -> pl.DataFrame:
        raise NotImplementedError

    def assessment_scope(self, identities: Sequence[str], namesakes: int) -> list[str]:
        return assessment_scope(self.fact_frame, identities, namesakes)  # type: ignore[arg-type]

    def scoped_fact_frame(self, name: FactFrame, identities: Sequence[str]) -> pl.DataFrame:
        return scoped_frame(self.fact_frame, name, identities)  # type: ignore[arg-type]

    def applicant_rows(self, identity_id: str) -> ApplicantRows | None:
        return applicant_rows_of_frames(self.scoped_fact_frame, identity_id)  # type: ignore[arg-type]

    def rows_since_assessed(
        self, identity_id: str, new: Sequence[str], namesakes: int, now: datetime
    ) -> SinceAssessed | None:
        """None: a store of frames keeps no time of its assessments, so it cannot tell what
        one saw; a screen then assesses with the detectors, which read what is there now."""
        return None

    def partner_observables(
        self, emails: Sequence[str], digests: Sequence[str]
    ) -> list[tuple[str, str | None, str | None, str, str]]:
        return partner_observables_of_frame(self.fact_frame("observables"), emails, digests)
