"""Which of a candidate's applications a meeting joins (joins/meetings.py), table-driven:
each case is a meeting topic and time, the candidate's applications, and the one it must join."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from fauxhire.joins.meetings import PAIRS, choose_applications


def _day(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


# (applications as (key, job title, applied, interviewed or None[, at an interview stage]),
#  topic, meeting day, chosen)
Apps = list[tuple[str, str, str, str | None] | tuple[str, str, str, str | None, bool]]
CASES: dict[str, tuple[Apps, str | None, str | None, str]] = {
    "one application": (
        [("a", "Data Engineer", "2025-05-01", None)], "anything", "2025-01-01", "a"),
    "the title named beats the nearer application": (
        [("a", "Senior Backend Engineer", "2025-01-06", None),
         ("b", "Data Engineer", "2025-03-03", None)],
        "Technical Interview: Senior Backend Engineer", "2025-03-20", "a"),
    "the same title twice: the nearest before": (
        [("a", "iOS Engineer", "2025-01-10", None), ("b", "iOS Engineer", "2025-04-02", None)],
        "Interview: iOS Engineer", "2025-05-20", "b"),
    "an application after the meeting was not met": (
        [("a", "iOS Engineer", "2025-01-10", None), ("b", "iOS Engineer", "2025-05-22", None)],
        "Interview: iOS Engineer", "2025-05-20", "a"),
    "a topic naming no job: the nearest before": (
        [("a", "Payroll Specialist", "2025-02-01", None),
         ("b", "Product Designer", "2025-04-01", None)],
        "Jamie <> Northwind Analytics", "2025-04-05", "b"),
    "no topic: the nearest before": (
        [("a", "Payroll Specialist", "2025-02-01", None),
         ("b", "Product Designer", "2025-04-01", None)], None, "2025-04-05", "b"),
    "the named title must precede the meeting too": (
        [("a", "Payroll Specialist", "2025-02-01", None),
         ("b", "Product Designer", "2025-04-10", None)],
        "Interview: Product Designer", "2025-04-05", "a"),
    "none before: the nearest after": (
        [("a", "Data Engineer", "2025-05-01", None), ("b", "Data Engineer", "2025-09-01", None)],
        "Intro", "2025-04-20", "a"),
    "the longer title named wins over the title inside it": (
        [("a", "Senior Backend Engineer", "2025-01-06", None),
         ("b", "Backend Engineer", "2025-03-03", None)],
        "Interview: Senior Backend Engineer", "2025-03-20", "a"),
    "the shorter title when only it is named": (
        [("a", "Backend Engineer", "2025-01-06", None),
         ("b", "Senior Backend Engineer II", "2025-03-03", None)],
        "Interview: Backend Engineer", "2025-03-20", "a"),
    "a suffix the topic leaves out": (
        [("a", "Data Engineer (Remote, US)", "2025-01-06", None),
         ("b", "Product Designer - Hybrid", "2025-03-03", None)],
        "Final round - Alex Example - Data Engineer", "2025-03-20", "a"),
    "a suffix that tells two jobs apart": (
        [("a", "Software Engineer - Frontend", "2025-01-06", None),
         ("b", "Software Engineer - Backend", "2025-03-03", None)],
        "Interview: Software Engineer - Frontend", "2025-03-20", "a"),
    "a typo in the topic": (
        [("a", "Machine Learning Engineer", "2025-01-06", None),
         ("b", "Payroll Specialist", "2025-03-03", None)],
        "Interview: Machine Lerning Engineer", "2025-03-20", "a"),
    "case, punctuation and unicode": (
        [("a", "Développeur Full-Stack", "2025-01-06", None),
         ("b", "Chef de projet", "2025-03-03", None)],
        "ENTRETIEN — développeur full stack 🚀", "2025-03-20", "a"),
    "a topic inside a title names no job": (
        [("a", "Senior Engineer", "2025-01-06", None),
         ("b", "Support Engineer", "2025-03-03", None)], "Engineer", "2025-03-20", "b"),
    "the interview date where the ATS gives one": (
        [("a", "Data Engineer", "2025-01-06", "2025-03-20"),
         ("b", "Data Engineer", "2025-03-03", None)],
        "Interview: Data Engineer", "2025-03-20", "a"),
    "the ATS stage where the topic names no job": (
        [("a", "Payroll Specialist", "2025-02-01", None, True),
         ("b", "Product Designer", "2025-04-01", None, False)],
        "Jamie <> Northwind Analytics", "2025-04-05", "a"),
    "the title named over the stage": (
        [("a", "Payroll Specialist", "2025-02-01", None, True),
         ("b", "Product Designer", "2025-04-01", None, False)],
        "Interview: Product Designer", "2025-04-05", "b"),
    "the same stage: time": (
        [("a", "iOS Engineer", "2025-01-10", None, True),
         ("b", "iOS Engineer", "2025-04-02", None, True)],
        "Interview: iOS Engineer", "2025-05-20", "b"),
    "no meeting time: the latest applied": (
        [("a", "Data Engineer", "2025-01-06", None), ("b", "Data Engineer", "2025-03-03", None)],
        "Interview: Data Engineer", None, "b"),
}  # fmt: skip


def _pairs(participant: str, apps: Apps, topic: str | None, day: str | None) -> pl.DataFrame:
    rows = [
        (participant, "email", key, "p-1", title, _day(applied), _day(interviewed),
         stage, topic, _day(day))
        for key, title, applied, interviewed, stage in (((*a, False) if len(a) == 4 else a)
                                                        for a in apps)
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=PAIRS, orient="row")


@pytest.mark.parametrize("case", list(CASES))
def test_a_meeting_joins_the_application_it_was_for(case: str) -> None:
    apps, topic, day, expected = CASES[case]
    chosen = choose_applications(_pairs("m", apps, topic, day))
    assert chosen.rows() == [("m", expected, "email")]
    # The order the applications arrive in does not matter.
    again = choose_applications(_pairs("m", apps[::-1], topic, day))
    assert again.rows() == [("m", expected, "email")]


def test_every_participant_chooses_on_its_own() -> None:
    frames = [_pairs(name, *CASES[name][:3]) for name in CASES]
    chosen = choose_applications(pl.concat(frames))
    assert dict(chosen.select("participant", "app").rows()) == {n: c[3] for n, c in CASES.items()}


def test_no_pairs_choose_nothing() -> None:
    assert choose_applications(pl.DataFrame(schema=PAIRS)).height == 0
