"""A persona on a real applicant's identity is split from that applicant: same name, address and
profile, no email, phone or resume line in common; across a link that shows no contact on one
side (an agency's application), where the parts it bridges keep nothing alike."""

from __future__ import annotations

import polars as pl

from fauxhire.link.engine import level_column
from fauxhire.link.engines.embedded.borrowed import split_borrowed
from fauxhire.link.identities import IDENTITY_SPEC

NONE = pl.DataFrame(schema={"rec_a": pl.Int64, "rec_b": pl.Int64})
KEPT = ("emails", "phones", "resume", "history")


def _records(**kept: dict[int, list[str]]) -> pl.DataFrame:
    """Records 1 to 6 with the kept values given per column (rec -> values), else none."""
    recs = list(range(1, 7))
    columns = {c: [kept.get(c, {}).get(rec) for rec in recs] for c in KEPT}
    return pl.DataFrame(
        {"rec": recs, **columns}, schema={"rec": pl.Int64, **{c: pl.List(pl.String) for c in KEPT}}
    )


SILENT = _records()


def _link(a: int, b: int, **levels: int) -> dict[str, int]:
    """A scored link; comparisons not named are missing on one side (-1)."""
    row = {level_column(c): -1 for c in IDENTITY_SPEC.comparisons}
    row.update({level_column(IDENTITY_SPEC.comparison(k)): v for k, v in levels.items()})
    return {"rec_a": a, "rec_b": b, **row}


def _split(
    links: list[dict[str, int]], together: pl.DataFrame = NONE, records: pl.DataFrame = SILENT
) -> list[set[int]]:
    recs = sorted({r for link in links for r in (link["rec_a"], link["rec_b"])})
    clusters = pl.DataFrame({"rec": recs, "cluster": [0] * len(recs)})
    found = split_borrowed(clusters, pl.DataFrame(links), IDENTITY_SPEC, together, records)
    found = found.clusters
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
    links = pl.DataFrame([PERSON, PERSONA, ACROSS])
    result = split_borrowed(clusters, links, IDENTITY_SPEC, NONE, SILENT)
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


# A victim who applied twice through an agency (5, 6: the agency's mailbox is no one's own, so
# their records hold none; their resumes agree) and the persona on their identity (3, 4: its
# own phone). The one link across shows the persona's phone, no phone on the agency's side.
VICTIM = _link(5, 6, name=3, resume=1, address=1, handle=1)
AGENCY_BRIDGE = _link(3, 6, name=3, address=1, handle=1)
PERSONA_OWN = {
    "phones": {3: ["+15550100"], 4: ["+15550100"]},
    "resume": {
        3: ["shipped the persona's template line"],
        4: ["shipped the persona's template line"],
    },
    "history": {3: ["globex:2019"]},
}


def _kept(**more: dict[int, list[str]]) -> pl.DataFrame:
    """The persona's own values, and ``more`` per column beside them."""
    columns = {c: {**PERSONA_OWN.get(c, {}), **more.get(c, {})} for c in KEPT}
    return _records(**columns)


def test_an_agency_bridge_between_parts_that_keep_nothing_alike_splits_them() -> None:
    victim = _kept(resume={5: ["the victim's own line"], 6: ["the victim's own line"]})
    assert _split([PERSONA, VICTIM, AGENCY_BRIDGE], records=victim) == [{3, 4}, {5, 6}]


def test_dated_history_alone_tells_the_parts_apart() -> None:
    victim = _records(
        phones=PERSONA_OWN["phones"], history={3: ["globex:2019"], 5: ["initech:2015"]}
    )
    assert _split(
        [PERSONA, VICTIM, AGENCY_BRIDGE], records=_kept(history={5: ["globex:2019"]})
    ) == [{3, 4, 5, 6}]
    assert _split([PERSONA, VICTIM, AGENCY_BRIDGE], records=victim) == [{3, 4}, {5, 6}]


def test_an_agency_bridge_between_parts_keeping_one_employer_holds() -> None:
    # One person: their own applications and those an agency sent with a resume it rewrote,
    # the same employer in both histories.
    one = _kept(resume={5: ["rewritten by the agency"]}, history={6: ["globex:2019"]})
    assert _split([PERSONA, VICTIM, AGENCY_BRIDGE], records=one) == [{3, 4, 5, 6}]


def test_an_agency_bridge_to_a_part_that_shows_nothing_of_its_own_holds() -> None:
    # The agency's applications came with no resume and no history: nothing to weigh.
    assert _split([PERSONA, VICTIM, AGENCY_BRIDGE], records=_kept()) == [{3, 4, 5, 6}]


def test_the_split_across_an_agency_bridge_is_reported_as_borrowed() -> None:
    victim = _kept(resume={5: ["the victim's own line"]})
    recs = [3, 4, 5, 6]
    clusters = pl.DataFrame({"rec": recs, "cluster": [2] * 4})
    links = pl.DataFrame([PERSONA, VICTIM, AGENCY_BRIDGE])
    result = split_borrowed(clusters, links, IDENTITY_SPEC, NONE, victim)
    assert result.pairs.height == 1


def test_a_common_phrase_in_both_resumes_is_no_agreement() -> None:
    # The victim's resume and the persona's share one stock line; the rest is their own.
    stock = "delivered projects on time and on budget."
    persona = ["shipped the persona's template line", "a second template line", stock]
    victim = ["the victim's own line", "another of the victim's", "a third", stock]
    kept = _kept(resume={3: persona, 4: persona, 5: victim, 6: victim})
    assert _split([PERSONA, VICTIM, AGENCY_BRIDGE], records=kept) == [{3, 4}, {5, 6}]


def test_a_resume_the_agency_rewrote_keeps_half_its_lines_and_holds() -> None:
    own = ["line one", "line two", "line three", "line four"]
    rewritten = ["line one", "line two", "a new summary the agency wrote"]
    kept = _kept(resume={3: own, 4: own, 5: rewritten})
    assert _split([PERSONA, VICTIM, AGENCY_BRIDGE], records=kept) == [{3, 4, 5, 6}]
