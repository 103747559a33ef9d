"""Networks: the identities one operator group runs, found by the infrastructure they share.

Identities that share a payout account, a drop shipping address, a phone, an egress IP, a
meeting device name or a resume template are linked, each shared value weighed by what it is
(a payout account says more than a phone) and by how rare it is: shared by two or three
identities it counts in full; by more, less (on a log scale); by more than the signal's cap
(a staffing agency's phone, a university NAT) not at all. Signals fall into families (contact,
money, logistics, egress, device, resume, referral); a link sums the strongest value of each
family, so one agency contact (phone and email: one family) never makes a network by itself,
while a payout account shared across companies does.

Input and output are polars frames; nothing here reads a store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from fauxhire.link.cluster import cluster_ids


class Signal(BaseModel):
    """One kind of shared value and what sharing it is worth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    family: str
    weight: float = Field(gt=0)  # worth when two or three identities share the value
    cap: int = Field(ge=2)  # shared by more identities than this: no evidence


class NetworkSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str
    signals: tuple[Signal, ...]
    threshold: float = Field(gt=0)  # summed family weights that link two identities
    full_strength_up_to: int = Field(default=8, ge=2)

    def signal(self, kind: str) -> Signal:
        return next(s for s in self.signals if s.kind == kind)


NETWORK_SPEC = NetworkSpec(
    name="network",
    version="1",
    threshold=1.0,
    signals=(
        Signal(kind="payout", family="money", weight=1.0, cap=10),
        # Only a shipping address that is not the hire's own home: a drop address.
        Signal(kind="shipping", family="logistics", weight=1.0, cap=10),
        Signal(kind="phone", family="contact", weight=0.6, cap=60),
        Signal(kind="email", family="contact", weight=0.6, cap=60),
        Signal(kind="egress_ip", family="egress", weight=0.5, cap=60),
        Signal(kind="device", family="device", weight=0.5, cap=60),
        Signal(kind="resume", family="resume", weight=0.6, cap=80),
        Signal(kind="referral", family="referral", weight=0.6, cap=3),
    ),
)

EVIDENCE = pl.Struct(
    {
        "kind": pl.String,
        "family": pl.String,
        "value": pl.String,
        "shared_by": pl.Int64,
        "weight": pl.Float64,
    }
)


@dataclass(frozen=True)
class NetworkLinks:
    edges: pl.DataFrame  # identity_a < identity_b, score, evidence: list[EVIDENCE]
    networks: pl.DataFrame  # identity, network (an integer; only identities in a network)


def link_networks(
    observations: pl.DataFrame,
    spec: NetworkSpec = NETWORK_SPEC,
    referrals: pl.DataFrame | None = None,
    apart: list[tuple[int, int]] | None = None,
) -> NetworkLinks:
    """Network links between identities.

    ``observations``: identity (Int64), kind, value (String): the infrastructure each identity
    was seen with. ``referrals``: identity (the referred), referrer (Int64), value (the name
    as written): already resolved to the identities it may name. ``apart``: identity pairs an
    analyst split: never in one network.
    """
    signals = pl.DataFrame(
        [s.model_dump(include={"kind", "family", "weight", "cap"}) for s in spec.signals]
    )
    seen = observations.select("identity", "kind", "value").unique().join(signals, on="kind")
    shared = seen.with_columns(pl.len().over("kind", "value").alias("shared_by")).filter(
        (pl.col("shared_by") >= 2) & (pl.col("shared_by") <= pl.col("cap"))
    )
    pairs = shared.join(
        shared.select("identity", "kind", "value"), on=["kind", "value"], suffix="_b"
    )
    pairs = pairs.filter(pl.col("identity") < pl.col("identity_b"))
    pairs = pairs.with_columns(_worth(spec).alias("worth"))
    found = pairs.select(
        pl.col("identity").alias("identity_a"),
        pl.col("identity_b"),
        "kind",
        "family",
        "value",
        "shared_by",
        "worth",
    )
    if referrals is not None and referrals.height:
        found = pl.concat([found, _referral_pairs(referrals, spec)], how="vertical_relaxed")
    return _links(found, spec, apart or [])


def _worth(spec: NetworkSpec) -> pl.Expr:
    full = spec.full_strength_up_to
    shared = pl.col("shared_by").cast(pl.Float64)
    span = (pl.col("cap").cast(pl.Float64) / full).log().clip(lower_bound=1e-9)
    falling = ((pl.col("cap").cast(pl.Float64) / shared).log() / span).clip(0.0, 1.0)
    return pl.col("weight") * pl.when(pl.col("shared_by") <= full).then(1.0).otherwise(falling)


def _referral_pairs(referrals: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    signal = spec.signal("referral")
    named = referrals.with_columns(pl.len().over("identity", "value").alias("shared_by"))
    named = named.filter(
        (pl.col("shared_by") <= signal.cap) & (pl.col("identity") != pl.col("referrer"))
    )
    return named.select(
        pl.min_horizontal("identity", "referrer").alias("identity_a"),
        pl.max_horizontal("identity", "referrer").alias("identity_b"),
        pl.lit("referral").alias("kind"),
        pl.lit(signal.family).alias("family"),
        pl.col("value"),
        pl.col("shared_by").cast(pl.Int64),
        (signal.weight / pl.col("shared_by").cast(pl.Float64)).alias("worth"),
    )


def _links(found: pl.DataFrame, spec: NetworkSpec, apart: list[tuple[int, int]]) -> NetworkLinks:
    # The strongest value of each family counts: five template lines are one resume signal.
    best = (
        found.sort(["worth", "kind", "value"], descending=[True, False, False])
        .group_by("identity_a", "identity_b", "family", maintain_order=True)
        .agg(pl.all().first(), pl.len().alias("values"))
    )
    edges = (
        best.group_by("identity_a", "identity_b")
        .agg(
            pl.col("worth").sum().alias("score"),
            pl.struct(
                "kind",
                "family",
                "value",
                pl.col("shared_by").cast(pl.Int64),
                pl.col("worth").alias("weight"),
            ).alias("evidence"),
        )
        .filter(pl.col("score") >= spec.threshold - 1e-9)
        .sort("identity_a", "identity_b")
    )
    ids = pl.concat([edges.get_column("identity_a"), edges.get_column("identity_b")])
    ids = ids.unique().sort()
    labels = cluster_ids(
        ids.to_numpy().astype(np.int64),
        edges.get_column("identity_a").to_numpy().astype(np.int64),
        edges.get_column("identity_b").to_numpy().astype(np.int64),
        edges.get_column("score").to_numpy(),
        apart,
    )
    networks = pl.DataFrame(
        {"identity": ids, "network": labels}, schema_overrides={"network": pl.Int64}
    )
    # A network is two or more identities: one split off alone is in none.
    networks = networks.filter(pl.len().over("network") >= 2)
    edges = edges.join(networks, left_on="identity_a", right_on="identity").join(
        networks, left_on="identity_b", right_on="identity", suffix="_b"
    )
    edges = edges.filter(pl.col("network") == pl.col("network_b")).drop("network", "network_b")
    return NetworkLinks(edges=edges, networks=networks)
