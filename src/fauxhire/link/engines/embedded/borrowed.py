"""Borrowed identities: a persona presenting a real applicant's name, address and profile.

Personas of the scheme often apply under a real person's identity: the victim's name, home
address and LinkedIn profile, with the persona's own email, phone and resume. Linking would
join the two on what they present alike and merge the victim into the persona. Two parts of
one linked identity that agree on name, address or profile, but share no email, phone or resume
line, are two people: one who is that person and one who borrows the identity. Which is which
is not for linking to say; the assessment weighs it with each side's own evidence.

A person who changes email and phone keeps a resume, and one who rewrites the resume keeps an
email or a phone: the parts stay one. Input and output are polars frames.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from fauxhire.link.cluster import components
from fauxhire.link.engine import Borrowed, level_column
from fauxhire.link.spec import LinkSpec

# What a person keeps and a borrower cannot: their own mailbox, number and resume.
OWN = ("email", "phone", "resume")


def split_borrowed(
    clusters: pl.DataFrame, links: pl.DataFrame, spec: LinkSpec, together: pl.DataFrame
) -> Borrowed:
    """Split each cluster (rec, cluster) into the parts its links (rec_a, rec_b and the level
    columns of ``spec``) hold together, when there are several. A link holds its two records
    together unless both show emails or phones and no email, phone or resume line agrees.
    ``together``: pairs an analyst judged one identity (rec_a, rec_b), which hold their parts
    together whatever they share."""
    level = {name: pl.col(level_column(spec.comparison(name))).fill_null(-1) for name in OWN}
    # A link parts two people where it shows a mailbox or number on both sides and none of
    # them, nor any resume line, agree: a side with no contact details says nothing of whose
    # they are. What they do present alike (the name, the address, the profile) is borrowed.
    shares = pl.any_horizontal([own >= 1 for own in level.values()])
    parts_them = ~shares & ((level["email"] == 0) | (level["phone"] == 0))
    held = pl.concat(
        [
            links.filter(~parts_them).select("rec_a", "rec_b"),
            together.select("rec_a", "rec_b"),
        ]
    )
    recs = clusters.get_column("rec").to_numpy().astype(np.int64)
    order = np.argsort(recs)
    position = pl.DataFrame({"rec": recs[order], "_at": np.arange(len(recs), dtype=np.int64)})
    ends = held.join(position, left_on="rec_a", right_on="rec").join(
        position, left_on="rec_b", right_on="rec", suffix="_b"
    )
    parts = components(
        len(recs), ends.get_column("_at").to_numpy(), ends.get_column("_at_b").to_numpy()
    )
    labelled = clusters.join(position.with_columns(pl.Series("_part", parts)), on="rec")
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
