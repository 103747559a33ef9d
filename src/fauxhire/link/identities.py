"""Identities: which applications are one presented person, across companies and time.

The comparisons an analyst would make between two applications: the name (typos, initials and
word order tolerated, common names weighed less), the contact details and profile handles they
share (a value on five hundred applications, like a staffing agency's phone, weighed less), the
postal address, the resume (its distinctive lines) and the history (employers and schools with
their years). A persona changes email and phone mid-lifetime and drifts in how it writes
things; no single comparison has to carry it.

``application_records`` turns the store's columns into the records the engine compares.
"""

from __future__ import annotations

import polars as pl

from fauxhire.domain.resumes import resume_lines
from fauxhire.link.spec import ORDER, Blocking, Comparison, LinkSpec, Requirement

VALUE_COLUMNS = {
    "email": "emails",
    "phone": "phones",
    "address": "addresses",
    "linkedin": "handles",
    "github": "handles",
}
LIST_COLUMNS = frozenset({"emails", "phones", "addresses", "handles", "resume", "history"})
# A contact value under more distinct names than this is no evidence that two applications
# are one person (application_records says why).
MAX_NAMES_PER_VALUE = 5
# How many of the next records of its block each record is compared with (Blocking.window).
# More than one or two, so that a chain survives a link that fails (a typo, a missing value).
WINDOW = 5

IDENTITY_SPEC = LinkSpec(
    name="identity",
    version="1",
    comparisons=(
        Comparison(
            name="name",
            column="name",
            method="jaro_winkler",
            thresholds=(1.0, 0.94, 0.85),
            term_frequency=True,
            label="names",
        ),
        Comparison(
            name="email", column="emails", method="overlap", term_frequency=True, label="emails"
        ),
        Comparison(
            name="phone", column="phones", method="overlap", term_frequency=True, label="phones"
        ),
        Comparison(
            name="address",
            column="addresses",
            method="overlap",
            term_frequency=True,
            label="postal addresses",
        ),
        Comparison(
            name="handle",
            column="handles",
            method="overlap",
            term_frequency=True,
            label="profile handles",
        ),
        Comparison(
            name="resume",
            column="resume",
            method="jaccard",
            thresholds=(0.7, 0.4, 0.15),
            label="resume lines",
        ),
        Comparison(
            name="history",
            column="history",
            method="jaccard",
            thresholds=(0.99, 0.5),
            label="employers and schools",
        ),
    ),
    # Every rule compares a record with the next WINDOW of its block only: a persona's
    # hundreds of applications, or a job-board applicant's hundred, are one identity through a
    # chain of links, not through every pair (on v3, 3.0 million pairs became 0.4 million).
    # So a block no longer costs its square, and the caps that were there for cost are those
    # of evidence: a name on sixty applications was skipped, and with it every application of
    # a job-board applicant who gave no email, phone or address (hundreds of the same name).
    blocking=(
        Blocking(columns=("emails",), max_block=500, window=WINDOW),
        Blocking(columns=("phones",), max_block=500, window=WINDOW),
        Blocking(columns=("addresses",), max_block=200, window=WINDOW),
        Blocking(columns=("handles",), max_block=200, window=WINDOW),
        Blocking(columns=("name",), max_block=500, window=WINDOW),
        # A shared resume line proposes a pair only under names that start alike: a persona
        # keeps its resume while its name drifts by a typo, and lines of a common template
        # shared by thousands of strangers would otherwise propose millions of pairs that the
        # name requirement throws away.
        Blocking(
            columns=("resume", "name_start"),
            max_block=500,
            window=WINDOW,
            fixes=("resume", "name"),
        ),
        # The same for a dated employer or school: an application with no resume text and no
        # contact details, under a name with a typo, is found by nothing else.
        Blocking(
            columns=("history", "name_start"),
            max_block=500,
            window=WINDOW,
            fixes=("history", "name"),
        ),
    ),
    list_columns=LIST_COLUMNS,
    requirements=(
        Requirement(
            any_of=("name",),
            missing_passes=True,
            reason="an identity is one presented person: under another name it is another",
        ),
        Requirement(
            any_of=("email", "phone", "address", "handle", "resume", "history"),
            reason="a name alone is shared by strangers: something else must agree",
        ),
    ),
    threshold=0.95,
)


# The caps of the single-column blocking rules: a value (or a name) held by more applications
# than its rule's cap makes no pairs, so an incremental link does not read its holders.
BLOCK_CAPS = {
    rule.columns[0]: rule.max_block for rule in IDENTITY_SPEC.blocking if len(rule.columns) == 1
}
# How far along a name's block a record's partners are (the name rule's window).
NAME_WINDOW = next(rule.window for rule in IDENTITY_SPEC.blocking if rule.columns == ("name",))


def application_records(applications: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    """Records for IDENTITY_SPEC.

    ``applications``: rec (the application's row id), key (its natural key: the same in
    every store), name_key, resume_text, education and employment (JSON text as stored).
    ``values``: rec, kind, key (the applicant's normalised emails, phones, addresses and
    profile URLs).
    """
    keyed = (
        values.with_columns(
            pl.col("kind").replace_strict(VALUE_COLUMNS, default=None).alias("column"),
            pl.when(pl.col("kind").is_in(["linkedin", "github"]))
            .then(pl.col("kind") + ":" + pl.col("key"))
            .otherwise(pl.col("key"))
            .alias("key"),
        )
        .drop_nulls("column")
        .join(applications.select("rec", "name_key"), on="rec", how="left")
    )
    # A contact used under many names is an organisation's, not a person's: a staffing
    # agency's phone and mailbox on sixty candidates, a network's shared number. Among a
    # million applications such a value is still rare, so its term frequency alone would
    # weigh it as strongly as a personal email, and two of its people with similar names
    # would merge. A persona's own values carry its name and a few typos of it.
    names = pl.col("name_key").n_unique().over("column", "key")
    listed = (
        keyed.filter(names <= MAX_NAMES_PER_VALUE)
        .group_by("rec", "column")
        .agg(pl.col("key").unique().sort())
        .pivot(on="column", index="rec", values="key")
    )
    for column in set(VALUE_COLUMNS.values()) - set(listed.columns):
        listed = listed.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(column))
    # Values sorted, columns in one order: the same applications make the same records in
    # every store, whatever order its rows come back in (windows and samples follow content).
    listed = listed.select("rec", *sorted(set(VALUE_COLUMNS.values())))
    # In slices: splitting every resume into lines and decoding every history at once held
    # 2 GB of intermediates for a million applications, for results of 60 MB.
    records = pl.concat(
        [
            applications.slice(start, _SLICE).select(record_columns())
            for start in range(0, max(applications.height, 1), _SLICE)
        ]
    )
    return records.join(listed, on="rec", how="left")


def record_columns() -> list[pl.Expr]:
    """A record's columns that come from its application's row alone (every column but the
    applicant values' lists), from the columns of ``application_records``' ``applications``."""
    return [
        pl.col("rec").cast(pl.Int64),
        pl.col("name_key").alias("name"),
        pl.col("name_key").str.slice(0, 2).alias("name_start"),
        record_order(pl.col("key")).alias(ORDER),  # the engine's stable order (spec.ORDER)
        _resume_lines(pl.col("resume_text")).alias("resume"),
        _history(pl.col("education"), pl.col("employment")).alias("history"),
    ]


_SLICE = 100_000


def record_order(key: pl.Expr) -> pl.Expr:
    """A record's place in its blocks' order, from its application's natural key: the same
    in every store, so windows take the same neighbours wherever the records are held."""
    return key.hash(seed=0)


def _resume_lines(text: pl.Expr) -> pl.Expr:
    """The hashes of the distinctive lines: compared as sets, cheaper than text."""
    return resume_lines(text).list.eval(pl.element().hash()).list.unique()


_SCHOOLS = pl.List(pl.Struct({"school_name": pl.String, "end_date": pl.String}))
_JOBS = pl.List(pl.Struct({"company_name": pl.String, "start_date": pl.String}))


def _history(education: pl.Expr, employment: pl.Expr) -> pl.Expr:
    """Employers and schools with their years: "initech:2019", "meadow state university:2012"."""

    def entries(expr: pl.Expr, dtype: pl.DataType, name: str, date: str) -> pl.Expr:
        return expr.str.json_decode(dtype).list.eval(
            pl.element().struct.field(name).str.to_lowercase().str.strip_chars()
            + ":"
            + pl.element().struct.field(date).str.slice(0, 4).fill_null("")
        )

    schools = entries(education, _SCHOOLS, "school_name", "end_date")
    jobs = entries(employment, _JOBS, "company_name", "start_date")
    return pl.concat_list(schools, jobs).list.drop_nulls().list.unique()
