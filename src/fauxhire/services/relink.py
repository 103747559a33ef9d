"""An analyst's judgement recorded, then linking run again to show its effect: where each
application the judgement names stood before and stands after (`fauxhire judge`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fauxhire.services import judge
from fauxhire.services.ingest import Clock
from fauxhire.services.link import LinkSummary
from fauxhire.services.linker import Linker
from fauxhire.store import SqlStore

# judge.confirm, judge.split or judge.split_network: the store, the subjects, then who, why, when.
Decide = Callable[..., judge.Decision]


@dataclass(frozen=True, slots=True)
class Judged:
    decision: judge.Decision
    linked: LinkSummary | None  # None: not linked again (`--no-link`)
    before: list[judge.Placement]  # of decision.watched, in its order
    after: list[judge.Placement]  # the same as before when not linked again


def judge_and_relink(
    store: SqlStore,
    decide: Decide,
    subjects: tuple[str, ...],
    *,
    analyst: str,
    reason: str,
    clock: Clock,
    linker: Linker,
    relink: bool = True,
) -> Judged:
    """Record the judgement ``decide`` makes on ``subjects``; unless ``relink`` is false, link
    the store again (a full run: a judgement can move any identity) and say what moved."""
    decision = decide(store, *subjects, analyst=analyst, reason=reason, now=clock())
    before = judge.placements(store, decision.watched)
    if not relink:
        return Judged(decision, None, before, before)
    linked = linker.link(store, now=clock())
    return Judged(decision, linked, before, judge.placements(store, decision.watched))
