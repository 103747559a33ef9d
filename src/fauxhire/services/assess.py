"""`fauxhire assess`: every identity and network of the store assessed under the ruleset.

Reads the linked records as frames (``services/facts.py``), runs the pure assessment
(``assess/``), and replaces the stored assessments in one transaction, each with the ruleset's
version and content hash so it can be replayed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path

import polars as pl

from fauxhire.assess.detectors import DETECTORS
from fauxhire.assess.ruleset import LoadedRuleset, Problem, parse_ruleset
from fauxhire.assess.score import LIKELY, assess
from fauxhire.enrich.keyed import MatchKeys
from fauxhire.errors import RuleError
from fauxhire.ports import AssessingStore, AssessmentRow
from fauxhire.services.facts import read_facts

log = logging.getLogger(__name__)
BUILTIN = "builtin:default.yaml"


@dataclass(frozen=True, slots=True)
class AssessSummary:
    identities: int
    networks: int
    flagged_identities: int  # likely or higher
    flagged_networks: int
    by_level: dict[str, int]
    ruleset: str  # name@version
    ruleset_hash: str
    seconds: float


def check_ruleset_text(text: str, source: str) -> tuple[LoadedRuleset | None, list[Problem]]:
    return parse_ruleset(text, source, DETECTORS)


def check_ruleset_file(path: Path) -> tuple[LoadedRuleset | None, list[Problem]]:
    return check_ruleset_text(_read(path), str(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read the ruleset: {exc}", path=str(path)) from exc


def load_ruleset(path: Path | None = None) -> LoadedRuleset:
    """The ruleset at ``path`` (a private one), or the one fauxhire ships."""
    if path is None:
        text = resources.files("fauxhire.assess").joinpath("rules/default.yaml").read_text()
        source = BUILTIN
    else:
        text, source = _read(path), str(path)
    loaded, problems = check_ruleset_text(text, source)
    if loaded is None:
        errors = [str(p) for p in problems if p.severity == "error"]
        raise RuleError(
            f"{source}: the ruleset has {len(errors)} problem(s):\n" + "\n".join(errors),
            path=source,
            problems=errors,
        )
    return loaded


def assess_store(
    store: AssessingStore,
    *,
    now: datetime,
    ruleset: LoadedRuleset | None = None,
    community_key: MatchKeys = None,
) -> AssessSummary:
    began = time.perf_counter()
    loaded = ruleset or load_ruleset()
    facts = read_facts(store, now=now, community_key=community_key)
    log.info("assess: facts read in %.1f s", time.perf_counter() - began)
    stamp = time.perf_counter()
    assessed = assess(facts, loaded)
    log.info("assess: scored in %.1f s", time.perf_counter() - stamp)
    stamp = time.perf_counter()
    with store.unit_of_work():
        store.replace_assessments(
            assessment_rows(assessed.identities, assessed.networks, loaded), now=now
        )
    store.refresh_statistics("assessments")
    log.info("assess: written in %.1f s", time.perf_counter() - stamp)
    identities, networks = assessed.identities, assessed.networks
    levels = identities.group_by("level").agg(pl.len()).rows()
    return AssessSummary(
        identities=identities.height,
        networks=networks.height,
        flagged_identities=identities.filter(pl.col("probability") >= LIKELY).height,
        flagged_networks=networks.filter(pl.col("probability") >= LIKELY).height,
        by_level=dict(sorted(levels, key=lambda row: (-row[1], row[0]))),  # ties by name
        ruleset=loaded.label,
        ruleset_hash=loaded.content_hash,
        seconds=time.perf_counter() - began,
    )


def assessment_rows(
    identities: pl.DataFrame, networks: pl.DataFrame, loaded: LoadedRuleset
) -> list[AssessmentRow]:
    """The rows to store for ``Assessed.identities`` and ``Assessed.networks`` (or a part of
    each), under the ruleset's version and content hash."""
    version, digest = loaded.label, loaded.content_hash
    rows = [
        AssessmentRow("identity", identity, network, probability, level, evidence, version, digest)
        for identity, network, probability, level, evidence in identities.select(
            "identity_id", "network_id", "probability", "level", "evidence"
        ).iter_rows()
    ]
    rows += [
        AssessmentRow("network", network, network, probability, level, evidence, version, digest)
        for network, probability, level, evidence in networks.select(
            "network_id", "probability", "level", "evidence"
        ).iter_rows()
    ]
    return rows
