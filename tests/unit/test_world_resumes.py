"""The stock phrasing resumes share (world/phrases.py): common lines common to many, most
lines rare, one's own lines one's own."""

from __future__ import annotations

import random
from collections import Counter

from fauxhire_lab.world import details, phrases


def test_stock_lines_have_a_heavy_tail_and_personal_lines_stay_rare() -> None:
    rng = random.Random(7)
    resumes = [
        details.resume_for(rng, "A B", "Data Engineer", *details.history(rng, "Data Engineer"))
        for _ in range(20_000)
    ]
    holders = Counter(line for text in resumes for line in set(text.splitlines()))
    by_rank = [holders[line] for line in phrases.STOCK]
    # Zipf, exponent 1: the commonest line about ten times the tenth, in a fifth of resumes
    # or more; half the stock in fewer than one resume in a thousand.
    assert 6 < by_rank[0] / by_rank[9] < 15
    assert by_rank[0] > 0.2 * len(resumes)
    assert sorted(by_rank)[len(by_rank) // 2] < len(resumes) / 1_000
    # The line that is one's own (figures of one's work) is one's own.
    personal = Counter(text.splitlines()[1] for text in resumes)
    assert sum(count == 1 for count in personal.values()) > 0.95 * len(resumes)
