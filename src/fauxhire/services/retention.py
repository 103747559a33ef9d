"""Retention: applicants' records older than the settings' ``retention_days`` deleted with
the erasure's machinery (docs/privacy.md), in batches of applications a unit of work each,
and one audit event a run with the counts.

Confirmed fraud is held longer: the applications of an identity that an employer reported as
confirmed fraud, or that an analyst disposed of as confirmed, with their meetings and
sign-ins, are kept for ``retention_fraud_hold_days`` (unset: until erased on request). They
are the evidence the next member's screening matches against, and the legitimate interest
in preventing fraud outlasts the recruiting one; an applicant cleared or never suspected
has no such record. Retention leaves no tombstones: an expired record that a file brings
back is expired again at the next run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from fauxhire.errors import ConfigError
from fauxhire.ports import ErasureStore
from fauxhire.services.erasure import Actor, count_records, rolled_back

BATCH: Final = 5000  # applications a unit of work: a short write lock, few statements
# What a webhook delivery of an expired application is marked as (``refused``), kept without
# its application so a replay of it is still answered as a duplicate.
EXPIRED: Final = "expired"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    days: int | None  # None: retention is not set
    fraud_hold_days: int | None = None  # None: confirmed fraud kept until erased

    def cutoffs(self, now: datetime) -> tuple[datetime, datetime | None]:
        if self.days is None:
            raise ConfigError("retention_days is not set: nothing expires", field="retention_days")
        hold = None if self.fraud_hold_days is None else now - timedelta(self.fraud_hold_days)
        return now - timedelta(self.days), hold


@dataclass(frozen=True, slots=True)
class RetentionOutcome:
    applied: bool  # False: a dry run, every batch rolled back
    before: datetime  # records older than this went
    counts: dict[str, int]  # table -> rows removed (or that would be)
    event_id: int


def apply_retention(
    store: ErasureStore,
    policy: RetentionPolicy,
    *,
    actor: Actor,
    now: datetime,
    dry_run: bool,
    batch: int = BATCH,
    advanced: Callable[[int], None] = lambda _: None,
) -> RetentionOutcome:
    """Delete (or, in a dry run, count) what is past retention; ``advanced`` is told how many
    applications each batch took."""
    before, hold_before = policy.cutoffs(now)

    def run() -> dict[str, int]:
        totals: Counter[str] = Counter()
        expired = store.expired_applications(before, hold_before=hold_before)
        for start in range(0, len(expired), batch):
            keys = expired[start : start + batch]
            with store.unit_of_work():  # a batch a unit: inside a dry run's, its part
                erased = store.erase_records(keys, thorough=False, refused=EXPIRED)
                totals.update(erased.counts)
            advanced(len(keys))
        with store.unit_of_work():
            totals.update(store.erase_expired_observations(before, hold_before=hold_before))
        return {table: n for table, n in sorted(totals.items()) if n}

    # A dry run is the same run in one unit of work, rolled back: its counts are exactly
    # what the run would delete, and it deletes nothing.
    counts = rolled_back(store, run, keep=False) if dry_run else run()
    action = "retention:dry-run" if dry_run else "retention:apply"
    why = f"retention_days={policy.days}, fraud hold {policy.fraud_hold_days or 'unset'}"
    event = actor.event(action, "retention", why, now, count_records(counts))
    return RetentionOutcome(not dry_run, before, counts, store.append_audit(event))
