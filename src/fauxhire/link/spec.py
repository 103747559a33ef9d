"""What to compare and how: a linking specification as data, apart from where it runs.

A spec names the record columns an engine compares, how each comparison grades a pair into
levels, and which blocking rules propose the pairs worth comparing. It holds no weights: those
are estimated from the data (``model``), so one spec serves any dataset of its shape, on the
embedded engine or a distributed one (docs/linking-at-scale.md).

Levels of a comparison, per pair: ``MISSING`` (-1) when either side has no value, 0 when the
values disagree, and 1..k for agreement grades, k the strongest (an exact match).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fauxhire.domain.evidence import MISSING_LEVEL

MISSING = MISSING_LEVEL  # as a link's evidence stores it
# An optional column of records: a number per record that is the same wherever the record is
# stored (a hash of its natural key). Bounded blocking takes a block's neighbours, and the u
# sample its records, in this order; without it, in an order of the records' content.
ORDER = "order"

# exact: one value a side, equal or not. jaro_winkler / levenshtein: a similarity in [0, 1] of
# one value a side, graded by thresholds. overlap: list columns sharing at least one value.
# jaccard: list columns graded by |a & b| / |a | b|.
Method = Literal["exact", "jaro_winkler", "levenshtein", "overlap", "jaccard"]
LIST_METHODS = frozenset({"overlap", "jaccard"})


class Comparison(BaseModel):
    """One comparison: a column, a method, and the thresholds that grade agreement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    column: str
    method: Method
    # Similarity thresholds, strongest first; level k is "at least thresholds[0]". Exact and
    # overlap comparisons have one level and no thresholds.
    thresholds: tuple[float, ...] = ()
    # Weigh an exact agreement by how rare the shared value is: a staffing agency's phone on
    # five hundred applications says less than a phone on two.
    term_frequency: bool = False
    label: str = ""  # how an analyst reads it: "email addresses"

    @model_validator(mode="after")
    def _check_thresholds(self) -> Comparison:
        graded = self.method in ("jaro_winkler", "levenshtein", "jaccard")
        if graded and not self.thresholds:
            raise ValueError(f"comparison {self.name!r}: {self.method} needs thresholds")
        if not graded and self.thresholds:
            raise ValueError(f"comparison {self.name!r}: {self.method} takes no thresholds")
        if list(self.thresholds) != sorted(self.thresholds, reverse=True):
            raise ValueError(f"comparison {self.name!r}: thresholds must be strongest first")
        return self

    @property
    def levels(self) -> int:
        """Agreement levels above 0."""
        return len(self.thresholds) or 1

    def describe(self, level: int) -> str:
        """An analyst's reading of one level."""
        what = self.label or self.name
        if level == MISSING:
            return f"{what}: missing on one side"
        if level == 0:
            return f"{what}: different"
        if self.method in ("exact", "overlap"):
            return f"{what}: {'same' if self.method == 'exact' else 'share a value'}"
        bound = self.thresholds[self.levels - level]
        if bound >= 1.0:
            return f"{what}: same"
        return f"{what}: similar ({self.method.replace('_', '-')} at least {bound:g})"


class Blocking(BaseModel):
    """Pairs of records that agree exactly on all these columns are candidates.

    A list column is exploded: records sharing any one of its values agree. Blocks larger than
    ``max_block`` are skipped: a value that common is no evidence of a match, and its pairs
    would swamp the run (they are counted and reported, never silently lost).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[str, ...] = Field(min_length=1)
    max_block: int = Field(default=200, ge=2)
    # Compare each record with only the next ``window`` records of its block (by record id,
    # a stable order), not with all of them. A persona's hundreds of applications under one
    # email need not all be compared with one another to be one identity: a chain of links
    # joins them, and a window of several keeps the chain when a link or two fails. The pairs
    # left out still count in estimation, as the windowed ones stand for them
    # (``embedded.candidate_pairs``). None: every pair of the block.
    window: int | None = Field(default=None, ge=1)
    # Whether its pairs also train the model (m by EM). A loose rule (one postcode) finds the
    # odd match the strict ones miss, but its many non-matches that agree on the rule's own
    # columns would let EM mistake "same postcode" for "same person": such a rule proposes
    # pairs to score and teaches nothing.
    trains: bool = True
    # The comparisons its pairs agree on by construction, which say nothing among them; by
    # default those on the rule's own columns. Name them when the rule blocks on a derived
    # column (names in either order) that stands for compared ones.
    fixes: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return "+".join(self.columns)


class Requirement(BaseModel):
    """What a pair must show before it may link at all, whatever its weight.

    Some knowledge is a definition, not a likelihood: an identity is one *presented* person, so
    two applications under different names are never one identity, however much else they share
    (personas of one network share phones and resume templates by design). Pairs that fail a
    requirement are left out of estimation too, so they cannot teach the model that a different
    name is what matches look like.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    any_of: tuple[str, ...] = Field(min_length=1)  # comparison names
    min_level: int = Field(default=1, ge=1)
    missing_passes: bool = False  # a side with no value does not fail the requirement
    reason: str = ""


class LinkSpec(BaseModel):
    """A whole linking job: comparisons, blocking rules and the match threshold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    version: str
    comparisons: tuple[Comparison, ...] = Field(min_length=1)
    blocking: tuple[Blocking, ...] = Field(min_length=1)
    list_columns: frozenset[str] = frozenset()  # columns that hold lists of values
    requirements: tuple[Requirement, ...] = ()
    threshold: float = Field(default=0.9, gt=0, lt=1)  # match probability that links a pair
    # Linking sources rather than deduplicating one: only pairs whose records differ in this
    # column are compared (one company's ATS against a partner's list; FEBRL 4's files).
    across: str | None = None
    random_pairs: int = Field(default=1_000_000, ge=1000)  # sampled to estimate u
    em_iterations: int = Field(default=25, ge=1)
    # Estimated probabilities are kept inside (floor, 1 - floor): a level never seen among
    # matches is very unlikely for them, not impossible.
    probability_floor: float = 1e-6

    @model_validator(mode="after")
    def _check(self) -> LinkSpec:
        names = [c.name for c in self.comparisons]
        if len(set(names)) != len(names):
            raise ValueError("comparison names must be unique")
        if len(self.blocking) > 62:
            raise ValueError("at most 62 blocking rules")  # a bit each in an Int64
        for rule in self.blocking:
            unknown = set(rule.fixes or ()) - set(names)
            if unknown:
                raise ValueError(f"blocking {rule.name!r} fixes unknown comparisons: {unknown}")
        training = [rule for rule in self.blocking if rule.trains]
        if not training:
            raise ValueError("at least one blocking rule must train the model")
        for name in names:
            if all(name in self.fixed_by(rule) for rule in training):
                raise ValueError(
                    f"comparison {name!r} is fixed by every training rule: nothing can "
                    "estimate how often matches agree on it"
                )
        for requirement in self.requirements:
            unknown = set(requirement.any_of) - set(names)
            if unknown:
                raise ValueError(f"requirement names unknown comparisons: {sorted(unknown)}")
        for comparison in self.comparisons:
            is_list = comparison.column in self.list_columns
            if is_list != (comparison.method in LIST_METHODS):
                kind = "a list column" if is_list else "a single-value column"
                raise ValueError(
                    f"comparison {comparison.name!r}: {comparison.method} on {kind} "
                    f"{comparison.column!r}"
                )
        return self

    @property
    def columns(self) -> tuple[str, ...]:
        """The record columns the spec reads (besides ``rec`` and ``ORDER``): those it
        compares, blocks on and links across, each once, in that order."""
        named = [c.column for c in self.comparisons]
        named += [column for rule in self.blocking for column in rule.columns]
        named += [self.across] if self.across is not None else []
        return tuple(dict.fromkeys(named))

    def comparison(self, name: str) -> Comparison:
        return next(c for c in self.comparisons if c.name == name)

    def fixed_by(self, rule: Blocking) -> frozenset[str]:
        """Names of the comparisons a blocking rule's pairs agree on by construction."""
        if rule.fixes is not None:
            return frozenset(rule.fixes)
        return frozenset(c.name for c in self.comparisons if c.column in rule.columns)
