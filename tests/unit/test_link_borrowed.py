"""A persona on a real applicant's identity is split from that applicant: same name, address and
profile, no email, phone or resume line in common."""

from __future__ import annotations

import polars as pl

from fauxhire.link.engine import level_column
from fauxhire.link.engines.embedded.borrowed import split_borrowed
from fauxhire.link.identities import IDENTITY_SPEC

NONE = pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})


def _link(a: int, b: int, **levels: int) -> dict[str, int]:
    """A scored link; comparisons not named are missing on one side (-1)."""
    row = {level_column(c): -1 for c in IDENTITY_SPEC.comparisons}
    row.update({level_column(IDENTITY_SPEC.comparison(k)): v for k, v in levels.items()})
    return {"rec_a": a, "rec_b": b, **row}


def _split(links: list[dict[str, int]], together: pl.DataFrame = NONE) -> list[set[int]]:
    recs = sorted({r for link in links for r in (link["rec_a"], link["rec_b"])})
    clusters = pl.DataFrame({"rec": recs, "cluster": [0] * len(recs)})
    found = split_borrowed(clusters, pl.DataFrame(links), IDENTITY_SPEC, together).clusters
    groups = found.group_by("cluster").agg(pl.col("rec")).get_column("rec").to_list()
    return sorted((set(g) for g in groups), key=min)


# The person's own applications (1, 2) share a mailbox; the persona's (3, 4) share its phone
# and resume; across them only the name, the address and the profile agree.
PERSON = _link(1, 2, name=3, email=1, address=1, handle=1)
PERSONA = _link(3, 4, name=3, phone=1, resume=1, address=1, handle=1)
ACROSS = _link(2, 3, name=3, email=0, phone=0, resume=0, address=1, handle=1)


def test_a_borrowed_identity_is_split_from_the_person() -> None:
    assert _split([PERSON, PERSONA, ACROSS]) == [{1, 2}, {3, 4}]


def test_the_pair_split_is_reported() -> None:
    recs = [1, 2, 3, 4]
    clusters = pl.DataFrame({"rec": recs, "cluster": [7] * 4})
    result = split_borrowed(clusters, pl.DataFrame([PERSON, PERSONA, ACROSS]), IDENTITY_SPEC, NONE)
    assert result.pairs.height == 1
    assert result.clusters.get_column("cluster").n_unique() == 2


def test_a_person_who_changes_mailbox_and_phone_keeps_a_resume_and_stays_one() -> None:
    changed = _link(2, 3, name=3, email=0, phone=0, resume=1, address=1, handle=1)
    assert _split([PERSON, PERSONA, changed]) == [{1, 2, 3, 4}]


def test_a_side_without_contact_details_says_nothing() -> None:
    # One side shows no email or phone (an ATS that keeps none): nothing to tell them apart.
    silent = _link(2, 3, name=3, address=1, handle=1)
    assert _split([PERSON, PERSONA, silent]) == [{1, 2, 3, 4}]


def test_an_analysts_word_holds_the_parts_together() -> None:
    together = pl.DataFrame({"rec_a": [2], "rec_b": [3]})
    assert _split([PERSON, PERSONA, ACROSS], together) == [{1, 2, 3, 4}]
