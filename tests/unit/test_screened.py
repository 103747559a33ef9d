"""The parts of a screened application's fast link (``link.screened``) that must be
``link_new``'s to the bit, and its decision: which identity, or decline."""

from __future__ import annotations

import polars as pl
import pytest

from fauxhire.link.identities import (
    IDENTITY_SPEC,
    MAX_NAMES_PER_VALUE,
    NAME_WINDOW,
    VALUE_COLUMNS,
    application_records,
    record_columns,
    record_order,
)
from fauxhire.link.screened import (
    Declined,
    Linked,
    Placement,
    judged,
    place,
    records,
    term_frequencies,
    window_neighbours,
)
from fauxhire.link.single import Scored
from fauxhire.services.increment import _frequencies, _window_neighbours

TOTAL = 2553  # a store's applications: 125 / TOTAL is one of the quotients polars rounds apart


@pytest.mark.parametrize("per_column", [1, 2, 3, 5])
def test_term_frequencies_are_link_news_to_the_bit(per_column: int) -> None:
    """Polars divides a one-row column by a number exactly, a longer one as a product with
    the reciprocal: the shares must come out as link_new's polars computes them."""
    counts = [
        (kind, f"{kind}-{i}", 100 + 25 * i)
        for kind in ("email", "phone", "address", "github")
        for i in range(per_column)
    ]
    names = [("ann lee", 125)]
    frame = pl.DataFrame(counts, schema=["kind", "key", "holders"], orient="row").with_columns(
        pl.col("kind").replace_strict(VALUE_COLUMNS).alias("column")
    )
    named = pl.DataFrame(names, schema=["name_key", "holders"], orient="row")
    expected = {
        column: dict(shares.select("value", "tf").iter_rows())
        for column, shares in _frequencies(frame, named, TOTAL).items()
    }
    found = term_frequencies(IDENTITY_SPEC, counts, names, TOTAL)
    assert found == expected
    if per_column > 1:  # 125 / TOTAL: the plain quotient is a bit off polars' here
        plain = {f"email-{i}": (100 + 25 * i) / TOTAL for i in range(per_column)}
        assert found["emails"] != plain


def test_the_window_reaches_what_link_new_reads() -> None:
    keys = [f"c-{rec % 7}\x1fa-{rec * 7919 % 10007}" for rec in range(1, 61)]
    holders = pl.DataFrame(
        {"rec": list(range(1, 61)), "name_key": ["james smith"] * 60, "key": keys}
    )
    orders = holders.select(record_order(pl.col("key"))).to_series().to_list()
    placed = list(zip(range(1, 61), orders, strict=True))
    for new in range(1, 61):
        assert sorted(window_neighbours(placed, new, NAME_WINDOW)) == sorted(
            _window_neighbours(holders, [new], NAME_WINDOW)
        )
    middle = sorted(placed, key=lambda holder: holder[1])[30][0]
    assert len(window_neighbours(placed, middle, NAME_WINDOW)) == 2 * NAME_WINDOW + 1
    assert window_neighbours(placed, 99, NAME_WINDOW) == []  # not a holder: none, as there


def test_records_are_application_records() -> None:
    agency = [f"person {i}" for i in range(MAX_NAMES_PER_VALUE + 1)]
    names = [*agency, "ann lee", "ann leee", None]
    n = len(names)
    apps = pl.DataFrame(
        {
            "rec": list(range(1, n + 1)),
            "key": [f"c-1\x1fa-{i}" for i in range(1, n + 1)],
            "name_key": names,
            "resume_text": ["Ann Lee\nBuilt the payments platform used by millions\n"] * n,
            "education": ['[{"school_name": " Lake U ", "end_date": "2012-05-01"}]'] * n,
            "employment": [None, *(['[{"company_name": "Initech"}]'] * (n - 1))],
        },
        schema_overrides={"resume_text": pl.String, "name_key": pl.String},
    )
    values = pl.DataFrame(
        [(rec, "phone", "+15550100") for rec in range(1, len(agency) + 1)]
        + [(n - 2, "phone", "+15550199"), (n - 1, "phone", "+15550199")]
        + [(n - 2, "github", "annlee"), (n - 2, "linkedin", "annlee"), (n, "email", "a@b.c")]
        + [(n - 1, "payout", "ignored")],
        schema=["rec", "kind", "key"],
        orient="row",
    )
    expected = {r["rec"]: r for r in application_records(apps, values).iter_rows(named=True)}
    found = records(apps.select(record_columns()).iter_rows(named=True), values.iter_rows())
    assert found == expected
    assert found[n - 2]["handles"] == ["github:annlee", "linkedin:annlee"]
    assert found[1]["phones"] is None  # the agency's number, under too many names


def _linked(*recs: int) -> list[Linked]:
    scored = Scored((3,), (1.0,), 9.0, 0.998)
    return [Linked(rec, scored) for rec in recs]


IDENTITIES = {1: ("i-1", "net-1"), 2: ("i-1", "net-1"), 3: ("i-2", None)}


def test_no_link_starts_an_identity_numbered_after_the_last() -> None:
    assert place([], IDENTITIES, 41) == Placement("i-42", None, joined=False)


def test_links_into_one_identity_join_it_with_its_network() -> None:
    assert place(_linked(1, 2), IDENTITIES, 41) == Placement("i-1", "net-1", joined=True)
    assert place(_linked(3), IDENTITIES, 41) == Placement("i-2", None, joined=True)


@pytest.mark.parametrize(
    ("links", "identities", "reason"),
    [
        ([1, 3], IDENTITIES, "a merge of identities"),
        ([1, 4], IDENTITIES, "a partner in no identity"),
        ([1], {**IDENTITIES, 2: ("i-1", None)}, "an identity in two networks"),
    ],
)
def test_anything_else_is_declined(
    links: list[int], identities: dict[int, tuple[str, str | None]], reason: str
) -> None:
    assert place(_linked(*links), identities, 41) == Declined(reason)


def test_judgements_that_bear_on_the_link_decline_it() -> None:
    reached = {"k1": "i-1", "k2": "i-1", "k3": "i-2"}
    assert judged("new", [("apart", "k1", "k3")], reached) is None  # link_new ignores it too
    assert judged("new", [("together", "k1", "k2")], reached) is None  # inside one identity
    assert judged("new", [("together", "k1", "elsewhere")], reached) is None
    assert judged("new", [("apart", "new", "k1")], reached) == Declined(
        "a judgement (apart) names the application"
    )
    assert judged("new", [("together", "k2", "k3")], reached) == Declined(
        "a judgement (together) joins two identities it reaches"
    )
