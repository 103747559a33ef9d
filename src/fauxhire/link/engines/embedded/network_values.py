"""What the values identities share are worth, and which identities are one party.

The embedded engine's reading of ``fauxhire.link.networks``' spec before any groups form: an
organisation's values count as held by everyone it reaches (an agency's phone and mailboxes),
a machine name that could be shared by chance needs corroboration, a value naming its holder
is personal; identities that are one person split (one mailbox, or one name and one value or
resume) start as one group, and a household (one home, up to a few) counts as one party.

Polars frames in and out; nothing here reads a store.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from fauxhire.link.cluster import components
from fauxhire.link.networks import GENERATED_MACHINE_NAME, NetworkSpec


def full_nats(spec: NetworkSpec, population: pl.Expr) -> pl.Expr:
    """The nats of shared values that earn an adding signal its full weight, among
    ``population`` identities holding values of its kind (``NetworkSpec.chance_margin``)."""
    pairs = population.cast(pl.Float64) * (population.cast(pl.Float64) - 1) / 2
    return pairs.clip(lower_bound=1.0).log() + spec.chance_margin


def same_person(
    shared: pl.DataFrame, spec: NetworkSpec, names: pl.DataFrame | None
) -> pl.DataFrame:
    """Identities that are one person the identity stage left split: one email address hardly
    anyone else holds, or, under names that share a word (a nickname, a typo, the words in
    another order), one email address, any other value (a payout account, a home connection:
    one person holding several jobs; not a VPN's exit, which strangers share by design) or a
    resume of rare lines worth ``full_nats``. Two personas of a network keep two mailboxes
    and two names; an agency's mailbox carries many names; a person keeps a name. A word
    counts with a value only where it is rare enough that strangers would seldom share both
    (``_telling_words``)."""
    emails = shared.filter(pl.col("kind") == "email")
    few = emails.filter(pl.col("shared_by") <= spec.same_person_email_up_to).select(
        pl.col("value").alias("key"), "identity"
    )
    joins = [first_holder(few)]
    if names is not None and names.height:
        words = name_words(names)
        single = ~pl.col("adds") & ~pl.col("overlap") & (pl.col("shared_by") <= pl.col("cap"))
        values = shared.filter(single)
        candidates = pl.concat([emails.select(values.columns), values])
        named = (
            candidates.join(words, on="identity")
            .join(_telling_words(candidates, words, spec), on=["kind", "word"])
            .select(
                pl.concat_str("kind", "value", "word", separator="\x1f").alias("key"), "identity"
            )
            .unique()
        )
        joins.append(first_holder(named.filter(pl.len().over("key") >= 2)))
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


def organisation_spread(shared: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
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


def below_chance(shared: pl.DataFrame, spec: NetworkSpec) -> pl.DataFrame:
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


def personal_values(shared: pl.DataFrame, words: pl.DataFrame) -> pl.DataFrame:
    """kind, value: values of personal signals that name a holder, or whose holders are all
    namesakes: tied, one to the next, by a word of their names (one person split, a family).
    A machine that namesakes share and people of unrelated names use too is not theirs alone:
    it stays evidence, as an operator's laptop two of whose personas happen to share a
    surname."""
    holders = shared.filter(pl.col("personal")).select("kind", "value", "identity").unique()
    held = holders.join(words, on="identity")
    naming = held.filter(
        (pl.col("word").str.len_chars() >= 3)
        & pl.col("value").str.to_lowercase().str.contains(pl.col("word"), literal=True)
    )
    return pl.concat([naming.select("kind", "value"), _namesakes_only(holders, held)]).unique()


def _namesakes_only(holders: pl.DataFrame, held: pl.DataFrame) -> pl.DataFrame:
    """kind, value: of the values of ``holders`` (kind, value, identity), those whose holders
    form one component when two holding under a common name word (``held``: with word) are
    tied. Each holder is tied to a node of its value and word, not to every other holder of
    both: a machine name thousands hold, under a common first name, made millions of pairs."""
    holders = holders.with_row_index("_node")
    at = held.join(holders, on=["kind", "value", "identity"])
    words = at.select("kind", "value", "word").unique().with_row_index("_word")
    ties = at.join(words, on=["kind", "value", "word"])
    labels = components(
        holders.height + words.height,
        ties.get_column("_node").to_numpy().astype(np.int64),
        (ties.get_column("_word").cast(pl.Int64) + holders.height).to_numpy(),
    )
    return (
        holders.with_columns(pl.Series("_part", labels[: holders.height]))
        .group_by("kind", "value")
        .agg(pl.col("_part").n_unique().alias("_parts"))
        .filter(pl.col("_parts") == 1)
        .select("kind", "value")
    )


def households(
    homes: pl.DataFrame | None, ids: pl.Series, spec: NetworkSpec, shared: pl.DataFrame
) -> pl.DataFrame:
    """Identities that declare one home address, held by at most ``household_up_to`` of
    them: a family or flatmates, who may share an account, a connection and a laptop and
    misrepresent nothing. They count as one party: never a network by themselves, though a
    network may hold them all. An address more declare is a building's or a mailbox's; an
    address two of whose declarers present one resume template is a farm's that personas
    give as their home: family members write their own resumes."""
    if homes is None or homes.height == 0:
        return first_holder(pl.DataFrame(schema={"key": pl.String, "identity": pl.Int64}))
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
    return first_holder(held.join(templated.select("key").unique(), on="key", how="anti"))


def first_holder(held: pl.DataFrame) -> pl.DataFrame:
    """A join from each holder of a key (key, identity) to its first holder."""
    first = held.group_by("key").agg(pl.col("identity").min().alias("identity_a"))
    return (
        held.join(first, on="key")
        .filter(pl.col("identity") != pl.col("identity_a"))
        .select("identity_a", pl.col("identity").alias("identity_b"), pl.lit(0.0).alias("score"))
    )


def name_words(names: pl.DataFrame) -> pl.DataFrame:
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
        .filter(pl.col("nats") >= full_nats(spec, pl.col("population")))
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
        .filter(pl.col("nats") >= full_nats(spec, pl.col("population")))
        .select("identity_a", "identity_b")
    )
