"""The port of the analysts' review queue (issue 18): the assessed identities a reviewer
works through, filtered and ordered by the store, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import NamedTuple, Protocol

from fauxhire.ports import AuditLog


class QueueFilter(NamedTuple):
    """Which identities a queue holds. Every field narrows it; None leaves it open."""

    levels: tuple[str, ...]  # estimative levels (domain.levels), at least one
    member: str | None = None  # only identities holding an application of this company
    sector: str | None = None  # only those holding one at a company of this sector
    indicator: str | None = None  # only those whose evidence names this indicator
    network: str | None = None  # only the members of this network
    disposition: str | None = None  # "none", "confirmed" or "cleared": the identity's latest


class QueueRow(NamedTuple):
    """One identity as the queue lists it: its assessment, with no applicant data."""

    identity_id: str
    level: str
    probability: float
    network_id: str | None
    assessed_at: datetime | None  # None where the store keeps no assessment times
    indicators: tuple[str, ...]  # the indicators of its evidence, strongest first
    applications: int
    disposition: str | None  # its latest analyst's disposition, if any


class ReviewQueue(AuditLog, Protocol):
    """The queue's reads, and the audit trail that records each page read."""

    def unit_of_work(self) -> AbstractContextManager[None]: ...

    def review_queue(self, given: QueueFilter, *, limit: int, offset: int) -> list[QueueRow]:
        """The identities ``given`` selects, by level (the highest first), then the latest
        assessed, then id (the highest first); ``limit`` of them from ``offset``."""
        ...

    def latest_acts(self, actor: str, action: str, subjects: Sequence[str]) -> dict[str, datetime]:
        """When ``actor`` last did ``action`` (an audit event's) to each of ``subjects``, for
        those it has."""
        ...
