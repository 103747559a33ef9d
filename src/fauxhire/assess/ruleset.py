"""The ruleset: which indicators count, how much, and with what parameters, as versioned data.

A ruleset is YAML (``rules/default.yaml`` ships with fauxhire; a private file replaces it by
configuration). Code supplies the detectors, the observations an indicator can be built on;
the ruleset binds each indicator id to one detector, its parameters, its weight and its words.
So an organisation can re-weight, retune or switch off any indicator, and keep its own
thresholds private, without touching code.

Weights are natural log-odds: an indicator that fires at full strength adds ``weight`` to the
identity's log-odds, starting from the log-odds of ``prior``. Problems are collected, never
raised one at a time: ``check_ruleset`` returns every one with its ``path:line``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fauxhire.domain.levels import level_floor

FAMILIES = ("technical", "behavioural", "first-hand", "network")
# Never a feature, in any ruleset: origins are not evidence of fraud (docs/fairness.md).
FORBIDDEN_ATTRIBUTES = frozenset(
    {"nationality", "ethnicity", "national_origin", "name_origin", "accent", "race",
     "religion", "citizenship", "name_pool", "birthplace", "country_of_birth"}
)  # fmt: skip
# Other forms of the same words: "nationalities", "ethnic", "religious", "citizenships".
FORBIDDEN_ROOTS = ("nationalit", "ethnic", "religio", "citizenship")
_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


VALUES, COUNT = "{values}", "{count}"  # the detail's placeholders
_PLACEHOLDER = re.compile(r"(\{values\}|\{count\})")


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID, description="stable kebab-case id, shown with every assessment")
    family: Literal["technical", "behavioural", "first-hand", "network"]
    detector: str = Field(description="the observation it is built on (fauxhire rules docs)")
    weight: float = Field(description="log-odds added at full strength; negative: evidence against")
    params: dict[str, Any] = Field(default_factory=dict)
    title: str = Field(min_length=3, description="a few words, for tables")
    detail: str = Field(
        min_length=3, description="one sentence; {values} and {count} are filled in"
    )
    explanation: str = Field(min_length=10, description="why it is evidence, and its limits")
    enabled: bool = True

    def detail_parts(self) -> list[str]:
        """The detail sentence cut at its placeholders, each kept as a part of its own: the
        detectors fill them a row at a time (``score._filled``), the plain paths one at a
        time (``filled``); what a value holds is never read as a placeholder."""
        return [part for part in _PLACEHOLDER.split(self.detail) if part]

    def filled(self, values: str, count: int) -> str:
        """The detail sentence naming ``values`` and ``count``."""
        given = {VALUES: values, COUNT: str(count)}
        return "".join(given.get(part, part) for part in self.detail_parts())


class Ruleset(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ruleset: str = Field(pattern=_ID)
    version: str = Field(min_length=1)
    prior: float = Field(gt=0, lt=1, description="P(scheme-linked) of an identity, no evidence")
    network_prior: float = Field(gt=0, lt=1, description="the same for a network")
    sources_shown: int = Field(5, ge=1, le=100, description="source records kept per indicator")
    indicators: list[Indicator] = Field(min_length=1)

    @property
    def active(self) -> list[Indicator]:
        return [indicator for indicator in self.indicators if indicator.enabled]

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


class DetectorSpec(Protocol):
    """What the ruleset needs to know of a detector: its parameters and its direction."""

    @property
    def params(self) -> type[BaseModel]: ...

    @property
    def against(self) -> bool: ...  # evidence against (a clearance): weights are <= 0

    @property
    def decisive(self) -> bool: ...  # a person's finding: it must outweigh all the rest


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ruleset, where it is, and how bad."""

    location: str  # path:line
    where: str  # the YAML path, e.g. indicators[3].weight
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class LoadedRuleset:
    ruleset: Ruleset
    source: str  # the file it came from, or "builtin:default.yaml"
    content_hash: str  # sha256 of the exact bytes: what an assessment replays against

    @property
    def label(self) -> str:
        return f"{self.ruleset.ruleset}@{self.ruleset.version}"


def content_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def parse_ruleset(
    text: str, source: str, detectors: Mapping[str, DetectorSpec]
) -> tuple[LoadedRuleset | None, list[Problem]]:
    """The ruleset in ``text`` and every problem found in it (a ruleset only when none is an
    error). ``detectors``: every detector code supplies, by name."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return None, [Problem(f"{source}:{line}", "", f"not valid YAML: {exc}")]
    lines = _lines_of(node)
    locate = _locator(source, lines)
    if not isinstance(data, dict):
        return None, [Problem(f"{source}:1", "", "a ruleset is a mapping at the top level")]
    try:
        ruleset = Ruleset.model_validate(data)
    except ValidationError as exc:
        return None, [
            Problem(locate(error["loc"]), _path(error["loc"]), error["msg"])
            for error in exc.errors()
        ]
    problems = _semantic_problems(ruleset, detectors, locate)
    if any(problem.severity == "error" for problem in problems):
        return None, problems
    return LoadedRuleset(ruleset, source, content_hash(text)), problems


def _semantic_problems(
    ruleset: Ruleset, detectors: Mapping[str, DetectorSpec], locate: Any
) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: tuple[Any, ...], message: str, severity: str = "error") -> None:
        problems.append(Problem(locate(loc), _path(loc), message, severity))  # type: ignore[arg-type]

    seen: set[str] = set()
    start = logit(ruleset.prior)
    likely = logit(level_floor("likely"))
    for n, indicator in enumerate(ruleset.indicators):
        at = ("indicators", n)
        if indicator.id in seen:
            add((*at, "id"), f"indicator id {indicator.id!r} is used twice")
        seen.add(indicator.id)
        detector = detectors.get(indicator.detector)
        if detector is None:
            known = ", ".join(sorted(detectors))
            add((*at, "detector"), f"unknown detector {indicator.detector!r}; known: {known}")
        else:
            try:
                detector.params.model_validate(indicator.params)
            except ValidationError as exc:
                for error in exc.errors():
                    add((*at, "params", *error["loc"]), error["msg"])
        words = _words(indicator.params) | _words(indicator.id) | _words(indicator.detector)
        if forbidden := _forbidden(words):
            add(at, f"uses {', '.join(forbidden)}: origins are never evidence (docs/fairness.md)")
        against = detector is not None and detector.against
        if against and indicator.weight > 0:
            add((*at, "weight"), "this detector is evidence against: its weight must be <= 0")
        elif not against and indicator.weight < 0:
            # A firing indicator never lowers the probability: monotone by construction.
            add((*at, "weight"), "this detector is evidence for: its weight must be >= 0")
        if (
            indicator.family in ("technical", "behavioural", "network")
            and indicator.enabled
            and start + indicator.weight >= likely
        ):
            add(
                (*at, "weight"),
                f"alone it would lift a clean identity to 'likely' (prior log-odds {start:.2f} "
                f"+ {indicator.weight} >= {likely:.2f}); no single technical or behavioural "
                "indicator may",
            )
        if detector is not None and detector.decisive and indicator.enabled:
            _check_decisive(ruleset, detectors, n, start, likely, add)
    return problems


def _check_decisive(
    ruleset: Ruleset,
    detectors: Mapping[str, DetectorSpec],
    n: int,
    start: float,
    likely: float,
    add: Any,
) -> None:
    """An analyst's finding decides: a clearance keeps an identity below 'likely' whatever else
    fires, a confirmation lifts it to 'likely' whatever evidence against there is."""
    indicator = ruleset.indicators[n]
    others = [
        i.weight
        for i in ruleset.active
        if i.id != indicator.id and not (i.detector in detectors and detectors[i.detector].decisive)
    ]
    if indicator.weight < 0:
        worst = start + sum(w for w in others if w > 0) + indicator.weight
        if worst >= likely:
            add(
                ("indicators", n, "weight"),
                f"an analyst's clearance must outweigh every other indicator together: needs "
                f"a weight below {likely - start - sum(w for w in others if w > 0):.2f}",
            )
    else:
        worst = start + sum(w for w in others if w < 0) + indicator.weight
        if worst < likely:
            add(
                ("indicators", n, "weight"),
                f"an analyst's confirmation must outweigh all evidence against together: needs "
                f"a weight of at least {likely - start - sum(w for w in others if w < 0):.2f}",
            )


def _words(value: Any) -> set[str]:
    """Every run of consecutive words in the keys and values of ``value``, joined by "_"
    ("exclude_name_pool" and "excludeNamePool" give "name_pool", among others)."""
    if isinstance(value, dict):
        return set().union(*(_words(k) | _words(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_words(v) for v in value))
    if isinstance(value, str):
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", value).lower()
        words = [word for word in re.split(r"[^a-z]+", spaced) if word]
        return {
            "_".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)
        }
    return set()


def _forbidden(words: set[str]) -> list[str]:
    """The forbidden attributes ``words`` name, also in another form ("nationalities")."""
    return sorted(
        word for word in words if word in FORBIDDEN_ATTRIBUTES or word.startswith(FORBIDDEN_ROOTS)
    )


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _lines_of(node: Any) -> dict[tuple[Any, ...], int]:
    """The line of every mapping key and sequence item, by its path."""
    lines: dict[tuple[Any, ...], int] = {}

    def walk(current: Any, path: tuple[Any, ...]) -> None:
        if current is None:
            return
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                lines[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(current, yaml.SequenceNode):
            for n, item in enumerate(current.value):
                walk(item, (*path, n))

    walk(node, ())
    return lines


def _locator(source: str, lines: dict[tuple[Any, ...], int]) -> Any:
    def locate(loc: tuple[Any, ...]) -> str:
        path = tuple(loc)
        while path and path not in lines:  # a missing key: point at its parent
            path = path[:-1]
        return f"{source}:{lines.get(path, 1)}"

    return locate
