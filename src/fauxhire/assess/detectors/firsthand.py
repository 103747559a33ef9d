"""First-hand detectors: what employers and our own analysts found out about an identity."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from fauxhire.assess.detectors._base import Entry, NoParams, Params
from fauxhire.assess.facts import Facts, fired


def _confidence_table() -> dict[str, dict[str, float]]:
    return {
        "confirmed_fraud": {"high": 1.0, "medium": 0.6, "low": 0.35},
        "suspected": {"high": 0.45, "medium": 0.3, "low": 0.15},
    }


class ReportParams(Params):
    strength: dict[str, dict[str, float]] = Field(
        default_factory=_confidence_table,
        description="disposition -> confidence -> strength; the strongest report counts",
    )
    single_company: float = Field(
        0.5, gt=0, le=1, description="share of its strength a report counts with no other company's"
    )


def employer_report(facts: Facts, params: ReportParams) -> pl.DataFrame:
    """An employer's first-hand report on an application of the identity, weighted by its
    disposition and confidence (``strength``). The strongest report counts, in full when
    reports of two companies or more agree, else ``single_company`` of it: one employer can be
    wrong, and what corroborates its report is for the other indicators to add."""
    table = pl.DataFrame(
        [
            (disposition, confidence, value)
            for disposition, levels in params.strength.items()
            for confidence, value in levels.items()
        ],
        schema={"disposition": pl.String, "confidence": pl.String, "strength": pl.Float64},
        orient="row",
    )
    reports = facts.reports.join(table, on=["disposition", "confidence"])
    agreed = pl.col("company_id").n_unique().over("identity_id") >= 2
    return _reports(
        reports.with_columns(
            pl.when(agreed)
            .then(pl.col("strength"))
            .otherwise(pl.col("strength") * params.single_company)
        )
    )


class ClearedParams(Params):
    strength: dict[str, float] = Field(
        default_factory=lambda: {"high": 1.0, "medium": 0.6, "low": 0.3}
    )


def employer_cleared(facts: Facts, params: ClearedParams) -> pl.DataFrame:
    """An employer's report that investigated the identity and cleared it: evidence against,
    by its confidence."""
    table = pl.DataFrame(
        list(params.strength.items()),
        schema={"confidence": pl.String, "strength": pl.Float64},
        orient="row",
    )
    cleared = facts.reports.filter(pl.col("disposition") == "cleared")
    return _reports(cleared.join(table, on="confidence"))


def _reports(reports: pl.DataFrame) -> pl.DataFrame:
    per_identity = reports.group_by("identity_id").agg(
        pl.col("strength").max(),
        (
            pl.col("disposition")
            + " ("
            + pl.col("confidence")
            + ") by "
            + pl.col("company_id").fill_null("?")
        ).alias("values"),
        pl.col("source").alias("sources"),
    )
    return fired(per_identity)


def analyst_confirmed(facts: Facts, params: NoParams) -> pl.DataFrame:
    """An analyst of this organisation reviewed the identity and confirmed it: linked to
    scheme infrastructure (``fauxhire disposition confirm``)."""
    return _disposed(facts, "confirmed")


def analyst_cleared(facts: Facts, params: NoParams) -> pl.DataFrame:
    """An analyst reviewed the identity and cleared it: evidence against
    (``fauxhire disposition clear``)."""
    return _disposed(facts, "cleared")


def _disposed(facts: Facts, disposition: str) -> pl.DataFrame:
    chosen = facts.dispositions.filter(pl.col("disposition") == disposition)
    return fired(
        chosen.select(
            "identity_id",
            pl.lit(1.0).alias("strength"),
            pl.concat_list(pl.col("disposition") + " by " + pl.col("analyst").fill_null("?")).alias(
                "values"
            ),
            pl.concat_list(pl.lit("disposition:") + pl.col("identity_id")).alias("sources"),
        )
    )


_REPORTS = ("reports.source", "reports.company_id", "reports.disposition", "reports.confidence")
_DISPOSITIONS = ("dispositions.disposition", "dispositions.analyst")
DETECTORS = {
    "employer_report": Entry(ReportParams, employer_report, _REPORTS),
    "employer_cleared": Entry(ClearedParams, employer_cleared, _REPORTS, against=True),
    "analyst_confirmed": Entry(NoParams, analyst_confirmed, _DISPOSITIONS, decisive=True),
    "analyst_cleared": Entry(NoParams, analyst_cleared, _DISPOSITIONS, against=True, decisive=True),
}
