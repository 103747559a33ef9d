"""The assessment of a few identities (a screen's) gives what the whole store's gives them.

On a copy of the demo world's store, assessed whole by `fauxhire demo`: every flagged
identity, every member of a network, every identity tied as borrowed or by a referral, and a
sample of the rest are assessed one at a time with ``assess_identities``, and each comes out
with the probability, level and evidence of the whole-store assessment. Also on PostgreSQL,
with the world's input run there. Both are first assessed whole on one clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from sqlalchemy import bindparam, text

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.domain.outcomes import Assessment
from fauxhire.services.assess import assess_store, load_ruleset
from fauxhire.services.assess_few import assess_identities
from fauxhire.store import SqlStore

NOW = datetime(2025, 7, 1, tzinfo=UTC)


# What shipping-not-home says of a hire shipped to a mail-receiving building: its count of
# other identities shipping there is the store's, which the few identities' facts must read.
RECEIVING = "other identities ship to)"


def _receiving(assessment: Assessment) -> bool:
    return any(RECEIVING in e.detail for e in assessment.evidence)


def _chosen(store: SqlStore) -> list[str]:
    """Every identity whose score reads others' (flagged, networked, tied, shipping to a
    building many use) and every 7th."""
    assessed = store.assessments("identity")
    picked = {a.subject_id for a in assessed if a.probability >= 0.2 or a.network_id}
    picked |= {a.subject_id for a in assessed if _receiving(a)}
    picked |= {a.subject_id for i, a in enumerate(assessed) if i % 7 == 0}
    for stage in ("borrowed",):
        edges = store.fact_frame(stage)
        picked |= set(edges.get_column("a").to_list()) | set(edges.get_column("b").to_list())
    referred = store.fact_frame("applications").drop_nulls("referred_by")
    picked |= set(referred.get_column("identity_id").to_list())
    return sorted(picked)


def _as_compared(found: Assessment) -> tuple[str, float, list[tuple[str, float, str]]]:
    items = [(e.indicator, round(e.weight, 3), e.detail) for e in found.evidence]
    return found.level, round(found.probability, 4), sorted(items)


@pytest.mark.parametrize("demo_store_url", ["sqlite", "postgresql"], indirect=True)
def test_each_identity_assessed_alone_comes_out_as_in_the_whole_store(demo_store_url: str) -> None:
    store = SqlStore.open(demo_store_url)
    try:
        ruleset = load_ruleset()
        assess_store(store, now=NOW, ruleset=ruleset)  # on one clock: indicators decay
        whole = {a.subject_id: a for a in store.assessments("identity")}
        chosen = _chosen(store)
        assert len(chosen) >= 100
        assert any(whole[i].level in ("likely", "very likely", "almost certain") for i in chosen)
        differ = []
        scopes = []
        for identity in chosen:
            few = assess_identities(store, [identity], now=NOW, ruleset=ruleset)
            scopes.append(few.scope)
            alone = store.assessments("identity", identity)[0]
            if _as_compared(alone) != _as_compared(whole[identity]):
                differ.append((identity, _as_compared(whole[identity]), _as_compared(alone)))
        assert differ == []
        assert max(scopes) > 1  # networks and ties were read, not only the identity itself
    finally:
        store.close()


@pytest.mark.parametrize("demo_store_url", ["sqlite", "postgresql"], indirect=True)
def test_a_mates_referral_under_a_common_name_is_not_read_as_its_holders(
    demo_store_url: str,
) -> None:
    """A network mate's application says it was referred by a name that many identities
    hold, this one among them. The whole store reads no referral under such a name; a screen
    of this identity, whose scope holds the mate but not the name's other holders, must not
    read one either (it once called the identity the referrer of its flagged mate)."""
    store = SqlStore.open(demo_store_url)
    try:
        ruleset, whole, apps = _assessed_whole(store)
        networked = apps.drop_nulls("network_id").unique(["identity_id"])
        mate, holder, network = _mate_and_holder(networked, whole)
        # A name four identities outside the network hold, and the holder.
        outside = sorted(set(apps.filter(pl.col("network_id").is_null())["identity_id"]))[:4]
        name = "avery quinn"  # the key of "Quinn Avery": words in order
        assert name not in set(apps["name_key"].drop_nulls().to_list())
        keys = [key for identity in [*outside, holder] for key in _keys(apps, identity)]
        _rewrite(store, {name: keys}, {_keys(apps, mate)[0]: "Quinn Avery"})
        assess_store(store, now=NOW, ruleset=ruleset)
        expected = _as_compared(store.assessments("identity", holder)[0])
        assert not any(f"referred {mate}" in detail for _, _, detail in expected[2])
        few = assess_identities(store, [holder], now=NOW, ruleset=ruleset)
        assert _as_compared(store.assessments("identity", holder)[0]) == expected
        assert few.scope > networked.filter(pl.col("network_id") == network).height
    finally:
        store.close()


@pytest.mark.parametrize("demo_store_url", ["sqlite", "postgresql"], indirect=True)
def test_a_building_many_ship_to_is_weighed_alone_as_in_the_whole_store(
    demo_store_url: str,
) -> None:
    """Eight hired identities in no network, each giving a home, have their equipment sent to
    their own boxes in one building: a mail-receiving service's. The whole store counts seven
    others at the building for each and weighs the shipping half. Assessed alone, an
    identity's facts hold its own hires only: the building's other holders must be read too,
    or its shipping would weigh in full."""
    store = SqlStore.open(demo_store_url)
    try:
        ruleset, _, apps = _assessed_whole(store)
        hires = store.fact_frame("hires")
        homes = store.fact_frame("contacts").filter(pl.col("kind") == "address")
        with_home = set(apps.join(homes, on="rec")["identity_id"])
        loners = set(apps.filter(pl.col("network_id").is_null())["identity_id"])
        chosen = sorted(set(hires["identity_id"]) & loners & with_home)[:8]
        assert len(chosen) == 8
        building = "23764 vernon st jacksonville fl 32230"
        with store.transaction("test") as conn:
            for box, identity in enumerate(chosen):
                for source in hires.filter(pl.col("identity_id") == identity)["source"]:
                    conn.execute(
                        text(
                            "UPDATE hires SET shipping_address_key = :address, "
                            "shipping_building_key = :building WHERE key = :key"
                        ),
                        {"address": f"{building} pmb {box}", "building": building, "key": source},
                    )
        assess_store(store, now=NOW, ruleset=ruleset)
        expected = {i: _as_compared(store.assessments("identity", i)[0]) for i in chosen}
        shipped = [d for i in chosen for _, _, d in expected[i][2] if RECEIVING in d]
        assert len(shipped) == 8, shipped
        for identity in chosen:
            assess_identities(store, [identity], now=NOW, ruleset=ruleset)
            assert _as_compared(store.assessments("identity", identity)[0]) == expected[identity]
    finally:
        store.close()


def _mate_and_holder(networked: pl.DataFrame, whole: dict[str, Assessment]) -> tuple[str, str, str]:
    """The most suspect identity in a network, another of its network, and the network."""
    mate = max(networked["identity_id"].to_list(), key=lambda i: whole[i].probability)
    network = networked.filter(pl.col("identity_id") == mate)["network_id"][0]
    members = networked.filter(pl.col("network_id") == network)["identity_id"].to_list()
    return mate, sorted(set(members) - {mate})[0], network


def _keys(apps: pl.DataFrame, identity: str) -> list[str]:
    return sorted(apps.filter(pl.col("identity_id") == identity)["app_key"].to_list())


@pytest.mark.parametrize("demo_store_url", ["sqlite", "postgresql"], indirect=True)
def test_a_referral_naming_the_identitys_common_name_is_not_read_as_its_alone(
    demo_store_url: str,
) -> None:
    """This identity says a flagged identity referred it, and the flagged one's application
    says it was referred by this identity's name, which five identities hold. The whole store
    reads the first referral and not the second; a screen of this identity brings the flagged
    one into its scope (as the referrer it names) and must count the name's holders before
    reading the second (it once called an identity the referrer of a flagged one: bench/screen
    at a million applications, 4 of 1,000 screens)."""
    store = SqlStore.open(demo_store_url)
    try:
        ruleset, whole, apps = _assessed_whole(store)
        flagged, _, _ = _mate_and_holder(apps.drop_nulls("network_id"), whole)
        outside = sorted(set(apps.filter(pl.col("network_id").is_null())["identity_id"]))[:5]
        this = outside[0]
        # The names' keys: their words in order, as a referral's text is keyed.
        renamed = {"avery quinn": [k for i in outside for k in _keys(apps, i)],
                   "blake rowan": _keys(apps, flagged)}  # fmt: skip
        referred = {_keys(apps, this)[0]: "Rowan Blake", _keys(apps, flagged)[0]: "Quinn Avery"}
        _rewrite(store, renamed, referred)
        assess_store(store, now=NOW, ruleset=ruleset)
        expected = _as_compared(store.assessments("identity", this)[0])
        details = [detail for _, _, detail in expected[2]]
        assert any(f"referred by {flagged}" in d for d in details), details
        assert not any(f"referred {flagged}" in d for d in details), details
        assess_identities(store, [this], now=NOW, ruleset=ruleset)
        assert _as_compared(store.assessments("identity", this)[0]) == expected
    finally:
        store.close()


def _rewrite(store: SqlStore, renamed: dict[str, list[str]], referred: dict[str, str]) -> None:
    """Give the applications of each list the name key, and each application the referrer."""
    with store.transaction("test") as conn:
        for name, keys in renamed.items():
            conn.execute(
                text("UPDATE applications SET name_key = :name WHERE key IN :keys").bindparams(
                    bindparam("keys", expanding=True)
                ),
                {"name": name, "keys": keys},
            )
        for key, name in referred.items():
            conn.execute(
                text("UPDATE applications SET referred_by = :name WHERE key = :key"),
                {"name": name, "key": key},
            )


def _assessed_whole(store: SqlStore) -> tuple[LoadedRuleset, dict[str, Assessment], pl.DataFrame]:
    """The store assessed whole on the test's clock: the ruleset, each identity's
    assessment, and the applications' facts."""
    ruleset = load_ruleset()
    assess_store(store, now=NOW, ruleset=ruleset)
    whole = {a.subject_id: a for a in store.assessments("identity")}
    return ruleset, whole, store.fact_frame("applications")
