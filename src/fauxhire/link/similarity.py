"""The string similarities a comparison grades single values by (``spec.Method``), one table
for the engines and the single-pair scorer (``single``), so that both grade a pair alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from rapidfuzz.distance import JaroWinkler, Levenshtein

# Normalised similarity in [0, 1]; rapidfuzz's ``score_cutoff`` keyword returns 0 below it.
SCORERS: Final[dict[str, Callable[..., float]]] = {
    "jaro_winkler": JaroWinkler.normalized_similarity,
    "levenshtein": Levenshtein.normalized_similarity,
}
