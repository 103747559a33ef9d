"""What a person is told about a verdict in plain words: each indicator's title (the
ruleset's few words for it, with no value of anyone's in it) and what to do next, by level.
The screen's answer and the identity views say the same."""

from __future__ import annotations

from typing import Final

from fauxhire.assess.ruleset import LoadedRuleset


def indicator_titles(loaded: LoadedRuleset) -> dict[str, str]:
    """Each indicator's title in the ruleset in use (a private one, where the settings name
    it), by id: read once, where the process loads its ruleset."""
    return {indicator.id: indicator.title for indicator in loaded.ruleset.indicators}


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
