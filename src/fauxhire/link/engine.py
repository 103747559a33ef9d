"""The linking engine seam: what the services ask of an engine, and the frames that cross it.

An engine does the linking work that grows with the data: it blocks, compares and scores pairs
of records, trains the model on them, clusters the links, splits borrowed identities off,
picks the links that show why a cluster holds, and groups identities into networks. What
stays outside every engine is data or small arithmetic: the specs (``spec``, ``identities``,
``networks``), the model's estimation from counts (``model``), the union-find that honours
"apart" judgements (``cluster``), and, in the services, the store, the ids that stay stable
across runs and the reading of a link for an analyst.

An engine reads no store or setting, and no file but those ``resolve_files`` is pointed at
(``link.record_files`` says what is in them). Frames come in, frames and the typed results below
go out, and an analyst's judgements come in as frames too, so the same run can be replayed
on any engine. Frames at the seam are polars DataFrames (what the services hold); an engine
that works elsewhere, like the Spark engine docs/linking-at-scale.md designs, converts at its
own edge. ``fauxhire.link.engines`` names the engines; every one of them passes the suite in
tests/conformance.

The frames, by their columns (the names are the contract):

- records: ``rec`` (Int64, unique) and the spec's columns: String, or a list in
  ``spec.list_columns`` (missing: null, ``""`` or an empty list). For identities,
  ``identities.application_records`` builds them.
- pairs: ``rec_a < rec_b`` (Int64).
- scored pairs: a pair, ``lv_<comparison>`` (Int8, -1 when a side is missing), the weighed
  comparisons' ``tf_<comparison>`` (Float64, the shared value's rarity), ``w_<comparison>``
  (Float64), ``weight`` (log2 odds with the prior) and ``probability``: ``level_column``,
  ``tf_column`` and ``weight_column`` spell the names.
- clusters: ``rec``, ``cluster`` (Int64): every record once; a cluster is a number, not yet an
  id (the services keep ids stable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import polars as pl

from fauxhire.domain.evidence import SharedEvidence, struct_dtype
from fauxhire.link.model import Model
from fauxhire.link.networks import NETWORK_SPEC, NetworkSpec
from fauxhire.link.spec import Comparison, LinkSpec

# What a network link is made of: per family, the value that counted and what it weighed.
NETWORK_EVIDENCE = struct_dtype(SharedEvidence)


def level_column(comparison: Comparison) -> str:
    return f"lv_{comparison.name}"


def tf_column(comparison: Comparison) -> str:
    return f"tf_{comparison.name}"


def weight_column(comparison: Comparison) -> str:
    return f"w_{comparison.name}"


def in_link_order(links: pl.DataFrame) -> pl.DataFrame:
    """Links in the order ``Resolution.links`` keeps them: the scored ones by pair, then the
    pairs judged together (infinite weight). Clustering breaks ties in weight by it."""
    return links.sort(pl.col("weight").is_infinite(), "rec_a", "rec_b")


@dataclass
class BlockingReport:
    """Per rule, the candidate pairs it proposed and the blocks skipped as too common."""

    pairs: dict[str, int] = field(default_factory=dict)
    skipped_blocks: dict[str, int] = field(default_factory=dict)
    skipped_records: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Judgements:
    """An analyst's word on pairs of records: always together, or never."""

    together: pl.DataFrame  # rec_a, rec_b
    apart: pl.DataFrame  # rec_a, rec_b

    @classmethod
    def none(cls) -> Judgements:
        empty = pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})
        return cls(together=empty, apart=empty)


@dataclass(frozen=True)
class Resolution:
    """One linking run over a set of records."""

    model: Model  # trained on these records
    # The scored pairs at or above the threshold, minus those judged apart, plus those judged
    # together (weight +inf, probability 1, no levels).
    links: pl.DataFrame
    clusters: pl.DataFrame  # rec, cluster
    blocking: BlockingReport
    candidate_pairs: int  # compared pairs that met the spec's requirements


@dataclass(frozen=True)
class ResolvedFiles:
    """What ``Engine.resolve_files`` wrote, counted."""

    records: int
    links: int
    clusters: int
    model: Model


@dataclass(frozen=True)
class Borrowed:
    """Clusters with the parts that present a borrowed identity split off."""

    clusters: pl.DataFrame  # rec, cluster: whole clusters keep their number, parts get new ones
    pairs: pl.DataFrame  # cluster_a < cluster_b: split parts presenting one name exactly


@dataclass(frozen=True)
class BatchLinks:
    """The links a batch of new records makes under a stored model."""

    links: pl.DataFrame  # scored pairs with a new record, at or above the threshold
    candidate_pairs: int  # compared pairs with a new record that met the requirements


@dataclass(frozen=True)
class NetworkEvidence:
    """What the network stage knows of each identity (``identity``: Int64, this run's cluster
    number). Only ``observations`` is needed; the rest sharpen the grouping."""

    # identity, kind, value (String): the infrastructure each identity was seen with; kinds
    # are the spec's signals (phone, email, payout, shipping, egress_ip, hidden_egress,
    # device, resume).
    observations: pl.DataFrame
    # identity (the referred), referrer, value (the name as written): referrals already
    # resolved to the identities whose name they give.
    referrals: pl.DataFrame | None = None
    # identity, name: the normalised names each identity presented, to tell one person split
    # by the identity stage from two.
    names: pl.DataFrame | None = None
    # identity, value: the homes each identity declares (or is presumed to live at): a
    # household is one party however much its members share.
    homes: pl.DataFrame | None = None


@dataclass(frozen=True)
class NetworkLinks:
    """Identities grouped into networks, and the links that grouped them."""

    # identity_a < identity_b, score (summed family weights), evidence: list[NETWORK_EVIDENCE];
    # only links inside a network.
    edges: pl.DataFrame
    networks: pl.DataFrame  # identity, network (a number; only identities in a network)


class Engine(Protocol):
    """A linking engine, as the services use it. Methods are named by what they are for."""

    @property
    def name(self) -> str:
        """The name ``fauxhire.link.engines.engine`` knows it by."""
        ...

    def resolve(
        self,
        records: pl.DataFrame,
        spec: LinkSpec,
        *,
        seed: int = 0,
        judgements: Judgements | None = None,
    ) -> Resolution:
        """Train the model on ``records`` (u from random pairs drawn with ``seed``, m and the
        match share by EM over the candidate pairs), score the candidate pairs, keep the links
        at the spec's threshold under ``judgements``, and cluster the records: pairs judged
        together are always linked, pairs judged apart never end in one cluster."""
        ...

    def resolve_files(
        self, records: str, out: str, spec: LinkSpec, *, seed: int = 0, table: str | None = None
    ) -> ResolvedFiles:
        """``resolve`` the records folder ``records`` (``link.record_files``: the records and
        their judgements) and write the resolution folder ``out``: for records that live
        where the engine runs rather than in this process. ``records`` is a path or, for an
        engine on a cluster, a URI it reads (s3a://, abfss://, hdfs://); with ``table``, a
        PostgreSQL database whose tables ``table`` and ``table_judgements`` hold them, for
        an engine that reads over JDBC. ``out`` is a path this process writes. Records that
        are not a spec's are a ``ValueError`` naming the column; a source the engine cannot
        read is a ``ValueError`` saying so."""
        ...

    def split_borrowed(
        self,
        clusters: pl.DataFrame,
        links: pl.DataFrame,
        spec: LinkSpec,
        together: pl.DataFrame,
        records: pl.DataFrame,
    ) -> Borrowed:
        """Split off the parts of each cluster that share a presented identity (name, address,
        profile) but no email, phone or resume line: a persona borrowing a real person's
        identity. ``links`` are a ``Resolution``'s; ``together`` (rec_a, rec_b) are pairs an
        analyst judged one identity: never split. ``records``: the records resolved (rec and
        the list columns), whose parts' own values weigh a link that shows no contact on one
        side (``embedded.borrowed``)."""
        ...

    def link_batch(
        self,
        records: pl.DataFrame,
        new: pl.DataFrame,
        model: Model,
        frequencies: Mapping[str, pl.DataFrame],
    ) -> BatchLinks:
        """The links of the pairs with a record of ``new`` (``rec``), under a stored ``model``
        and its spec, no training. ``records`` hold the new records and every stored one that
        shares a blocked value with them; ``frequencies`` give, per weighed column, each
        value's share of the whole store (``value``, ``tf``), as a full run would count it."""
        ...

    def spanning_links(self, links: pl.DataFrame, recs: pl.Series) -> pl.DataFrame:
        """The rows of ``links`` (rec_a, rec_b, weight, ...) that form a maximum spanning
        forest over the records ``recs``: the strongest links that still hold each cluster
        together, n - 1 for a cluster of n, shown to an analyst as its evidence."""
        ...

    def group_networks(
        self,
        evidence: NetworkEvidence,
        apart: pl.DataFrame,
        spec: NetworkSpec = NETWORK_SPEC,
    ) -> NetworkLinks:
        """Group identities into the networks that run them, by the infrastructure they share
        (``fauxhire.link.networks`` says how). ``apart`` (identity_a, identity_b): pairs an
        analyst split, and pairs split as a borrowed identity: never in one network."""
        ...
