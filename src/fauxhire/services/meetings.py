"""Meeting participants joined to the application they were interviewed for.

A candidate participant (any role but host) is the candidate of an application at the meeting's
company: by email, or failing that by name when exactly one candidate of that company has the
name (docs/formats.md section 12). A candidate may have applied there more than once, so of the
candidate's applications the meeting joins, in this order of preference:

1. one applied for before the meeting (an interview follows its application);
2. one whose job title the meeting topic names (``TITLE_NAMED``): the closest named, and of
   two named alike the longer title ("Senior Backend Engineer" over "Backend Engineer");
3. one the ATS shows reached an interview stage: a meeting is an interview, and an
   application whose stage says it never got past review is the less likely home for it;
4. the one whose dates are nearest the meeting: its interview date where the ATS gives one,
   else its application date;
5. the latest applied, then the smallest key, so every run chooses the same.

A topic naming no job ("Alex <> Example Corp") leaves the choice to the stages and time. Only
when no application precedes the meeting (clock skew, a record created after its screen) does
one after it win, rather than the meeting joining nothing.

Everything is set-based: one query finds every pending participant's candidate applications,
polars ranks them (titles scored by rapidfuzz over the pairs at once), and one statement writes
the choices back through a temporary table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
from rapidfuzz import fuzz, process
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    MetaData,
    Table,
    Text,
    or_,
    select,
    text,
    update,
)

from fauxhire.domain.normalise import name as name_norm
from fauxhire.store import schema as s
from fauxhire.store.bulk import insert_rows
from fauxhire.store.types import UtcDateTime

HOST_ROLES = ("host", "co-host", "cohost")
# A title is named by a topic when it (or its core, without a parenthesis or a " - " suffix such
# as "(Remote, US)" or "- Hybrid") appears in the topic with at most small differences: rapidfuzz
# partial ratio, 0 to 100. On the validation worlds titles in their topic score 100 and others
# mostly under 65.
TITLE_NAMED = 90.0

_S, _TIME = pl.String, pl.Datetime("us", "UTC")
PAIRS: dict[str, Any] = {
    "participant": _S,
    "method": _S,
    "app": _S,
    "candidate_id": _S,
    "job_title": _S,
    "applied_at": _TIME,
    "interviewed_at": _TIME,
    "stage_interview": pl.Boolean,
    "topic": _S,
    "at": _TIME,
}

_scratch = MetaData()
_scratch_pending = Table(
    "meeting_join_pending",
    _scratch,
    Column("participant", Text, primary_key=True),
    Column("company_id", Text, nullable=False),
    Column("email_key", Text),
    Column("name_key", Text),
    prefixes=["TEMPORARY"],
)
_choices = Table(
    "meeting_join_choices",
    _scratch,
    Column("participant", Text, primary_key=True),
    Column("app", Text, nullable=False),
    Column("method", Text, nullable=False),
    prefixes=["TEMPORARY"],
)


def join_meetings(conn: Connection) -> int:
    """Join every candidate participant not yet joined; the number joined."""
    chosen = choose_applications(candidate_pairs(conn))
    if chosen.height:
        with _temporary(conn, _choices):
            _insert(conn, _choices, chosen.select("participant", "app", "method").rows())
            _write_choices(conn)
    return chosen.height


def candidate_pairs(conn: Connection) -> pl.DataFrame:
    """Every pending candidate participant with each application it may join (``PAIRS``):
    by email, or, for a participant no email matches, by a name exactly one candidate of the
    company has."""
    pending = _pending(conn)
    if pending.is_empty():
        return pl.DataFrame(schema=PAIRS)
    # The participants go to the database as a table to join, so each looks its applications
    # up by index (a join from meeting_participants itself scanned it once per email value).
    with _temporary(conn, _scratch_pending):
        _insert(conn, _scratch_pending, pending.select(_scratch_pending.c.keys()).rows())
        by_email = _matches(conn, "email")
        by_name = _matches(conn, "name")
    by_name = by_name.join(by_email, on="participant", how="anti").filter(
        pl.col("candidate_id").n_unique().over("participant") == 1
    )
    return (
        pl.concat([by_email, by_name])
        .join(pending.select("participant", "topic", "at"), on="participant")
        .select(list(PAIRS))
    )


def choose_applications(pairs: pl.DataFrame) -> pl.DataFrame:
    """Of each participant's candidate applications (frame ``PAIRS``), the one it joins:
    ``participant``, ``app``, ``method``, in participant order."""
    ranked = _title_scores(pairs).with_columns(
        precedes=pl.col("at").is_null() | (pl.col("applied_at") <= pl.col("at")),
        distance=(pl.col("at") - pl.coalesce("interviewed_at", "applied_at"))
        .abs()
        .dt.total_microseconds()
        .fill_null(0),
    )
    order = {"precedes": True, "named": True, "match": True, "length": True,
             "stage_interview": True, "distance": False, "applied_at": True,
             "app": False}  # fmt: skip
    return (
        ranked.sort(["participant", *order], descending=[False, *order.values()])
        .unique("participant", keep="first", maintain_order=True)
        .select("participant", "app", "method")
    )


def _title_scores(pairs: pl.DataFrame) -> pl.DataFrame:
    """``named``: the topic names the job title, whole or its core; ``match``: how closely
    (``TITLE_NAMED`` to 100, 0 when not named); ``length``: the characters of the form named,
    so of two titles named alike the longer, more specific, wins. Scored only where there is
    a choice."""
    texts = pairs.with_columns(
        title=_plain(pl.col("job_title")),
        core=_plain(
            pl.col("job_title").str.replace_all(r"\([^)]*\)|\[[^\]]*\]", " ").str.split(" - ")
            .list.first()
        ),
        subject=_plain(pl.col("topic")),
    )  # fmt: skip
    contested = texts.filter(
        (pl.len().over("participant") > 1) & (pl.col("subject").str.len_chars() > 0)
    )
    scores = contested.select(
        "participant",
        "app",
        title_score=_partial_ratio(contested["title"], contested["subject"]),
        core_score=_partial_ratio(contested["core"], contested["subject"]),
    )

    # The title must be in the topic, not the topic in the title ("Engineer" names no job).
    def named(form: str) -> pl.Expr:
        fits = pl.col(form).str.len_chars() <= pl.col("subject").str.len_chars()
        score = pl.col(f"{form}_score").round(0)
        return pl.when(fits & (score >= TITLE_NAMED)).then(score).otherwise(0.0)

    whole = named("title") >= named("core")  # the whole title, unless its core fits better
    return (
        texts.join(scores, on=["participant", "app"], how="left")
        .with_columns(
            match=pl.max_horizontal(named("title"), named("core")).fill_null(0.0),
            form=pl.when(whole).then(pl.col("title")).otherwise(pl.col("core")),
        )
        .with_columns(
            named=pl.col("match") > 0,
            length=pl.when(pl.col("match") > 0).then(pl.col("form").str.len_chars()).otherwise(0),
        )
        .drop("title", "core", "subject", "title_score", "core_score", "form")
    )


def _plain(text: pl.Expr) -> pl.Expr:
    """Text compared without case or punctuation, its words separated by single spaces."""
    return (
        text.fill_null("")
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
    )


def _partial_ratio(needles: pl.Series, haystacks: pl.Series) -> pl.Series:
    """rapidfuzz's partial ratio of each pair (0 to 100), all pairs in one call."""
    if needles.len() == 0:
        return pl.Series([], dtype=pl.Float64)
    scores = process.cpdist(
        needles.to_list(), haystacks.to_list(), scorer=fuzz.partial_ratio, workers=-1
    )
    return pl.Series(scores, dtype=pl.Float64)


def _pending(conn: Connection) -> pl.DataFrame:
    """The candidate participants not yet joined (none a host), with the keys they match on:
    ``participant``, ``company_id``, ``email_key``, ``name_key``, ``topic``, ``at``."""
    mp = s.meeting_participants
    query = (
        select(mp.c.key, mp.c.company_id, mp.c.email_key, mp.c.user_name, mp.c.topic)
        .add_columns(mp.c.join_time, mp.c.start_time)
        .where(mp.c.app_key.is_(None))
        .where(or_(mp.c.role.is_(None), mp.c.role.notin_(HOST_ROLES)))
    )
    schema = dict.fromkeys(("participant", "company_id", "email_key", "user_name", "topic"), _S)
    found = pl.DataFrame(
        conn.execute(query).all(), schema={**schema, "join": _TIME, "start": _TIME}, orient="row"
    )
    # Each distinct name keyed once, by the function that keyed the applications' names.
    names = found.select(pl.col("user_name").drop_nulls().unique()).with_columns(
        name_key=pl.col("user_name").map_elements(_name_key, return_dtype=_S)
    )
    return found.join(names, on="user_name", how="left", nulls_equal=False).select(
        "participant", "company_id", "email_key", "name_key", "topic",
        at=pl.coalesce("join", "start"),
    )  # fmt: skip


def _name_key(user_name: str) -> str | None:
    """The name's matching key, as applications' names are keyed; None for no letters."""
    return name_norm.key(" ".join(user_name.split())) or None


# The participants' applications, by email and by name. CROSS JOIN makes SQLite read the
# pending participants first and look each one's applications up by index; with a plain JOIN
# it read every email value and scanned the participants once for each (16 s for 3,000
# participants among 20,000 applications). PostgreSQL plans a CROSS JOIN as any other.
_MATCHES = {
    "email": (
        "FROM meeting_join_pending p CROSS JOIN applicant_values v CROSS JOIN applications a "
        "WHERE v.kind = 'email' AND v.key = p.email_key AND a.id = v.app_ref "
        "AND a.company_id = p.company_id"
    ),
    "name": (
        "FROM meeting_join_pending p CROSS JOIN applications a "
        "WHERE a.name_key = p.name_key AND a.company_id = p.company_id"
    ),
}


def _matches(conn: Connection, method: str) -> pl.DataFrame:
    """The applications each pending participant (in ``_scratch_pending``) matches by
    ``method``, email or name: its company's applications with that email or name key."""
    query = text(
        f"SELECT p.participant, '{method}' AS method, a.key, a.candidate_id, a.job_title, "
        f"a.applied_at, a.interviewed_at, a.stage_interview {_MATCHES[method]}"
    ).columns(applied_at=UtcDateTime, interviewed_at=UtcDateTime, stage_interview=Boolean)
    schema = {k: v for k, v in PAIRS.items() if k not in ("topic", "at")}
    return pl.DataFrame(conn.execute(query).all(), schema=schema, orient="row")


@contextmanager
def _temporary(conn: Connection, table: Table) -> Iterator[None]:
    """A scratch table of this connection's session, dropped afterwards."""
    table.drop(conn, checkfirst=True)
    table.create(conn)
    try:
        yield
    finally:
        table.drop(conn)


def _insert(conn: Connection, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    insert_rows(conn, table, [c.name for c in table.columns], rows, conn.dialect.name)


def _write_choices(conn: Connection) -> None:
    mp, app, ch = s.meeting_participants, s.applications, _choices
    chosen = select(ch.c.participant)
    conn.execute(
        update(mp)
        .where(mp.c.key.in_(chosen))
        .values(
            app_key=select(ch.c.app).where(ch.c.participant == mp.c.key).scalar_subquery(),
            match_method=select(ch.c.method).where(ch.c.participant == mp.c.key).scalar_subquery(),
        )
    )
    conn.execute(update(app).where(app.c.key.in_(select(ch.c.app))).values(has_meeting=True))
