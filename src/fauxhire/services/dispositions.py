"""An analyst's disposition on an identity: the human in the loop of the assessment.

An assessment is a recommendation. An analyst who has investigated an identity records what
they found: ``confirmed`` (linked to scheme infrastructure, confirmed by investigation) or
``cleared`` (investigated, not fraudulent), with who, why and when. The store keeps it against
the identity's applications (``store/dispositions.py``), so it follows the person when linking
re-runs and ids change; the assessment reads ``current_dispositions`` on its next run.

An identity whose applications carry dispositions that disagree (two identities disposed
differently, then merged; or an analyst who changed their mind) is decided by the latest; the
others are listed with it as overruled, so the conflict is seen, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from fauxhire.errors import JudgementRefused, NotFound
from fauxhire.store.dispositions import (
    DISPOSITIONS,
    Disposition,
    add_disposition,
    carried_dispositions,
    latest,
)
from fauxhire.store.store import Store
from fauxhire.store.views import identity_applications


@dataclass(frozen=True)
class Given:
    """One disposition as an identity carries it."""

    disposition: str  # confirmed | cleared
    subject_id: str  # the identity id it was given on (ids move on a relink)
    analyst: str
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class Standing:
    """Where an identity stands with the analysts: the deciding disposition, the conflict."""

    identity_id: str
    decided: Given  # the latest: what the assessment uses
    overruled: list[Given]  # earlier ones it carries that say otherwise, latest first
    carried: int  # how many dispositions its applications carry in all


@dataclass(frozen=True)
class Disposed:
    """What one disposition was stored as, and where the identity stood before it."""

    disposition_id: int
    identity_id: str
    given: Given
    applications: int  # the identity's applications that now hold it
    before: Standing | None  # None: no disposition before this one
    held_by: tuple[str, ...] = ()  # the keys of those applications, for the audit trail


def dispose(
    store: Store,
    identity_id: str,
    disposition: str,
    *,
    analyst: str,
    reason: str,
    now: datetime,
) -> Disposed:
    """Record an analyst's disposition on an identity as it is linked now."""
    if disposition not in DISPOSITIONS:
        raise JudgementRefused(
            f"unknown disposition {disposition!r}: say {' or '.join(DISPOSITIONS)}",
            disposition=disposition,
        )
    if not analyst.strip():
        raise JudgementRefused("a disposition needs its analyst: give --analyst")
    if not reason.strip():
        raise JudgementRefused("a disposition needs a reason: say why with --reason")
    keys = tuple(identity_applications(store, identity_id, "dispose_identity"))
    if not keys:
        raise NotFound(
            f"no identity {identity_id!r} in the store: name it as `fauxhire show identity` "
            "does, after `fauxhire link`",
            identity_id=identity_id,
        )
    before = _standings(carried_dispositions(store, identity_id))
    stored = Disposition(disposition, identity_id, keys, analyst, reason, now)
    disposition_id = add_disposition(store, stored)
    return Disposed(
        disposition_id,
        identity_id,
        Given(disposition, identity_id, analyst, reason, now),
        len(keys),
        before[0] if before else None,
        keys,
    )


def list_dispositions(store: Store) -> list[Standing]:
    """Every identity that carries a disposition now, by identity id, with its conflicts."""
    return _standings(carried_dispositions(store))


def _standings(carried: pl.DataFrame) -> list[Standing]:
    decided = latest(carried)
    decision = decided.select("identity_id", decided_id="disposition_id", decided_as="disposition")
    disagreeing = (
        carried.join(decision, on="identity_id")
        .filter(pl.col("disposition") != pl.col("decided_as"))
        .sort("created_at", "disposition_id", descending=True)
    )
    overruled: dict[str, list[Given]] = {}
    for row in disagreeing.iter_rows(named=True):
        overruled.setdefault(row["identity_id"], []).append(_given(row))
    counts = dict(carried.group_by("identity_id").len().iter_rows())
    return [
        Standing(
            row["identity_id"],
            _given(row),
            overruled.get(row["identity_id"], []),
            counts[row["identity_id"]],
        )
        for row in decided.iter_rows(named=True)
    ]


def _given(row: dict[str, Any]) -> Given:
    return Given(
        row["disposition"], row["subject_id"], row["analyst"], row["reason"], row["created_at"]
    )
