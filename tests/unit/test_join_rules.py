"""The sign-in and employer-report join rules (``fauxhire.joins``) on hand-made frames, no
database: what the store would find by key in, the choices out. The meeting rule has its own
table in test_meeting_choice.py."""

from __future__ import annotations

import polars as pl

from fauxhire.joins import reports, signins
from fauxhire.joins.meetings import MATCHES, PARTICIPANTS, PENDING, candidate_pairs, pending_keys


def _frame(schema: dict[str, pl.DataType], rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_a_signin_joins_the_hire_of_its_company_with_its_work_email() -> None:
    events = _frame(
        signins.EVENTS,
        [
            ("e1", "acme", "pat@acme.test"),
            ("e2", "globex", "pat@acme.test"),  # the same account name at another company
            ("e3", "acme", "nobody@acme.test"),
            ("e4", "acme", None),
        ],
    )
    hires = _frame(
        signins.HIRES,
        [("h1", "acme", "pat@acme.test"), ("h2", "initech", "pat@acme.test"), ("h3", "acme", None)],
    )
    chosen = signins.hires_of_signins(events, hires)
    assert chosen.rows() == [("e1", "h1")]


def test_of_two_hires_with_one_work_email_the_smallest_key_wins() -> None:
    events = _frame(signins.EVENTS, [("e1", "acme", "pat@acme.test")])
    hires = _frame(
        signins.HIRES, [("h9", "acme", "pat@acme.test"), ("h2", "acme", "pat@acme.test")]
    )
    assert signins.hires_of_signins(events, hires).rows() == [("e1", "h2")]


def test_a_report_matches_strong_values_anywhere_and_names_only_at_its_company() -> None:
    by_candidate = _frame(reports.BY_CANDIDATE, [("r1", "acme/a1")])
    by_value = _frame(
        reports.BY_VALUE,
        [
            ("r1", "acme/a1", "phone"),
            ("r1", "acme/a1", "email"),
            ("r1", "globex/a7", "email"),  # an email names one person anywhere
            ("r2", "globex/a7", "address"),  # an address is no strong value
        ],
    )
    by_name = _frame(
        reports.BY_NAME,
        [
            ("r1", "acme", "acme/a2", "acme"),
            ("r1", "acme", "globex/a8", "globex"),  # a name elsewhere is somebody else
        ],
    )
    matches = reports.report_matches(by_candidate, by_value, by_name)
    assert matches.columns == list(reports.MATCHES)
    assert matches.rows() == [
        ("r1", "acme/a1", "candidate_id,email,phone"),
        ("r1", "acme/a2", "name"),
        ("r1", "globex/a7", "email"),
    ]


def test_no_report_found_anything_matches_nothing() -> None:
    empty = [
        pl.DataFrame(schema=s) for s in (reports.BY_CANDIDATE, reports.BY_VALUE, reports.BY_NAME)
    ]
    assert reports.report_matches(*empty).is_empty()


def test_a_name_matches_only_when_one_candidate_has_it_and_no_email_matched() -> None:
    pending = _frame(
        PENDING,
        [
            ("p1", "acme", "pat@x.test", "pat lee", "Interview", None),
            ("p2", "acme", None, "sam roe", "Interview", None),
            ("p3", "acme", None, "kim doe", "Interview", None),
        ],
    )
    match = ("Engineer", None, None, None)
    by_email = pl.DataFrame(
        [("p1", "email", "acme/a1", "c1", *match)],
        schema=MATCHES, orient="row",
    )  # fmt: skip
    by_name = pl.DataFrame(
        [
            ("p1", "name", "acme/a9", "c9", *match),  # p1 already matched by email
            ("p2", "name", "acme/a2", "c2", *match),
            ("p2", "name", "acme/a3", "c2", *match),  # one candidate, two applications
            ("p3", "name", "acme/a4", "c4", *match),
            ("p3", "name", "acme/a5", "c5", *match),  # two candidates share the name
        ],
        schema=MATCHES,
        orient="row",
    )
    pairs = candidate_pairs(pending, by_email, by_name)
    assert sorted(pairs.select("participant", "app").rows()) == [
        ("p1", "acme/a1"),
        ("p2", "acme/a2"),
        ("p2", "acme/a3"),
    ]


def test_a_participants_name_is_keyed_as_applications_names_are() -> None:
    participants = _frame(
        PARTICIPANTS,
        [
            ("p1", "acme", None, "  Pat   LEE ", "Interview", None, None),
            ("p2", "acme", None, "!!!", "Interview", None, None),
        ],
    )
    keyed = pending_keys(participants)
    assert keyed.columns == list(PENDING)
    names = dict(keyed.select("participant", "name_key").rows())
    assert names["p1"] and names["p1"] == pending_keys(
        _frame(PARTICIPANTS, [("p", "acme", None, "Pat Lee", None, None, None)])
    ).item(0, "name_key")
    assert names["p2"] is None
