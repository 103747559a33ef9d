"""The stock phrases resumes share, with the heavy-tailed popularity real phrasing has.

Real resumes are written from a common stock: a few lines ("Strong communicator who works well
with distributed teams.") turn up in a large share of them, most lines in a handful, and the
lines that say something of one person (figures, employers, dates) in one. A line's popularity
here falls as a power of its rank (Zipf, exponent ``ZIPF``), and every identity of either
population draws from the one stock the same way, so a shared stock line says nothing about who
wrote it; only lines shared beyond their popularity do.
"""

from __future__ import annotations

import random
from itertools import accumulate, product
from typing import Final

ZIPF: Final = 1.0
LINES_PER_RESUME: Final = (2, 4)

# The clichés first: they take the top ranks.
_CLICHES = (
    "Strong communicator who works well with distributed teams.",
    "Passionate about clean code, testing and continuous delivery.",
    "Comfortable owning features from design to production.",
    "Experienced in agile teams with two-week sprints.",
    "Mentored junior colleagues and led code reviews.",
    "Self-motivated team player with strong problem-solving skills.",
    "Quick learner who adapts to new tools and domains.",
    "Detail-oriented professional with a focus on quality.",
)
_VERBS = (
    "Led", "Built", "Designed", "Delivered", "Owned", "Improved", "Automated", "Maintained",
    "Migrated", "Introduced", "Streamlined", "Supported", "Developed", "Implemented",
    "Drove", "Coordinated",
)  # fmt: skip
_OBJECTS = (
    "the migration of legacy services to the cloud",
    "CI/CD pipelines for the engineering team",
    "internal tooling used across the company",
    "dashboards that leadership relied on",
    "the onboarding process for new engineers",
    "engineering standards and code review practice",
    "integrations with third-party APIs",
    "a test suite that caught regressions early",
    "monitoring and alerting for production systems",
    "documentation for customer-facing features",
    "reporting for the month-end close",
    "data pipelines feeding the analytics platform",
    "mobile releases on a regular cadence",
    "accessibility improvements across the product",
    "security reviews of new features",
    "cost reporting for cloud infrastructure",
    "the ticket triage process for the support queue",
    "payment and invoicing workflows",
    "the design system shared by product teams",
    "database performance tuning and indexing",
)
_QUALIFIERS = (
    "", " in an agile team", " with cross-functional partners", " across several time zones",
    " under tight deadlines", " for enterprise customers", " end to end",
)  # fmt: skip


def _stock() -> tuple[str, ...]:
    combined = [f"{v} {o}{q}." for v, o, q in product(_VERBS, _OBJECTS, _QUALIFIERS)]
    random.Random("fauxhire:phrases").shuffle(combined)  # a fixed rank for every line
    return (*_CLICHES, *combined)


STOCK: Final = _stock()
_CUMULATIVE: Final = tuple(accumulate(1 / rank**ZIPF for rank in range(1, len(STOCK) + 1)))


def stock_lines(rng: random.Random) -> list[str]:
    """A few stock lines for one resume, each drawn by popularity, none twice."""
    drawn = rng.choices(STOCK, cum_weights=_CUMULATIVE, k=rng.randint(*LINES_PER_RESUME))
    return list(dict.fromkeys(drawn))
