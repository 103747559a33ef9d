"""The embedded engine's side of training: the counts the model is estimated from.

u from random pairs (``sampled_u``), and the level patterns of the candidate pairs, per
training blocking rule (``training_samples``), that EM reads (``fauxhire.link.model``). The
estimation itself is engine-independent: it sees counts, never a record.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from fauxhire.link.engine import level_column
from fauxhire.link.engines.embedded.blocking import random_pairs
from fauxhire.link.engines.embedded.comparison import compare
from fauxhire.link.engines.embedded.vectors import Encoded
from fauxhire.link.model import Patterns, RuleSample, shares
from fauxhire.link.spec import MISSING, LinkSpec

Floats = npt.NDArray[np.float64]

# u by sampling stops for a comparison once each of its levels has been seen this often among
# the random pairs (Splink 5 stops at 100 the same way).
U_OBSERVATIONS = 100


_U_CHUNKS = 10


def sampled_u(
    records: pl.DataFrame,
    spec: LinkSpec,
    seed: int,
    coded: pl.DataFrame | None = None,
    encoded: dict[str, Encoded] | None = None,
) -> list[Floats]:
    """u of every comparison from ``random_pairs``, compared a tenth at a time: a comparison
    stops once each of its levels has U_OBSERVATIONS pairs. What u has to say of a level
    seen a hundred times more pairs would not change much, and comparing the resume lines of a
    million random pairs took a third of linking ninety thousand applications. A rarer level
    (a near miss of a name) keeps its comparison sampling to the end: the cost is fixed by
    ``spec.random_pairs`` either way, and the answer is the same for one seed. ``encoded``:
    as ``compare`` takes it, of ``coded`` (or of ``records``, without it)."""
    pairs = random_pairs(records, spec, seed)
    compared_on = records if coded is None else coded  # the same levels, faster (coded_lists)
    totals = {c.name: np.zeros(c.levels + 1) for c in spec.comparisons}
    pending = list(spec.comparisons)
    for chunk in np.array_split(np.arange(pairs.height), _U_CHUNKS):
        if not pending or len(chunk) == 0:
            continue
        compared = compare(pairs[chunk], compared_on, spec, comparisons=pending, encoded=encoded)
        for comparison in pending:
            levels = compared.get_column(level_column(comparison)).to_numpy()
            present = levels[levels != MISSING].astype(np.int64)
            totals[comparison.name] += np.bincount(present, minlength=comparison.levels + 1)
        pending = [c for c in pending if totals[c.name].min() < U_OBSERVATIONS]
    return [shares(totals[c.name], spec) for c in spec.comparisons]


def level_patterns(compared: pl.DataFrame, spec: LinkSpec) -> Patterns:
    """(distinct level patterns as an int8 matrix, how many pairs have each): what EM needs."""
    names = [level_column(c) for c in spec.comparisons]
    # Sorted: group_by's order varies between runs, and EM sums in pattern order, so an
    # unsorted table gives weights that differ in the last bits from run to run.
    counted = compared.group_by(names).len().sort(names)
    levels = counted.select(names).to_numpy().astype(np.int8).reshape(-1, len(names))
    return levels, counted.get_column("len").to_numpy().astype(np.float64)


def training_samples(compared: pl.DataFrame, spec: LinkSpec) -> list[RuleSample]:
    """Per blocking rule that trains the model, the level patterns of the pairs it proposed,
    the comparisons it fixes set to MISSING (``model.estimate`` says why); and of those no
    earlier training rule proposed, whose matches and non-matches alike disagree on what
    those rules fix, so that is left out too."""
    names = [level_column(c) for c in spec.comparisons]
    # One pass over the pairs: patterns with the set of rules that proposed them. The rest
    # is arithmetic on at most a few thousand rows. A pair of bounded blocking counts for
    # the pairs it stands for (``candidate_pairs``).
    weighed = "represents" in compared.columns
    count = pl.col("represents").sum() if weighed else pl.len().cast(pl.Float64)
    counted = compared.group_by(*names, "rules").agg(count.alias("pairs"))
    levels = counted.select(names).to_numpy().astype(np.int8).reshape(-1, len(names))
    rules = counted.get_column("rules").to_numpy()
    counts = counted.get_column("pairs").to_numpy().astype(np.float64)
    out = []
    earlier_bits, earlier_fixed = 0, frozenset[str]()
    for bit, rule in enumerate(spec.blocking):
        if not rule.trains:
            continue
        fixed = spec.fixed_by(rule)
        mine = (rules & (1 << bit)) != 0
        first = mine & ((rules & earlier_bits) == 0)
        out.append(
            RuleSample(
                _patterns(levels[mine], counts[mine], _masked(spec, fixed)),
                _patterns(levels[first], counts[first], _masked(spec, fixed | earlier_fixed)),
            )
        )
        earlier_bits |= 1 << bit
        earlier_fixed |= fixed
    return out


def _masked(spec: LinkSpec, names: frozenset[str]) -> list[int]:
    return [index for index, c in enumerate(spec.comparisons) if c.name in names]


def _patterns(levels: npt.NDArray[np.int8], counts: Floats, masked: list[int]) -> Patterns:
    """Distinct patterns, sorted, with the masked comparisons set to MISSING, and counts."""
    levels = levels.copy()
    levels[:, masked] = MISSING
    if len(levels) == 0:
        return levels, counts
    rows, inverse = np.unique(levels, axis=0, return_inverse=True)
    return rows, np.bincount(inverse.ravel(), weights=counts).astype(np.float64)
