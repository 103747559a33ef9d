"""An employer report joins the applications it names: candidate ids at the reporting
company, emails, phones and profile handles anywhere, names only at the reporting company."""

from __future__ import annotations

import polars as pl

# Subject values that name one person wherever they are seen; a name is no such value.
STRONG_KINDS = ("email", "phone", "linkedin", "github", "url")

# What the rule reads, as the store finds it by key.
BY_CANDIDATE = {"report": pl.String, "app": pl.String}  # named by candidate id, at its company
BY_VALUE = {"report": pl.String, "app": pl.String, "kind": pl.String}
BY_NAME = {
    "report": pl.String,
    "reporting_company_id": pl.String,
    "app": pl.String,
    "company_id": pl.String,
}
MATCHES = {"report": pl.String, "app": pl.String, "matched_on": pl.String}


def report_matches(
    by_candidate: pl.DataFrame, by_value: pl.DataFrame, by_name: pl.DataFrame
) -> pl.DataFrame:
    """``report``, ``app``, ``matched_on`` (the kinds that tie them, sorted, comma-separated),
    in report and application order, from the applications found by key: named by candidate
    id at the reporting company (``BY_CANDIDATE``), sharing a subject value (``BY_VALUE``),
    or having a subject's name anywhere (``BY_NAME``)."""
    parts = [
        by_candidate.select("report", "app", kind=pl.lit("candidate_id")),
        by_value.filter(pl.col("kind").is_in(STRONG_KINDS)).select("report", "app", "kind"),
        by_name.filter(pl.col("company_id") == pl.col("reporting_company_id")).select(
            "report", "app", kind=pl.lit("name")
        ),
    ]
    return (
        pl.concat(parts)
        .group_by("report", "app")
        .agg(pl.col("kind").unique().sort().str.join(",").alias("matched_on"))
        .sort("report", "app")
        .select(list(MATCHES))
    )
