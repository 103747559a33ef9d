"""Meeting participants joined to the application they were interviewed for.

A candidate participant (any role but host, ``HOST_ROLES``) is the candidate of an application
at the meeting's company: by email, or failing that by name when exactly one candidate of that
company has the name (docs/formats.md section 12). A candidate may have applied there more than
once, so of the candidate's applications the meeting joins, in this order of preference:

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

Everything is set-based: the store finds every pending participant's candidate applications
by key (``store/meeting_joins.py``), polars ranks them here (titles scored by rapidfuzz over
the pairs at once), and the store writes the choices back.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from rapidfuzz import fuzz, process

from fauxhire.domain.normalise import name as name_norm

HOST_ROLES = ("host", "co-host", "cohost")
# A title is named by a topic when it (or its core, without a parenthesis or a " - " suffix such
# as "(Remote, US)" or "- Hybrid") appears in the topic with at most small differences: rapidfuzz
# partial ratio, 0 to 100. On the validation worlds titles in their topic score 100 and others
# mostly under 65.
TITLE_NAMED = 90.0

_S, _TIME = pl.String, pl.Datetime("us", "UTC")
# The candidate participants not yet joined, as the store reads them.
PARTICIPANTS: dict[str, Any] = {
    **dict.fromkeys(("participant", "company_id", "email_key", "user_name", "topic"), _S),
    "join": _TIME,
    "start": _TIME,
}
# The same with the keys they are matched on, as the store looks their applications up.
PENDING: dict[str, Any] = {
    **dict.fromkeys(("participant", "company_id", "email_key", "name_key", "topic"), _S),
    "at": _TIME,
}
# An application a participant matches (``method``: email or name), as the store finds it.
MATCHES: dict[str, Any] = {
    **dict.fromkeys(("participant", "method", "app", "candidate_id", "job_title"), _S),
    "applied_at": _TIME,
    "interviewed_at": _TIME,
    "stage_interview": pl.Boolean,
}
# Each participant with each application it may join: what ``choose_applications`` ranks.
PAIRS: dict[str, Any] = {**MATCHES, "topic": _S, "at": _TIME}


def pending_keys(participants: pl.DataFrame) -> pl.DataFrame:
    """The participants (``PARTICIPANTS``) with the keys they match on (``PENDING``): the
    email key as read, the name keyed by the function that keyed the applications' names,
    and the time of the meeting (the participant's join, else the meeting's start)."""
    # Each distinct name keyed once.
    names = participants.select(pl.col("user_name").drop_nulls().unique()).with_columns(
        name_key=pl.col("user_name").map_elements(_name_key, return_dtype=_S)
    )
    return participants.join(names, on="user_name", how="left", nulls_equal=False).select(
        "participant", "company_id", "email_key", "name_key", "topic",
        at=pl.coalesce("join", "start"),
    )  # fmt: skip


def _name_key(user_name: str) -> str | None:
    """The name's matching key, as applications' names are keyed; None for no letters."""
    return name_norm.key(" ".join(user_name.split())) or None


def candidate_pairs(
    pending: pl.DataFrame, by_email: pl.DataFrame, by_name: pl.DataFrame
) -> pl.DataFrame:
    """Every pending participant with each application it may join (``PAIRS``): those its
    email finds (``by_email``), or, for a participant no email matches, those its name finds
    (``by_name``) when exactly one candidate of the company has the name."""
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
