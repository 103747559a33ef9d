"""The assessment a screen makes of the identities its candidates joined: the cheapest way
that gives what ``assess_few.assess_identities`` would.

- An identity that is only an applicant: in plain Python (``assess_applicant_identity``).
- One that is more, whose stored assessment saw all it holds but the screened applications:
  its applications graded again and the rest carried (``reassess_identity``).
- Any other: the detectors over it and its network and ties (``assess_identities``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import NamedTuple, Protocol

from fauxhire.assess.ruleset import LoadedRuleset
from fauxhire.enrich.keyed import MatchKeys
from fauxhire.ports import ScopedAssessingStore
from fauxhire.services.assess_applicant import (
    ApplicantStore,
    PlainAssessed,
    assess_applicant_identity,
    reassess_identity,
)
from fauxhire.services.assess_few import assess_identities


class ScreenedAssessingStore(ApplicantStore, ScopedAssessingStore, Protocol):
    def unit_of_work(self) -> AbstractContextManager[None]: ...


class ScreenedAssessment(NamedTuple):
    scope: int  # identities read to assess them
    carried: int  # contributions carried from stored assessments


def assess_screened(
    store: ScreenedAssessingStore,
    new_of: Mapping[str, Sequence[str]],
    *,
    now: datetime,
    ruleset: LoadedRuleset,
    community_key: MatchKeys = None,
) -> ScreenedAssessment:
    """Assess each identity of ``new_of`` (identity to the keys of the applications the
    screen added to it), and store the assessments."""
    plain: list[PlainAssessed] = []
    rest: list[str] = []
    for identity in sorted(new_of):
        # A PlainAssessed is a non-empty tuple: only None falls through to the next way.
        done = assess_applicant_identity(
            store, identity, now=now, ruleset=ruleset, community_key=community_key
        ) or reassess_identity(
            store, identity, new_of[identity], now=now, ruleset=ruleset,
            community_key=community_key,
        )  # fmt: skip
        if done is None:
            rest.append(identity)
        else:
            plain.append(done)
    scope, carried = len(plain), sum(done.carried for done in plain)
    if plain:
        with store.unit_of_work():
            rows = [done.row for done in plain]
            rows += [done.network for done in plain if done.network is not None]
            store.upsert_assessments(rows, now=now)
    if rest:
        few = assess_identities(store, rest, now=now, ruleset=ruleset, community_key=community_key)
        scope, carried = scope + few.scope, carried + few.carried
    return ScreenedAssessment(scope, carried)
