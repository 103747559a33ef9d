"""Network detectors: evidence carried along the links between identities.

An operator network is identities tied by shared infrastructure (``link/networks.py``). Being
tied is itself a technical fact (``network_links``); and what is known of one identity informs
the others in proportion to how strongly they are tied (``network_context``), as a referral
by or of a flagged identity does (``referral_flagged``), and a resume template shared with
one (``resume_flagged``). The context detectors run after the
others and see their result, ``own``: each identity's ``network_id``, its ``gain`` (log-odds
from its own records) and whether that alone made it ``flagged`` (likely or higher).
"""

from __future__ import annotations

import polars as pl
from pydantic import Field

from fauxhire.assess.detectors._base import Entry, Params
from fauxhire.assess.detectors.behavioural import (
    ResumeParams,
    shared_templates,
    template_strength,
)
from fauxhire.assess.facts import Facts, fired


class LinkParams(Params):
    full_link: float = Field(2.0, gt=0, description="edge score for full strength")


def _strongest_edges(facts: Facts, full_link: float) -> pl.DataFrame:
    """identity_id, link (its strongest edge score over ``full_link``, at most 1), peers."""
    both = pl.concat(
        [
            facts.edges.select(
                pl.col("a").alias("identity_id"), pl.col("b").alias("peer"), "score"
            ),
            facts.edges.select(
                pl.col("b").alias("identity_id"), pl.col("a").alias("peer"), "score"
            ),
        ]
    )
    return both.group_by("identity_id").agg(
        (pl.col("score").max() / full_link).clip(0.0, 1.0).alias("link"),
        # Ties broken by the peer's id: which five peers the evidence names must not depend
        # on the order rows come in (it moved between two runs of the same store).
        pl.col("peer").sort_by(["score", "peer"], descending=[True, False]).alias("peers"),
    )


def network_links(facts: Facts, params: LinkParams) -> pl.DataFrame:
    """Tied to other identities by infrastructure they share (payout accounts, shipping
    addresses, egress, phones, resume templates, referrals): the strongest tie's score over
    ``full_link``."""
    edges = _strongest_edges(facts, params.full_link)
    return fired(
        edges.select(
            "identity_id",
            pl.col("link").alias("strength"),
            pl.col("peers").list.head(5).alias("values"),
            pl.col("peers").list.head(5).list.eval("identity:" + pl.element()).alias("sources"),
        )
    )


class ContextParams(Params):
    full_link: float = Field(2.0, gt=0, description="edge score for a full-strength tie")
    full_gain: float = Field(5.0, gt=0, description="a peer's own log-odds for full strength")


def network_context(facts: Facts, params: ContextParams, own: pl.DataFrame) -> pl.DataFrame:
    """The strongest own evidence of another identity in the same network, in proportion to
    this identity's tie to the network: tie strength times the peer's own log-odds over
    ``full_gain``."""
    members = own.drop_nulls("network_id").select(
        "identity_id", "network_id", pl.col("gain").clip(0.0)
    )
    # Peers of equal gain in id order: which one the evidence names must not vary between runs.
    ranked = members.sort(["gain", "identity_id"], descending=[True, False])
    top = ranked.group_by("network_id", maintain_order=True).agg(
        pl.col("identity_id").head(2).alias("_ids"), pl.col("gain").head(2).alias("_gains")
    )
    best = (
        members.join(top, on="network_id")
        .with_columns(
            pl.when(pl.col("_ids").list.get(0) == pl.col("identity_id"))
            .then(
                pl.struct(
                    peer=pl.col("_ids").list.get(1, null_on_oob=True),
                    peer_gain=pl.col("_gains").list.get(1, null_on_oob=True),
                )
            )
            .otherwise(
                pl.struct(peer=pl.col("_ids").list.get(0), peer_gain=pl.col("_gains").list.get(0))
            )
            .alias("_peer")
        )
        .unnest("_peer")
        .drop_nulls("peer")
        .join(_strongest_edges(facts, params.full_link), on="identity_id")
    )
    return fired(
        best.select(
            "identity_id",
            (pl.col("link") * (pl.col("peer_gain") / params.full_gain).clip(0.0, 1.0))
            .alias("strength"),
            pl.concat_list(
                pl.col("peer") + " in " + pl.col("network_id")
                + " (own log-odds +" + pl.col("peer_gain").round(1).cast(pl.String) + ")"
            ).alias("values"),
            pl.concat_list("identity:" + pl.col("peer")).alias("sources"),
        )
    )  # fmt: skip


class ReferralParams(Params):
    max_namesakes: int = Field(3, ge=1, description="a name more identities hold says nothing")


def referral_flagged(facts: Facts, params: ReferralParams, own: pl.DataFrame) -> pl.DataFrame:
    """Referred by, or referring, an identity flagged on its own records. The referral names
    a person; it is read only when at most ``max_namesakes`` identities hold that name."""
    apps = facts.applications
    holders = (
        apps.drop_nulls("name_key")
        .select(pl.col("name_key").alias("referred_by"), pl.col("identity_id").alias("other"))
        .unique()
    )
    namesakes = holders.group_by("referred_by").agg(pl.len().alias("_n"))
    referrals = (
        apps.drop_nulls("referred_by")
        .select("identity_id", "referred_by", "source")
        .join(namesakes.filter(pl.col("_n") <= params.max_namesakes), on="referred_by")
        .join(holders, on="referred_by")
        .filter(pl.col("other") != pl.col("identity_id"))
    )
    flagged = own.filter(pl.col("flagged")).select(pl.col("identity_id").alias("_flagged"))
    by_flagged = referrals.join(flagged, left_on="other", right_on="_flagged").select(
        "identity_id", ("referred by " + pl.col("other")).alias("value"), "source"
    )
    of_flagged = referrals.join(flagged, left_on="identity_id", right_on="_flagged").select(
        pl.col("other").alias("identity_id"),
        ("referred " + pl.col("identity_id")).alias("value"),
        "source",
    )
    per_identity = (
        pl.concat([by_flagged, of_flagged])
        .group_by("identity_id")
        .agg(
            pl.lit(1.0).alias("strength"),
            pl.col("value").alias("values"),
            pl.col("source").alias("sources"),
        )
    )
    return fired(per_identity)


def resume_flagged(facts: Facts, params: ResumeParams, own: pl.DataFrame) -> pl.DataFrame:
    """Rare resume lines shared with an identity flagged on its own records, under a name that
    shares no word with this one's (``shared_templates``): the operator's template, reused for
    a persona whose own records say little. Fires as resume_reuse does."""
    flagged = own.filter(pl.col("flagged")).select(pl.col("identity_id").alias("peer"))
    return template_strength(shared_templates(facts, params).join(flagged, on="peer"), params)


class BorrowedParams(Params):
    margin: float = Field(
        2.0, ge=0, description="own log-odds by which the borrower outweighs the other side"
    )


def borrowed_identity(facts: Facts, params: BorrowedParams, own: pl.DataFrame) -> pl.DataFrame:
    """Split by linking from an identity that presents the same name, address or profile
    with contacts and a resume of its own (``fauxhire show identity`` explains the split), and
    the side whose own records weigh more by ``margin``: the one likely to borrow the other's
    identity. The other side, perhaps the real person, is never given it."""
    gain = own.select("identity_id", pl.col("gain").clip(0.0))
    both = pl.concat(
        [
            facts.borrowed.select(pl.col("a").alias("identity_id"), pl.col("b").alias("other")),
            facts.borrowed.select(pl.col("b").alias("identity_id"), pl.col("a").alias("other")),
        ]
    )
    ahead = (
        both.join(gain, on="identity_id")
        .join(gain.rename({"identity_id": "other", "gain": "other_gain"}), on="other")
        .filter(pl.col("gain") >= pl.col("other_gain") + params.margin)
    )
    return fired(
        ahead.group_by("identity_id").agg(
            pl.lit(1.0).alias("strength"),
            ("presents the identity of " + pl.col("other")).alias("values"),
            ("identity:" + pl.col("other")).alias("sources"),
        )
    )


# Context detectors also read ``own`` (network_id, gain, flagged of every identity).
_EDGES = ("edges.a", "edges.b", "edges.score")
DETECTORS = {
    "network_links": Entry(LinkParams, network_links, _EDGES),
    "network_context": Entry(ContextParams, network_context, _EDGES, stage="context"),
    "referral_flagged": Entry(
        ReferralParams,
        referral_flagged,
        ("applications.source", "applications.referred_by", "applications.name_key"),
        stage="context",
        store_wide_part=True,
    ),
    "borrowed_identity": Entry(
        BorrowedParams, borrowed_identity, ("borrowed.a", "borrowed.b"), stage="context"
    ),
    "resume_flagged": Entry(
        ResumeParams,
        resume_flagged,
        (
            "applications.source",
            "applications.applied_at",
            "applications.resume_text",
            "applications.name_key",
        ),
        stage="context",
        store_wide=True,
    ),
}
