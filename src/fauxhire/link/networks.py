"""Networks: the identities one operator group runs, found by the infrastructure they share.

Identities that share a payout account, a drop shipping address, a phone, an egress IP, a
meeting device name or a resume template are linked, each shared value weighed by what it is
(a payout account says more than a phone) and by how rare it is: held by a few it counts in
full; by more, less (on a log scale); by more than the signal's cap (a staffing agency's phone,
a university NAT) not at all. Signals fall into families (contact, money, logistics, egress,
device, resume, referral); a link sums the strongest value of each family, so one agency contact
(phone and email: one family) never makes a network by itself, while a payout account shared
across companies does.

Links join groups, round by round, until no two groups are linked. A value's rarity is counted
outside the two groups it would join: a resume line or a farm address that twenty identities
of one network hold and nobody else does is, for joining a twenty-first, as rare as a value two
identities share; an agency phone held by sixty strangers stays common however groups form.
Identities sharing an email address hardly anyone else holds are one person the identity stage
left split: they start as one group, and a network needs two persons or more.

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
    threshold: float = Field(gt=0)  # summed family weights that link two groups
    full_strength_up_to: int = Field(default=8, ge=2)
    # An email address held by this many identities or fewer joins them as one person.
    same_person_email_up_to: int = Field(default=3, ge=0)

    def signal(self, kind: str) -> Signal:
        return next(s for s in self.signals if s.kind == kind)


NETWORK_SPEC = NetworkSpec(
    name="network",
    version="2",
    threshold=1.0,
    signals=(
        # A twenty-persona network pays a dozen hires into one account and ships their laptops
        # to one farm; ordinary people share neither. Beyond 40: a provider's pooled account.
        Signal(kind="payout", family="money", weight=1.0, cap=40),
        # Only a shipping address that is not the hire's own home: a drop address.
        Signal(kind="shipping", family="logistics", weight=1.0, cap=40),
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
        pl.col("shared_by") >= 2
    )
    referred = (
        _referral_pairs(referrals, spec)
        if referrals is not None and referrals.height
        else pl.DataFrame(schema=_FOUND)
    )
    ids = (
        pl.concat(
            [
                shared.get_column("identity"),
                referred.get_column("identity_a"),
                referred.get_column("identity_b"),
            ]
        )
        .unique()
        .sort()
    )
    ids_np = ids.to_numpy().astype(np.int64)
    apart = apart or []
    joins = _same_person(shared, spec)  # identity_a, identity_b, score
    persons = _groups(ids_np, joins, apart)
    groups, links = persons, []
    while True:  # each round joins groups linked at the threshold; stop when none are
        found = pl.concat(
            [_group_pairs(shared, groups, spec), _referrals_between(referred, groups)],
            how="vertical_relaxed",
        )
        scored = _score(found, spec)
        if scored.height == 0:
            break
        joins = pl.concat([joins, scored.select("identity_a", "identity_b", "score")])
        after = _groups(ids_np, joins, apart)
        if after.get_column("group").n_unique() == groups.get_column("group").n_unique():
            break  # every union left was refused (an analyst's apart)
        links.append(scored)
        groups = after
    return _result(groups, persons, links)


_FOUND = {
    "group": pl.Int64,
    "group_b": pl.Int64,
    "identity_a": pl.Int64,
    "identity_b": pl.Int64,
    "kind": pl.String,
    "family": pl.String,
    "value": pl.String,
    "shared_by": pl.Int64,
    "worth": pl.Float64,
}


def _same_person(shared: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """Identities holding one email address hardly anyone else holds: one person, split.
    Two personas of a network keep two mailboxes; a person the identity stage split keeps one."""
    few = shared.filter(
        (pl.col("kind") == "email") & (pl.col("shared_by") <= spec.same_person_email_up_to)
    )
    first = few.group_by("value").agg(pl.col("identity").min().alias("identity_a"))
    return (
        few.join(first, on="value")
        .filter(pl.col("identity") != pl.col("identity_a"))
        .select("identity_a", pl.col("identity").alias("identity_b"), pl.lit(0.0).alias("score"))
        .unique()
        .sort("identity_a", "identity_b")
    )


def _groups(ids: np.ndarray, joins: pl.DataFrame, apart: list[tuple[int, int]]) -> pl.DataFrame:
    """identity, group: the components ``joins`` make, never holding a pair of ``apart``."""
    labels = cluster_ids(
        ids,
        joins.get_column("identity_a").to_numpy().astype(np.int64),
        joins.get_column("identity_b").to_numpy().astype(np.int64),
        joins.get_column("score").to_numpy().astype(np.float64),
        apart,
    )
    return pl.DataFrame(
        {"identity": ids, "group": labels}, schema={"identity": pl.Int64, "group": pl.Int64}
    )


def _group_pairs(shared: pl.DataFrame, groups: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """Values two groups share, each worth what its holders outside the two groups leave it."""
    held = (
        shared.join(groups, on="identity")
        .group_by("kind", "family", "weight", "cap", "value", "shared_by", "group")
        .agg(pl.len().alias("inside"), pl.col("identity").min())
    )
    # No two groups could hold it with few enough others outside them: no evidence.
    biggest = pl.col("inside").max().over("kind", "value")
    held = held.filter(pl.col("shared_by") - biggest + 1 <= pl.col("cap"))
    pairs = held.join(
        held.select("kind", "value", "group", "inside", "identity"),
        on=["kind", "value"],
        suffix="_b",
    ).filter(pl.col("group") < pl.col("group_b"))
    # The holders outside the two groups, and the two groups themselves.
    counted = pl.col("shared_by") - pl.col("inside") - pl.col("inside_b") + 2
    pairs = pairs.with_columns(counted.alias("counted")).filter(pl.col("counted") <= pl.col("cap"))
    return pairs.select(
        "group",
        "group_b",
        pl.col("identity").alias("identity_a"),
        "identity_b",
        "kind",
        "family",
        "value",
        pl.col("shared_by").cast(pl.Int64),
        _worth(spec).alias("worth"),
    )


def _worth(spec: NetworkSpec) -> pl.Expr:
    full = spec.full_strength_up_to
    counted = pl.col("counted").cast(pl.Float64)
    span = (pl.col("cap").cast(pl.Float64) / full).log().clip(lower_bound=1e-9)
    falling = ((pl.col("cap").cast(pl.Float64) / counted).log() / span).clip(0.0, 1.0)
    return pl.col("weight") * pl.when(pl.col("counted") <= full).then(1.0).otherwise(falling)


def _referral_pairs(referrals: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    signal = spec.signal("referral")
    named = referrals.with_columns(pl.len().over("identity", "value").alias("shared_by"))
    named = named.filter(
        (pl.col("shared_by") <= signal.cap) & (pl.col("identity") != pl.col("referrer"))
    )
    return named.select(
        pl.lit(None, pl.Int64).alias("group"),
        pl.lit(None, pl.Int64).alias("group_b"),
        pl.min_horizontal("identity", "referrer").alias("identity_a"),
        pl.max_horizontal("identity", "referrer").alias("identity_b"),
        pl.lit("referral").alias("kind"),
        pl.lit(signal.family).alias("family"),
        pl.col("value"),
        pl.col("shared_by").cast(pl.Int64),
        (signal.weight / pl.col("shared_by").cast(pl.Float64)).alias("worth"),
    )


def _referrals_between(referred: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Referrals whose two identities are in two different groups (group < group_b)."""
    at = groups.select("identity", "group")
    found = (
        referred.drop("group", "group_b")
        .join(at.rename({"identity": "identity_a"}), on="identity_a")
        .join(at.rename({"identity": "identity_b", "group": "group_b"}), on="identity_b")
        .filter(pl.col("group") != pl.col("group_b"))
    )
    low = pl.col("group") < pl.col("group_b")
    return found.select(
        pl.when(low).then("group").otherwise("group_b").alias("group"),
        pl.when(low).then("group_b").otherwise("group").alias("group_b"),
        pl.when(low).then("identity_a").otherwise("identity_b").alias("identity_a"),
        pl.when(low).then("identity_b").otherwise("identity_a").alias("identity_b"),
        *[c for c in _FOUND if c not in ("group", "group_b", "identity_a", "identity_b")],
    )


def _score(found: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """A link for each pair of groups whose families sum to the threshold: the strongest value
    of each family counts (five template lines are one resume signal); the link's ends are the
    two identities that carry its strongest value."""
    best = (
        found.sort(
            ["worth", "kind", "value", "identity_a", "identity_b"],
            descending=[True, False, False, False, False],
        )
        .group_by("group", "group_b", "family", maintain_order=True)
        .agg(pl.all().first())
    )
    links = (
        best.group_by("group", "group_b", maintain_order=True)
        .agg(
            pl.col("identity_a").first(),
            pl.col("identity_b").first(),
            pl.col("worth").sum().alias("score"),
            pl.struct(
                "kind", "family", "value", "shared_by", pl.col("worth").alias("weight")
            ).alias("evidence"),
        )
        .filter(pl.col("score") >= spec.threshold - 1e-9)
    )
    return links.select(
        pl.min_horizontal("identity_a", "identity_b").alias("identity_a"),
        pl.max_horizontal("identity_a", "identity_b").alias("identity_b"),
        "score",
        "evidence",
    ).sort("identity_a", "identity_b")


def _result(groups: pl.DataFrame, persons: pl.DataFrame, links: list[pl.DataFrame]) -> NetworkLinks:
    # A network is two persons or more: one identity alone, or one person split, is in none.
    networks = (
        groups.join(persons.rename({"group": "person"}), on="identity")
        .filter(pl.col("person").n_unique().over("group") >= 2)
        .select("identity", pl.col("group").alias("network"))
        .sort("identity")
    )
    edges = (
        pl.concat(links)
        if links
        else pl.DataFrame(
            schema={
                "identity_a": pl.Int64,
                "identity_b": pl.Int64,
                "score": pl.Float64,
                "evidence": pl.List(EVIDENCE),
            }
        )
    )
    edges = edges.join(networks, left_on="identity_a", right_on="identity").join(
        networks, left_on="identity_b", right_on="identity", suffix="_b"
    )
    edges = edges.filter(pl.col("network") == pl.col("network_b")).drop("network", "network_b")
    return NetworkLinks(edges=edges.sort("identity_a", "identity_b"), networks=networks)
