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
