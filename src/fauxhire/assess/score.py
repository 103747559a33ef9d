"""From facts and a ruleset to a probability, a level and the evidence, for every identity and
network.

The model is a sum of log-odds: start at the ruleset's prior, add each indicator's weight times
the strength it fired with. Two passes: first the indicators on an identity's own records;
then the context indicators, which read the first pass's result of the identities tied to it.
Weights for evidence are never negative, so an indicator firing never lowers a probability;
only the indicators of evidence against (a clearance) have negative weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from fauxhire.assess.detectors import DETECTORS, Detector, run_detector
from fauxhire.assess.facts import Facts
from fauxhire.assess.ruleset import COUNT, VALUES, Indicator, LoadedRuleset, logit
from fauxhire.domain import evidence
from fauxhire.domain.evidence import WEIGHT_DECIMALS, IndicatorEvidence
from fauxhire.domain.levels import ESTIMATIVE_TERMS, level_floor

LIKELY = level_floor("likely")
_CONTRIBUTIONS = pl.Schema(
    {
        "identity_id": pl.String(),
        "indicator": pl.String(),
        "family": pl.String(),
        "weight": pl.Float64(),
        "detail": pl.String(),
        "sources": pl.List(pl.String()),
    }
)


@dataclass(frozen=True, slots=True)
class Assessed:
    """identities: identity_id, network_id, probability, level, evidence (JSON text);
    networks: network_id, probability, level, evidence; contributions: one row an indicator
    that fired on an identity (identity_id, indicator, family, weight, detail, sources);
    first_pass: what the context indicators read (identity_id, network_id, gain from the
    identity's own records, and whether that alone made it ``flagged``)."""

    identities: pl.DataFrame
    networks: pl.DataFrame
    contributions: pl.DataFrame
    first_pass: pl.DataFrame


def assess(facts: Facts, loaded: LoadedRuleset, carried: pl.DataFrame | None = None) -> Assessed:
    """Every identity and network of ``facts``. ``carried``: for the assessment of a few
    identities (a screen), the contributions (``_CONTRIBUTIONS``) the store-wide indicators
    made to them in the last assessment of the whole store; those indicators' detectors do not
    run, as what they compare with is not in a few identities' facts."""
    ruleset = loaded.ruleset
    start = logit(ruleset.prior)
    subjects = facts.applications.group_by("identity_id").agg(
        pl.col("network_id").drop_nulls().first()
    )
    chosen = [(i, DETECTORS[i.detector]) for i in ruleset.active]
    kept = _carried(chosen, carried)
    if carried is not None:
        chosen = [(i, d) for i, d in chosen if not d.store_wide]
    own = _contributions(
        facts, [(i, d) for i, d in chosen if d.stage == "own"], None, ruleset.sources_shown
    )
    own = pl.concat([own, kept["own"]])
    first_pass = (
        subjects.join(
            # The gain as the identity's evidence shows it: each weight to four decimals, as
            # stored. A screen then recomputes a peer's gain from its stored evidence to the
            # bit (assess/reassess.py), where unrounded weights were known only to 5e-5 each.
            own.group_by("identity_id").agg(
                pl.col("weight").round(WEIGHT_DECIMALS).sum().round(WEIGHT_DECIMALS).alias("gain")
            ),
            on="identity_id",
            how="left",
        )
        .with_columns(pl.col("gain").fill_null(0.0))
        .with_columns((probability(pl.lit(start) + pl.col("gain")) >= LIKELY).alias("flagged"))
    )
    context = _contributions(
        facts, [(i, d) for i, d in chosen if d.stage == "context"], first_pass,
        ruleset.sources_shown,
    )  # fmt: skip
    found = pl.concat([own, context])
    # A partly store-wide indicator's carried contribution stands where this run found none.
    partly = kept["partly"].join(found, on=["identity_id", "indicator"], how="anti")
    contributions = pl.concat([found, kept["context"], partly])
    identities = _subjects(subjects, contributions, start, "identity_id")
    networks = _networks(subjects, own, logit(ruleset.network_prior), ruleset.active)
    return Assessed(identities, networks, contributions, first_pass)


def _carried(
    chosen: list[tuple[Indicator, Detector]], carried: pl.DataFrame | None
) -> dict[str, pl.DataFrame]:
    """Per stage, the carried contributions of the active store-wide indicators, and
    (``partly``) those of the partly store-wide ones, whatever their stage."""
    stages: dict[str, list[str]] = {"own": [], "context": [], "partly": []}
    for indicator, detector in chosen:
        if detector.store_wide:
            stages[detector.stage].append(indicator.id)
        elif detector.store_wide_part:
            stages["partly"].append(indicator.id)
    rows = pl.DataFrame(schema=_CONTRIBUTIONS) if carried is None else carried
    return {
        stage: rows.select(_CONTRIBUTIONS.names()).filter(pl.col("indicator").is_in(ids))
        for stage, ids in stages.items()
    }


def _contributions(
    facts: Facts,
    chosen: list[tuple[Indicator, Detector]],
    own: pl.DataFrame | None,
    shown: int,
) -> pl.DataFrame:
    parts = [pl.DataFrame(schema=_CONTRIBUTIONS)]
    for indicator, detector in chosen:
        hits = run_detector(detector, facts, indicator.params, own)
        if hits.height == 0:
            continue
        parts.append(
            hits.with_columns(
                pl.col("values").list.head(shown).list.join("; ").alias("_values"),
                pl.col("sources").list.len().cast(pl.String).alias("_count"),
            ).select(
                "identity_id",
                pl.lit(indicator.id).alias("indicator"),
                pl.lit(indicator.family).alias("family"),
                (pl.lit(indicator.weight) * pl.col("strength")).alias("weight"),
                _filled(indicator).alias("detail"),
                pl.col("sources").list.head(shown),
            )
        )
    return pl.concat(parts)


def _filled(indicator: Indicator) -> pl.Expr:
    """The indicator's sentence with {values} and {count} filled in, row by row."""
    columns = {VALUES: pl.col("_values"), COUNT: pl.col("_count")}
    return pl.concat_str([columns.get(part, pl.lit(part)) for part in indicator.detail_parts()])


def _subjects(
    subjects: pl.DataFrame, contributions: pl.DataFrame, start: float, key: str
) -> pl.DataFrame:
    """Every subject with its probability, level and evidence (strongest first)."""
    items = (
        contributions.filter(pl.col("weight") != 0)
        .sort(["weight", "indicator"], descending=[True, False])
        .group_by(key, maintain_order=True)
        .agg(
            pl.col("weight").sum().alias("_total"),
            evidence.encoded(
                IndicatorEvidence, weight=pl.col("weight").round(WEIGHT_DECIMALS)
            ).alias("_items"),
        )
        .with_columns(evidence.listed(pl.col("_items")).alias("evidence"))
        .select(key, "_total", "evidence")
    )
    scored = subjects.join(items, on=key, how="left").with_columns(
        probability(pl.lit(start) + pl.col("_total").fill_null(0.0)).alias("probability"),
        pl.col("evidence").fill_null(evidence.to_json(())),
    )
    return scored.with_columns(level(pl.col("probability")).alias("level")).drop("_total")


def _networks(
    subjects: pl.DataFrame, own: pl.DataFrame, start: float, indicators: list[Indicator]
) -> pl.DataFrame:
    """A network's evidence: for each indicator of evidence for, the strongest of its members'
    (a network is as suspect as what its best-evidenced members show, not their sum: members
    are tied by the infrastructure the indicators see, so adding them would count it twice).
    Evidence against one member does not clear the network."""
    members = subjects.drop_nulls("network_id")
    sizes = members.group_by("network_id").agg(pl.len().alias("_members"))
    titles = pl.DataFrame(
        {"indicator": [i.id for i in indicators], "_title": [i.title for i in indicators]}
    )
    per_indicator = (
        own.filter(pl.col("weight") > 0)
        .join(members, on="identity_id")
        .group_by("network_id", "indicator")
        .agg(
            pl.col("weight").max(),
            pl.len().alias("_n"),
            ("identity:" + pl.col("identity_id")).sort().alias("sources"),
        )
        .join(sizes, on="network_id")
        .join(titles, on="indicator", how="left")
        .select(
            "network_id",
            "indicator",
            "weight",
            (
                pl.col("_n").cast(pl.String) + " of " + pl.col("_members").cast(pl.String)
                + " identities: " + pl.col("_title").fill_null(pl.col("indicator"))
            ).alias("detail"),
            pl.col("sources").list.head(20),
        )
    )  # fmt: skip
    return _subjects(sizes.select("network_id"), per_indicator, start, "network_id")


def probability(logodds: pl.Expr) -> pl.Expr:
    return 1.0 / (1.0 + (-logodds).exp())


def level(chance: pl.Expr) -> pl.Expr:
    """The ICD 203 term of docs/formats.md section 11 for each probability."""
    lowest, *higher = ESTIMATIVE_TERMS
    chain: Then | ChainedThen = pl.when(chance < level_floor(higher[0])).then(pl.lit(lowest))
    for term, above in pairwise(higher):
        chain = chain.when(chance < level_floor(above)).then(pl.lit(term))
    return chain.otherwise(pl.lit(higher[-1]))
