"""Borrowed identities: a persona presenting a real applicant's name, address and profile.

Personas of the scheme often apply under a real person's identity: the victim's name, home
address and LinkedIn profile, with the persona's own email, phone and resume. Linking would
join the two on what they present alike and merge the victim into the persona. Two parts of
one linked identity that agree on name, address or profile, but share no email, phone or resume
line, are two people: one who is that person and one who borrows the identity. Which is which
is not for linking to say; the assessment weighs it with each side's own evidence.

A person who changes email and phone keeps a resume, and one who rewrites the resume keeps an
email or a phone: the parts stay one.

A link whose one side shows no email or phone (an application through a staffing agency,
whose mailbox is the agency's, or from an ATS that keeps none) cannot part two people by
itself, and agrees only on what a borrower copies. So it is weighed by the parts it bridges:
the applications held together by what a person keeps. Where both parts show mailboxes,
numbers, resume lines or dated employers and schools, and agree on none of those they both
show (a value in common; for resumes, half the lines of the fewer, since strangers share a
common phrase or two), they are two people: a victim applying through an agency is not merged
into the persona that borrowed their name. Where either part shows nothing of its own, it
holds, as before.

Input and output are polars frames.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxhire.link.borrowing import contact_differs, shares_own
from fauxhire.link.cluster import components
from fauxhire.link.engine import Borrowed, level_column
from fauxhire.link.positions import RecordIndex
from fauxhire.link.spec import LinkSpec

# What a part keeps, as record columns: mailboxes and numbers (an organisation's are not in a
# record), resume lines, and the employers and schools of its history with their years.
KEPT = ("emails", "phones", "resume", "history")
# The share of the smaller part's resume lines the other part must hold for their resumes to
# agree: a rewritten resume keeps much of its text, two strangers a common phrase or two.
RESUME_SHARE = 0.5


def split_borrowed(
    clusters: pl.DataFrame,
    links: pl.DataFrame,
    spec: LinkSpec,
    together: pl.DataFrame,
    records: pl.DataFrame,
) -> Borrowed:
    """Split each cluster (rec, cluster) into the parts its links (rec_a, rec_b and the level
    columns of ``spec``) hold together, when there are several. A link holds its two records
    together unless both show emails or phones and no email, phone or resume line agrees; a
    link that shows no email or phone on one side, and agrees on none of them, holds unless
    the parts it bridges show they are two people (the module says how; ``records``: rec and
    the list columns of ``KEPT``). ``together``: pairs an analyst judged one identity
    (rec_a, rec_b), which hold their parts together whatever they share."""
    # A link parts two people where it shows a mailbox or number on both sides and none of
    # them, nor any resume line, agree (``borrowing``). What they do present alike (the name,
    # the address, the profile) is borrowed.
    shares, contact = shares_own(spec), contact_differs(spec)
    tied = pl.concat(
        [links.filter(shares).select("rec_a", "rec_b"), together.select("rec_a", "rec_b")]
    )
    bridges = links.filter(~shares & ~contact).select("rec_a", "rec_b")
    recs = clusters.get_column("rec")
    # Records numbered in rec order, so that parts are labelled alike whatever the row order.
    index = RecordIndex(np.sort(recs.to_numpy().astype(np.int64)))
    at = index.positions(recs)
    core_of = pl.DataFrame({"rec": recs, "core": _components(index, tied)[at]})
    held = pl.concat([tied, _holding(bridges, core_of, records)])
    labelled = clusters.with_columns(pl.Series("_part", _components(index, held)[at]))
    split = labelled.with_columns(pl.col("_part").n_unique().over("cluster").alias("_parts"))
    # Parts keep their cluster's number when it is whole; split parts are numbered after
    # every cluster, by their part label (stable for one input).
    first_new = int(clusters.get_column("cluster").max() or 0) + 1  # type: ignore[arg-type]
    renumbered = split.with_columns(
        pl.when(pl.col("_parts") > 1)
        .then(pl.col("_part") + first_new)
        .otherwise(pl.col("cluster"))
        .alias("_new")
    )
    clusters = renumbered.select("rec", pl.col("_new").alias("cluster"))
    return Borrowed(clusters=clusters, pairs=_one_name_apart(links, clusters, spec))


def _components(index: RecordIndex, pairs: pl.DataFrame) -> npt.NDArray[np.int64]:
    """The component of each record (by its position in ``index``) that ``pairs`` (rec_a,
    rec_b) hold together."""
    ends = [index.positions(pairs.get_column(end)) for end in ("rec_a", "rec_b")]
    return components(index.size, *ends)


def _holding(bridges: pl.DataFrame, core_of: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """The bridges (rec_a, rec_b) whose two parts (``core_of``: rec, core) do not show two
    people: no kind of ``KEPT`` shown on both sides, or one that agrees (a value in common;
    for resume lines, ``RESUME_SHARE`` of the fewer)."""
    ends = (
        bridges.join(core_of, left_on="rec_a", right_on="rec")
        .join(core_of, left_on="rec_b", right_on="rec", suffix="_b")
        .filter(pl.col("core") != pl.col("core_b"))
    )
    if ends.is_empty():
        return bridges.head(0)
    pairs = ends.select("core", "core_b").unique()
    touched = pl.concat([pairs.get_column("core"), pairs.get_column("core_b")]).unique()
    owned = (
        records.select("rec", *KEPT)
        .join(core_of.filter(pl.col("core").is_in(touched.implode())), on="rec")
        .unpivot(index="core", on=list(KEPT), variable_name="kind", value_name="value")
        .explode("value")
        .drop_nulls("value")
        .unique()
    )
    shown = owned.group_by("core", "kind").agg(pl.len().alias("held"))
    both = pairs.join(shown, on="core").join(
        shown.rename({"core": "core_b", "held": "held_b"}), on=["core_b", "kind"]
    )
    common = (
        pairs.join(owned, on="core")
        .join(owned.rename({"core": "core_b"}), on=["core_b", "kind", "value"])
        .group_by("core", "core_b", "kind")
        .agg(pl.len().alias("common"))
    )
    # One mailbox, number or dated employer in common is one person's. Resume lines are
    # phrasing too, that strangers share ("delivered projects on time"): the parts agree on
    # their resumes where half the lines of the smaller set are in the other.
    fewer = pl.min_horizontal("held", "held_b").cast(pl.Float64)
    agreeing = (
        pl.when(pl.col("kind") == "resume")
        .then(pl.col("common") >= RESUME_SHARE * fewer)
        .otherwise(pl.col("common") >= 1)
    )
    agree = both.join(common, on=["core", "core_b", "kind"]).filter(agreeing)
    apart = (
        both.select("core", "core_b")
        .unique()
        .join(agree.select("core", "core_b").unique(), on=["core", "core_b"], how="anti")
    )
    return ends.join(apart, on=["core", "core_b"], how="anti").select("rec_a", "rec_b")


def _one_name_apart(links: pl.DataFrame, clusters: pl.DataFrame, spec: LinkSpec) -> pl.DataFrame:
    """cluster_a < cluster_b: the split parts (``clusters``: rec, cluster) that a link shows
    presenting one name exactly. They are a borrowed identity; parts that merely share a
    surname and a home (a family linking took for one person) are only split."""
    name = spec.comparison("name")
    same_name = pl.col(level_column(name)).fill_null(-1) == name.levels
    new_of = clusters.select("rec", pl.col("cluster").alias("_new"))
    return (
        links.filter(same_name)
        .join(new_of, left_on="rec_a", right_on="rec")
        .join(new_of, left_on="rec_b", right_on="rec", suffix="_b")
        .filter(pl.col("_new") != pl.col("_new_b"))
        .select(
            pl.min_horizontal("_new", "_new_b").alias("cluster_a"),
            pl.max_horizontal("_new", "_new_b").alias("cluster_b"),
        )
        .unique()
        .sort("cluster_a", "cluster_b")
    )
