"""Networks: the identities one operator group runs, found by the infrastructure they share.

Identities that share a payout account, a drop shipping address, a phone, an egress IP, a
meeting device name or a resume template are linked, each shared value weighed by what it is
and by how rare it is: held by a few it counts in full; by more, less (on a log scale); by more
than the signal's cap (a staffing agency's phone, a university NAT) not at all. Signals fall
into families (contact, money, logistics, egress, device, resume, referral); a link sums the
strongest value of each family.

No one family links two groups alone: every signal weighs less than the threshold. A value
shared by design (a mail-forwarding building, an employer-of-record's pooled payout account,
an agency's phone) ties many people who share nothing else, and nothing about the value itself
tells it from a laptop farm's; what tells them apart is corroboration: a farm's identities
also share devices, egress, templates or contacts. Resume lines add up instead, each worth its
rarity in the whole store (a line held by ``n`` of ``N`` identities carries ln(N/n) nats): two
strangers share a common phrase or two, personas of one operator a template of many rare lines.

Links join groups, round by round, until no two groups are linked. A value's rarity is counted
outside the two groups it would join: a resume line or a farm address that twenty identities
of one network hold and nobody else does is, for joining a twenty-first, as rare as a value two
identities share; an agency phone held by sixty strangers stays common however groups form.
Identities that are one person the identity stage left split start as one group (an email
address hardly anyone else holds, or a value under a name word too rare for strangers to share
both by chance in a store this size), and a network needs two persons or more.

Input and output are polars frames; nothing here reads a store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from fauxhire.link.cluster import cluster_ids, components


class Signal(BaseModel):
    """One kind of shared value and what sharing it is worth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    family: str
    weight: float = Field(gt=0)  # worth when two or three identities share the value
    cap: int = Field(ge=2)  # shared by more identities than this: no evidence
    # Values add up, each worth its rarity in nats over the spec's ``full_nats``, to at most
    # ``weight``: resume lines, where a template is many rare lines and a phrase one common one.
    adds: bool = False
    # A value that names its holder, or that holders under names sharing a word hold, is one
    # person's or a namesake's (a laptop called "Sarahs-MacBook-Pro"): no tie between personas.
    personal: bool = False
    # Values of such signals that share holders belong to one organisation (an agency's phone,
    # its mailboxes): each counts as held by every identity the organisation's values reach.
    organisation: bool = False


class NetworkSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str
    signals: tuple[Signal, ...]
    threshold: float = Field(gt=0)  # summed family weights that link two groups
    full_strength_up_to: int = Field(default=8, ge=2)
    # An email address held by this many identities or fewer joins them as one person; held
    # under one name by any number, too (a job-board applicant the identity stage split).
    same_person_email_up_to: int = Field(default=3, ge=0)
    # A shared value under a shared name word is one person only where strangers would show
    # both, by chance, in fewer pairs of the whole store than this (as a machine name must be
    # unlikely to collide by chance to link alone).
    same_person_chance: float = Field(default=0.01, gt=0)
    # Identities declaring one home address, up to this many, are one household.
    household_up_to: int = Field(default=6, ge=2)
    # Rarity that earns an adding signal its full weight: lines a thousand times rarer together
    # than chance would give any one pair of identities in the store (``full_nats``). No one
    # value can: a line held by two of N carries ln(N/2) nats, chance ln(N(N-1)/2).
    chance_margin: float = Field(default=math.log(1000), ge=0)

    @model_validator(mode="after")
    def _no_family_alone(self) -> NetworkSpec:
        alone = [
            s.kind
            for s in self.signals
            if s.weight >= self.threshold and not (s.adds or s.personal)
        ]
        if alone:
            raise ValueError(
                f"signals {alone} would link alone: every weight must be below the threshold, "
                "so that a value shared by design never makes a network by itself (only rare "
                "lines adding up, and a machine no namesake shares, may)"
            )
        return self

    def full_nats(self, population: pl.Expr) -> pl.Expr:
        """The nats of shared values that earn an adding signal its full weight, among
        ``population`` identities holding values of its kind."""
        pairs = population.cast(pl.Float64) * (population.cast(pl.Float64) - 1) / 2
        return pairs.clip(lower_bound=1.0).log() + self.chance_margin

    def signal(self, kind: str) -> Signal:
        return next(s for s in self.signals if s.kind == kind)


NETWORK_SPEC = NetworkSpec(
    name="network",
    version="5",
    threshold=1.0,
    signals=(
        # A twenty-persona network pays a dozen hires into one account and ships their laptops
        # to one farm. So does an employer-of-record pay its contractors, and a mail forwarder
        # receive its customers' parcels: alone, neither is a network.
        Signal(kind="payout", family="money", weight=0.7, cap=40),
        # Only a shipping address that is not the hire's own home: a drop address.
        Signal(kind="shipping", family="logistics", weight=0.7, cap=40),
        Signal(kind="phone", family="contact", weight=0.6, cap=60, organisation=True),
        Signal(kind="email", family="contact", weight=0.6, cap=60, organisation=True),
        Signal(kind="egress_ip", family="egress", weight=0.5, cap=60),
        # A machine's name ("DESKTOP-7F3K2LQ") used to interview as people with unrelated names:
        # one machine, one operator. Laptops called after their owner, or shared by namesakes
        # and one person's split identities, are personal and left out.
        Signal(kind="device", family="device", weight=1.0, cap=60, personal=True),
        # A template of rare lines under other names links alone; a common phrase, or two, never.
        Signal(kind="resume", family="resume", weight=1.0, cap=80, adds=True),
        Signal(kind="referral", family="referral", weight=0.6, cap=3),
    ),
)

# The names Windows gives a machine at setup: a fixed prefix and random letters and digits
# ("DESKTOP-7F3K2LQ", "LAPTOP-WBRVRST1", Windows Server's "WIN-4J2K9QX8ZP1").
GENERATED_MACHINE_NAME: Final = r"^(?:DESKTOP|LAPTOP|WIN)-([A-Z0-9]{7,})$"

EVIDENCE = pl.Struct(
    {
        "kind": pl.String,
        "family": pl.String,
        "value": pl.String,
        "shared_by": pl.Int64,
        "weight": pl.Float64,
    }
)


@dataclass(frozen=True)
class NetworkLinks:
    edges: pl.DataFrame  # identity_a < identity_b, score, evidence: list[EVIDENCE]
    networks: pl.DataFrame  # identity, network (an integer; only identities in a network)


def link_networks(
    observations: pl.DataFrame,
    spec: NetworkSpec = NETWORK_SPEC,
    referrals: pl.DataFrame | None = None,
    apart: list[tuple[int, int]] | None = None,
    names: pl.DataFrame | None = None,
    homes: pl.DataFrame | None = None,
) -> NetworkLinks:
    """Network links between identities.

    ``observations``: identity (Int64), kind, value (String): the infrastructure each identity
    was seen with. ``referrals``: identity (the referred), referrer (Int64), value (the name
    as written): already resolved to the identities it may name. ``apart``: identity pairs an
    analyst split: never in one network. ``names``: identity, name (the normalised names each
    identity presented), to tell one person split from two. ``homes``: identity, value (the
    home addresses its applications declare): a household declares one home, and is one
    party however much its members share (a joint account, a connection, a laptop).
    """
    signals = pl.DataFrame(
        [
            s.model_dump(
                include={"kind", "family", "weight", "cap", "adds", "personal", "organisation"}
            )
            for s in spec.signals
        ]
    )
    seen = observations.select("identity", "kind", "value").unique().join(signals, on="kind")
    shared = seen.with_columns(
        pl.len().over("kind", "value").alias("shared_by"),
        pl.col("identity").n_unique().over("kind").alias("population"),
    ).filter(pl.col("shared_by") >= 2)
    shared = _below_chance(_organisation_spread(shared, spec), spec)
    if names is not None and names.height:
        shared = shared.join(
            _personal_values(shared, _name_words(names)), on=["kind", "value"], how="anti"
        )
    referred = (
        _referral_pairs(referrals, spec)
        if referrals is not None and referrals.height
        else pl.DataFrame(schema=_FOUND)
    )
    ids = (
        pl.concat(
            [
                shared.get_column("identity"),
                referred.get_column("identity_a"),
                referred.get_column("identity_b"),
            ]
        )
        .unique()
        .sort()
    )
    ids_np = ids.to_numpy().astype(np.int64)
    apart = apart or []
    joins = _same_person(shared, spec, names)  # identity_a, identity_b, score
    persons = _groups(ids_np, joins, apart)
    # A household is one party for "a network is two parties or more", but joins no groups: a
    # home declared by identities of two networks must not merge them. Parties only count, so
    # pairs kept apart may share one (a persona declaring its victim's home is no second party
    # beside the victim's family).
    parties = _groups(ids_np, pl.concat([joins, _households(homes, ids, spec, shared)]), [])
    groups, links = persons, []
    while True:  # each round joins groups linked at the threshold; stop when none are
        found = pl.concat(
            [_group_pairs(shared, groups, spec), _referrals_between(referred, groups)],
            how="vertical_relaxed",
        )
        scored = _score(found, spec)
        if scored.height == 0:
            break
        joins = pl.concat([joins, scored.select("identity_a", "identity_b", "score")])
        after = _groups(ids_np, joins, apart)
        if after.get_column("group").n_unique() == groups.get_column("group").n_unique():
            break  # every union left was refused (an analyst's apart)
        links.append(scored)
        groups = after
    return _result(groups, parties, links)


_FOUND = {
    "group": pl.Int64,
    "group_b": pl.Int64,
    "identity_a": pl.Int64,
    "identity_b": pl.Int64,
    "kind": pl.String,
    "family": pl.String,
    "value": pl.String,
    "shared_by": pl.Int64,
    "worth": pl.Float64,
    "adds": pl.Boolean,
    "weight": pl.Float64,
}


def _same_person(
    shared: pl.DataFrame, spec: NetworkSpec, names: pl.DataFrame | None
) -> pl.DataFrame:
    """Identities that are one person the identity stage left split: one email address hardly
    anyone else holds, or, under names that share a word (a nickname, a typo, the words in
    another order), one email address, any other value (a payout account, a home connection:
    one person holding several jobs) or a resume of rare lines worth ``full_nats``. Two
    personas of a network keep two mailboxes and two names; an agency's mailbox carries many
    names; a person keeps a name. A word counts with a value only where it is rare enough
    that strangers would seldom share both (``_telling_words``)."""
    emails = shared.filter(pl.col("kind") == "email")
    few = emails.filter(pl.col("shared_by") <= spec.same_person_email_up_to).select(
        pl.col("value").alias("key"), "identity"
    )
    joins = [_first_holder(few)]
    if names is not None and names.height:
        words = _name_words(names)
        values = shared.filter(~pl.col("adds") & (pl.col("shared_by") <= pl.col("cap")))
        candidates = pl.concat([emails.select(values.columns), values])
        named = (
            candidates.join(words, on="identity")
            .join(_telling_words(candidates, words, spec), on=["kind", "word"])
            .select(
                pl.concat_str("kind", "value", "word", separator="\x1f").alias("key"), "identity"
            )
            .unique()
        )
        joins.append(_first_holder(named.filter(pl.len().over("key") >= 2)))
        joins.append(_same_resume(shared, words, spec))
    return pl.concat(joins).unique().sort("identity_a", "identity_b")


def _telling_words(
    candidates: pl.DataFrame, words: pl.DataFrame, spec: NetworkSpec
) -> pl.DataFrame:
    """kind, word: the name words that, with a shared value of the kind, tell one person from
    two strangers. Strangers share a value by design (a NAT, a residential proxy's exit, an
    employer-of-record's pooled account, an agency's mailbox), and a word by its frequency: of
    the store's pairs sharing a value of the kind, about that many times the word's frequency
    squared share both by chance. "Daniel", the word of one identity in seventy among a million
    applications, does so in about a dozen of the sixty thousand pairs their egress addresses
    make; a typo of a surname in none. The word counts while that expectation is below
    ``same_person_chance``."""
    holders = candidates.group_by("kind", "value").agg(
        pl.col("identity").n_unique().cast(pl.Float64).alias("n")
    )
    pairs = holders.group_by("kind").agg((pl.col("n") * (pl.col("n") - 1) / 2).sum().alias("pairs"))
    named = words.get_column("identity").n_unique()
    frequency = words.group_by("word").agg(
        (pl.col("identity").n_unique().cast(pl.Float64) / named).alias("frequency")
    )
    chance = pl.col("pairs") * pl.col("frequency") ** 2
    return (
        pairs.join(frequency, how="cross")
        .filter(chance < spec.same_person_chance)
        .select("kind", "word")
    )


def _organisations(shared: pl.DataFrame) -> pl.DataFrame:
    """identity, org, reach: the organisation each holder of an organisation signal's value
    belongs to (the connected values of those signals: one agency's phone and its three
    mailboxes) and how many identities it reaches. Values held by more than their cap join
    nothing: no organisation is built through them."""
    chosen = shared.filter(pl.col("organisation") & (pl.col("shared_by") <= pl.col("cap")))
    ids = chosen.get_column("identity").unique().sort()
    position = pl.DataFrame({"identity": ids, "_at": np.arange(len(ids), dtype=np.int64)})
    holders = chosen.join(position, on="identity")
    first = holders.group_by("kind", "value").agg(pl.col("_at").min().alias("_first"))
    edges = holders.join(first, on=["kind", "value"])
    labels = components(
        len(ids), edges.get_column("_at").to_numpy(), edges.get_column("_first").to_numpy()
    )
    return (
        position.with_columns(pl.Series("org", labels, dtype=pl.Int64))
        .with_columns(pl.len().over("org").alias("reach"))
        .select("identity", "org", "reach")
    )


def _organisation_spread(shared: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """``shared`` with each organisation signal's ``shared_by`` raised to the identities its
    organisation reaches, each value counting as held by all of them; and without the adding
    values (resume lines) most of whose holders belong to one organisation larger than
    ``full_strength_up_to``: an agency's own template, written into its candidates' resumes,
    is the agency's, no operator's."""
    orgs = _organisations(shared)
    spread = (
        shared.filter(pl.col("organisation"))
        .join(orgs, on="identity")
        .group_by("kind", "value")
        .agg(pl.col("reach").max().alias("_reach"))
    )
    large = orgs.filter(pl.col("reach") > spec.full_strength_up_to)
    templates = (
        shared.filter(pl.col("adds"))
        .join(large, on="identity")
        .group_by("kind", "value", "org")
        .agg(pl.len().alias("_inside"), pl.col("shared_by").first())
        .filter(2 * pl.col("_inside") >= pl.col("shared_by"))
        .select("kind", "value")
        .unique()
    )
    return (
        shared.join(templates, on=["kind", "value"], how="anti")
        .join(spread, on=["kind", "value"], how="left")
        .with_columns(
            pl.max_horizontal("shared_by", pl.col("_reach").fill_null(0)).alias("shared_by")
        )
        .drop("_reach")
    )


def _below_chance(shared: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """``shared`` with a personal signal that would link alone held below the threshold where
    its value could be shared by chance: a machine name's random part ("DESKTOP-7F3K2LQ": 36
    bits) must make a chance collision among the store's machines unlikely (expected pairs
    under one in a hundred), or it needs corroboration like any other value. A name made of
    words ("Sarahs-MacBook-Pro", "ubuntu") has no random part at all, and a token with a digit
    in it is random; so is the suffix of Windows' own generated names ("DESKTOP-WBRVRST"),
    which is drawn at random whether or not a digit happens to come up."""
    generated = pl.col("value").str.extract(GENERATED_MACHINE_NAME, 1)
    tokens = (
        pl.when(generated.is_not_null())
        .then(pl.concat_list(generated))
        .otherwise(pl.col("value").str.extract_all(r"[A-Za-z0-9]*[0-9][A-Za-z0-9]*"))
    )
    symbol = (
        pl.when(pl.element().str.contains("[A-Za-z]"))
        .then(pl.lit(math.log2(36)))
        .otherwise(pl.lit(math.log2(10)))
    )
    bits = tokens.list.eval(pl.element().str.len_chars() * symbol).list.sum().fill_null(0.0)
    holders = pl.col("population").cast(pl.Float64).clip(lower_bound=2.0)
    # Expected chance pairs among P machines of 2^bits names: P^2 / 2^(bits+1) < 1/100.
    needed = 2 * holders.log(2) - 1 + math.log2(100)
    alone = pl.col("personal") & (pl.col("weight") >= spec.threshold)
    # Only the few values that could link alone are read (machine names, not resume lines).
    checked = shared.filter(alone).with_columns(
        pl.when(bits < needed)
        .then(pl.lit(spec.threshold / 2))
        .otherwise(pl.col("weight"))
        .alias("weight")
    )
    return pl.concat([shared.filter(~alone), checked])


def _personal_values(shared: pl.DataFrame, words: pl.DataFrame) -> pl.DataFrame:
    """kind, value: values of personal signals that name a holder or that holders under names
    sharing a word hold."""
    held = (
        shared.filter(pl.col("personal"))
        .select("kind", "value", "identity")
        .join(words, on="identity")
    )
    naming = held.filter(
        (pl.col("word").str.len_chars() >= 3)
        & pl.col("value").str.to_lowercase().str.contains(pl.col("word"), literal=True)
    )
    namesakes = held.filter(pl.col("identity").n_unique().over("kind", "value", "word") >= 2)
    return pl.concat([naming, namesakes]).select("kind", "value").unique()


def _households(
    homes: pl.DataFrame | None, ids: pl.Series, spec: NetworkSpec, shared: pl.DataFrame
) -> pl.DataFrame:
    """Identities that declare one home address, held by at most ``household_up_to`` of
    them: a family or flatmates, who may share an account, a connection and a laptop and
    misrepresent nothing. They count as one party: never a network by themselves, though a
    network may hold them all. An address more declare is a building's or a mailbox's; an
    address two of whose declarers present one resume template is a farm's that personas
    give as their home: family members write their own resumes."""
    if homes is None or homes.height == 0:
        return _first_holder(pl.DataFrame(schema={"key": pl.String, "identity": pl.Int64}))
    held = (
        homes.select(pl.col("value").alias("key"), "identity")
        .unique()
        .filter(pl.col("identity").is_in(ids.implode()))
        .filter(pl.len().over("key").is_between(2, spec.household_up_to))
    )
    together = held.join(held, on="key", suffix="_b").filter(
        pl.col("identity") < pl.col("identity_b")
    )
    templated = together.rename({"identity": "identity_a"}).join(
        _template_pairs(shared, spec, together.rename({"identity": "identity_a"})),
        on=["identity_a", "identity_b"],
        how="semi",
    )
    return _first_holder(held.join(templated.select("key").unique(), on="key", how="anti"))


def _first_holder(held: pl.DataFrame) -> pl.DataFrame:
    """A join from each holder of a key (key, identity) to its first holder."""
    first = held.group_by("key").agg(pl.col("identity").min().alias("identity_a"))
    return (
        held.join(first, on="key")
        .filter(pl.col("identity") != pl.col("identity_a"))
        .select("identity_a", pl.col("identity").alias("identity_b"), pl.lit(0.0).alias("score"))
    )


def _name_words(names: pl.DataFrame) -> pl.DataFrame:
    """identity, word: the words of the names each identity presented (two letters or more)."""
    return (
        names.select("identity", pl.col("name").str.split(" ").alias("word"))
        .explode("word")
        .filter(pl.col("word").str.len_chars() >= 2)
        .unique()
    )


def _same_resume(shared: pl.DataFrame, words: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """Identity pairs under names sharing a word whose shared resume lines are worth
    ``full_nats``: one person's resume, sent under a nickname or a typo of the name."""
    keyed = _line_nats(shared).join(words, on="identity")
    pairs = (
        keyed.join(keyed.select("identity", "value", "word"), on=["value", "word"], suffix="_b")
        .filter(pl.col("identity") < pl.col("identity_b"))
        .unique(["identity", "identity_b", "value"])
        .group_by("identity", "identity_b")
        .agg(pl.col("nats").sum(), pl.col("population").first())
        .filter(pl.col("nats") >= spec.full_nats(pl.col("population")))
    )
    return pairs.select(
        pl.col("identity").alias("identity_a"), "identity_b", pl.lit(0.0).alias("score")
    )


def _line_nats(shared: pl.DataFrame) -> pl.DataFrame:
    """identity, value, population, nats: the resume lines each identity holds, each worth
    its rarity (a line held by ``n`` of ``N`` identities carries ln(N/n) nats)."""
    return shared.filter(pl.col("adds") & (pl.col("shared_by") <= pl.col("cap"))).select(
        "identity",
        "value",
        "population",
        (pl.col("population").cast(pl.Float64) / pl.col("shared_by")).log().alias("nats"),
    )


def _template_pairs(
    shared: pl.DataFrame, spec: NetworkSpec, candidates: pl.DataFrame
) -> pl.DataFrame:
    """identity_a, identity_b: the pairs of ``candidates`` (identity_a < identity_b) whose
    shared resume lines are worth ``full_nats``: one template, held by both."""
    wanted = candidates.select("identity_a", "identity_b").unique()
    ends = pl.concat([wanted.get_column("identity_a"), wanted.get_column("identity_b")]).unique()
    lines = _line_nats(shared).filter(pl.col("identity").is_in(ends.implode()))
    return (
        lines.join(lines.select("identity", "value"), on="value", suffix="_b")
        .filter(pl.col("identity") < pl.col("identity_b"))
        .rename({"identity": "identity_a"})
        .join(wanted, on=["identity_a", "identity_b"], how="semi")
        .group_by("identity_a", "identity_b")
        .agg(pl.col("nats").sum(), pl.col("population").first())
        .filter(pl.col("nats") >= spec.full_nats(pl.col("population")))
        .select("identity_a", "identity_b")
    )


def _groups(ids: np.ndarray, joins: pl.DataFrame, apart: list[tuple[int, int]]) -> pl.DataFrame:
    """identity, group: the components ``joins`` make, never holding a pair of ``apart``."""
    labels = cluster_ids(
        ids,
        joins.get_column("identity_a").to_numpy().astype(np.int64),
        joins.get_column("identity_b").to_numpy().astype(np.int64),
        joins.get_column("score").to_numpy().astype(np.float64),
        apart,
    )
    return pl.DataFrame(
        {"identity": ids, "group": labels}, schema={"identity": pl.Int64, "group": pl.Int64}
    )


def _group_pairs(shared: pl.DataFrame, groups: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """Values two groups share, each worth what its holders outside the two groups leave it."""
    held = (
        shared.join(groups, on="identity")
        .group_by(
            "kind", "family", "weight", "cap", "adds", "population", "value", "shared_by", "group"
        )
        .agg(pl.len().alias("inside"), pl.col("identity").min())
    )
    # No two groups could hold it with few enough others outside them: no evidence.
    biggest = pl.col("inside").max().over("kind", "value")
    held = held.filter(pl.col("shared_by") - biggest + 1 <= pl.col("cap"))
    pairs = held.join(
        held.select("kind", "value", "group", "inside", "identity"),
        on=["kind", "value"],
        suffix="_b",
    ).filter(pl.col("group") < pl.col("group_b"))
    # The holders outside the two groups, and the two groups themselves.
    counted = pl.col("shared_by") - pl.col("inside") - pl.col("inside_b") + 2
    pairs = pairs.with_columns(counted.alias("counted")).filter(pl.col("counted") <= pl.col("cap"))
    return pairs.select(
        "group",
        "group_b",
        pl.col("identity").alias("identity_a"),
        "identity_b",
        "kind",
        "family",
        "value",
        pl.col("shared_by").cast(pl.Int64),
        _worth(spec).alias("worth"),
        "adds",
        "weight",
    )


def _worth(spec: NetworkSpec) -> pl.Expr:
    full = spec.full_strength_up_to
    counted = pl.col("counted").cast(pl.Float64)
    span = (pl.col("cap").cast(pl.Float64) / full).log().clip(lower_bound=1e-9)
    falling = ((pl.col("cap").cast(pl.Float64) / counted).log() / span).clip(0.0, 1.0)
    nats = (pl.col("population").cast(pl.Float64) / counted).log().clip(lower_bound=0.0)
    return pl.col("weight") * (
        pl.when(pl.col("adds"))
        .then(nats / spec.full_nats(pl.col("population")))
        .when(pl.col("counted") <= full)
        .then(1.0)
        .otherwise(falling)
    )


def _referral_pairs(referrals: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    signal = spec.signal("referral")
    named = referrals.with_columns(pl.len().over("identity", "value").alias("shared_by"))
    named = named.filter(
        (pl.col("shared_by") <= signal.cap) & (pl.col("identity") != pl.col("referrer"))
    )
    return named.select(
        pl.lit(None, pl.Int64).alias("group"),
        pl.lit(None, pl.Int64).alias("group_b"),
        pl.min_horizontal("identity", "referrer").alias("identity_a"),
        pl.max_horizontal("identity", "referrer").alias("identity_b"),
        pl.lit("referral").alias("kind"),
        pl.lit(signal.family).alias("family"),
        pl.col("value"),
        pl.col("shared_by").cast(pl.Int64),
        (signal.weight / pl.col("shared_by").cast(pl.Float64)).alias("worth"),
        pl.lit(False).alias("adds"),
        pl.lit(signal.weight).alias("weight"),
    )


def _referrals_between(referred: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Referrals whose two identities are in two different groups (group < group_b)."""
    at = groups.select("identity", "group")
    found = (
        referred.drop("group", "group_b")
        .join(at.rename({"identity": "identity_a"}), on="identity_a")
        .join(at.rename({"identity": "identity_b", "group": "group_b"}), on="identity_b")
        .filter(pl.col("group") != pl.col("group_b"))
    )
    low = pl.col("group") < pl.col("group_b")
    return found.select(
        pl.when(low).then("group").otherwise("group_b").alias("group"),
        pl.when(low).then("group_b").otherwise("group").alias("group_b"),
        pl.when(low).then("identity_a").otherwise("identity_b").alias("identity_a"),
        pl.when(low).then("identity_b").otherwise("identity_a").alias("identity_b"),
        *[c for c in _FOUND if c not in ("group", "group_b", "identity_a", "identity_b")],
    )


def _score(found: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
    """A link for each pair of groups whose families sum to the threshold: the strongest value
    of each family counts, or, for a signal whose values add (resume lines), their sum up to
    its weight; the link's ends are the two identities that carry its strongest value."""
    best = (
        found.sort(
            ["worth", "kind", "value", "identity_a", "identity_b"],
            descending=[True, False, False, False, False],
        )
        .group_by("group", "group_b", "family", maintain_order=True)
        .agg(
            pl.all().exclude("worth").first(),
            pl.when(pl.col("adds").first())
            .then(pl.min_horizontal(pl.col("worth").sum(), pl.col("weight").first()))
            .otherwise(pl.col("worth").first())
            .alias("worth"),
            pl.len().alias("_values"),
        )
        .with_columns(
            pl.when(pl.col("_values") > 1)
            .then(pl.col("value") + " (+" + (pl.col("_values") - 1).cast(pl.String) + " more)")
            .otherwise(pl.col("value"))
            .alias("value")
        )
    )
    links = (
        best.group_by("group", "group_b", maintain_order=True)
        .agg(
            pl.col("identity_a").first(),
            pl.col("identity_b").first(),
            pl.col("worth").sum().alias("score"),
            pl.struct(
                "kind", "family", "value", "shared_by", pl.col("worth").alias("weight")
            ).alias("evidence"),
        )
        .filter(pl.col("score") >= spec.threshold - 1e-9)
    )
    return links.select(
        pl.min_horizontal("identity_a", "identity_b").alias("identity_a"),
        pl.max_horizontal("identity_a", "identity_b").alias("identity_b"),
        "score",
        "evidence",
    ).sort("identity_a", "identity_b")


def _result(groups: pl.DataFrame, persons: pl.DataFrame, links: list[pl.DataFrame]) -> NetworkLinks:
    # A network is two parties or more: one identity alone, one person split or one household
    # is in none.
    networks = (
        groups.join(persons.rename({"group": "person"}), on="identity")
        .filter(pl.col("person").n_unique().over("group") >= 2)
        .select("identity", pl.col("group").alias("network"))
        .sort("identity")
    )
    edges = (
        pl.concat(links)
        if links
        else pl.DataFrame(
            schema={
                "identity_a": pl.Int64,
                "identity_b": pl.Int64,
                "score": pl.Float64,
                "evidence": pl.List(EVIDENCE),
            }
        )
    )
    edges = edges.join(networks, left_on="identity_a", right_on="identity").join(
        networks, left_on="identity_b", right_on="identity", suffix="_b"
    )
    edges = edges.filter(pl.col("network") == pl.col("network_b")).drop("network", "network_b")
    return NetworkLinks(edges=edges.sort("identity_a", "identity_b"), networks=networks)
