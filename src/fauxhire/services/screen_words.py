"""What a person is told about a verdict in plain words: each indicator's title (the
ruleset's few words for it, with no value of anyone's in it) and what to do next, by level.
The screen's answer and the identity views say the same."""

from __future__ import annotations

from functools import cache
from typing import Final

from fauxhire.services.assess import load_ruleset


@cache
def _titles() -> dict[str, str]:
    return {indicator.id: indicator.title for indicator in load_ruleset().ruleset.indicators}


def indicator_title(indicator: str) -> str:
    """The shipped ruleset's title of the indicator, or its id where it names none."""
    return _titles().get(indicator, indicator)


_STEP_UP: Final = (
    "Verify identity with a document and liveness check before the next stage.",
    "Hold the next interview on live video, camera on, and compare with the documents.",
    "Call references on numbers you find yourself, not the ones supplied.",
)


def next_steps(level: str | None) -> list[str]:
    """What a recruiter does next, by level: checks a person makes, never a rejection."""
    if level in ("likely", "very likely", "almost certain"):
        return ["Ask your security team to review this candidate before going further.", *_STEP_UP]
    if level in ("unlikely", "roughly even chance"):
        return list(_STEP_UP[:2])
    return ["No check beyond your usual process."]
