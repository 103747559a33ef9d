"""The assessment of a few identities (those a screen touched), with the store around them.

``assess_store`` reads every linked record. A screen cannot: at a million applications that
is 25 s. It reads the records of the identities it touched and of those their context
indicators read (``ScopedFactReader.assessment_scope``: the members of their networks, the
identities tied to them as borrowed, the holders of referring names), and runs the same
detectors and the same score over them. What one identity's score reads is then what the
whole store's would: its own records, and its neighbours'.

Two indicators compare an identity with every other of the store (resume lines against every
resume: ``Detector.store_wide``). Their contributions are carried from the identities' stored
assessment, when the same ruleset made it; a new identity has none until the next whole-store
assessment (``fauxhire assess``, or the service's refresh) runs them. One reads the store in
part (the referral: whom an identity referred is free text no index holds,
``Detector.store_wide_part``): it runs, and its stored contribution stands where it finds none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import get_args

import polars as pl

from fauxhire.assess.applicant import store_wide_indicators
from fauxhire.assess.detectors.context import ReferralParams
from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.assess.score import assess
from fauxhire.enrich.keyed import MatchKeys
from fauxhire.ports import AssessmentRow, FactFrame, ScopedAssessingStore
from fauxhire.services.assess import assessment_rows
from fauxhire.services.facts import shape_facts


@dataclass(frozen=True, slots=True)
class FewAssessed:
    rows: list[AssessmentRow]  # the identities asked for, then their networks
    scope: int  # identities read to assess them
    carried: int  # store-wide contributions carried from stored assessments


def assess_identities(
    store: ScopedAssessingStore,
    identities: Sequence[str],
    *,
    now: datetime,
    ruleset: LoadedRuleset,
    community_key: MatchKeys = None,
) -> FewAssessed:
    """Assess ``identities`` and their networks as a whole-store assessment would, and store
    those assessments (and only those). Read first, then write, in one unit of work."""
    wanted = sorted(set(identities))
    scope = store.assessment_scope(wanted, referral_namesakes(ruleset))
    frames = {name: store.scoped_fact_frame(name, scope) for name in get_args(FactFrame)}
    facts = shape_facts(frames, now=now, community_key=community_key)
    carried = carried_contributions(store, scope, ruleset)
    assessed = assess(facts, ruleset, carried)
    mine = assessed.identities.filter(pl.col("identity_id").is_in(wanted))
    networks = mine.get_column("network_id").drop_nulls().unique().to_list()
    rows = assessment_rows(
        mine, assessed.networks.filter(pl.col("network_id").is_in(networks)), ruleset
    )
    with store.unit_of_work():
        store.upsert_assessments(rows, now=now)
    return FewAssessed(rows=rows, scope=len(scope), carried=carried.height)


def referral_namesakes(ruleset: LoadedRuleset) -> int:
    """How many holders of a referring name a scope must hold for the referral detector to
    count them as the whole store does: one more than the most it reads a referral under."""
    bounds = [
        ReferralParams.model_validate(i.params).max_namesakes
        for i in ruleset.ruleset.active
        if i.detector == "referral_flagged"
    ]
    return max(bounds, default=0) + 1


def carried_contributions(
    store: ScopedAssessingStore, identities: Sequence[str], ruleset: LoadedRuleset
) -> pl.DataFrame:
    """The contributions of the ruleset's store-wide indicators to ``identities``, as their
    stored assessments hold them, where the same ruleset (by content hash) made them:
    identity_id, indicator, family, weight, detail, sources."""
    families = store_wide_indicators(ruleset)
    rows = [
        (found.subject_id, item.indicator, families[item.indicator], item.weight, item.detail,
         list(item.sources))
        for found in store.assessments("identity", subject_ids=identities)
        if found.ruleset_hash == ruleset.content_hash
        for item in found.evidence
        if item.indicator in families
    ]  # fmt: skip
    return pl.DataFrame(
        rows,
        schema={
            "identity_id": pl.String, "indicator": pl.String, "family": pl.String,
            "weight": pl.Float64, "detail": pl.String, "sources": pl.List(pl.String),
        },
        orient="row",
    )  # fmt: skip
