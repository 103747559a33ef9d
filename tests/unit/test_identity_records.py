"""What the identity stage compares: an application's values, minus an organisation's."""

from __future__ import annotations

import polars as pl

from fauxhire.link.identities import MAX_NAMES_PER_VALUE, application_records


def _apps(names: list[str]) -> pl.DataFrame:
    n = len(names)
    return pl.DataFrame(
        {
            "rec": list(range(1, n + 1)),
            "name_key": names,
            "resume_text": [None] * n,
            "education": ["[]"] * n,
            "employment": ["[]"] * n,
        },
        schema_overrides={"resume_text": pl.String},
    )


def test_a_contact_under_many_names_is_dropped_and_a_persons_is_kept() -> None:
    agency = [f"person {i}" for i in range(MAX_NAMES_PER_VALUE + 1)]
    persona = ["ann lee", "ann leee", "ann lee"]  # a name and a typo of it
    names = agency + persona
    values = pl.DataFrame(
        {
            "rec": list(range(1, len(names) + 1)),
            "kind": ["phone"] * len(names),
            "key": ["+15550100"] * len(agency) + ["+15550199"] * len(persona),
        }
    )
    records = application_records(_apps(names), values).sort("rec")
    phones = records.get_column("phones").to_list()
    assert all(not p for p in phones[: len(agency)])  # the agency's number: no evidence
    assert phones[len(agency) :] == [["+15550199"]] * len(persona)


def test_the_same_rows_in_any_order_make_the_same_records() -> None:
    # Two stores return rows in their own orders (SQLite and PostgreSQL do): windows and
    # samples follow the records' content, so the records must not follow the row order.
    apps = _apps(["ann lee", "bo chan", "cy diaz"])
    values = pl.DataFrame(
        {
            "rec": [1, 1, 1, 1, 2, 2, 3],
            "kind": ["email", "email", "phone", "github", "address", "email", "linkedin"],
            "key": ["b@x", "a@x", "+15550100", "ann", "1 main st", "bo@x", "in/cy"],
        }
    )
    first = application_records(apps, values).sort("rec")
    for seed in range(5):
        shuffled = application_records(
            apps.sample(fraction=1.0, shuffle=True, seed=seed),
            values.sample(fraction=1.0, shuffle=True, seed=seed),
        ).sort("rec")
        assert shuffled.columns == first.columns
        assert shuffled.equals(first)
    assert first.get_column("emails").to_list()[0] == ["a@x", "b@x"]
